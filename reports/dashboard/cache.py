"""The dashboard's sections kept in the cache (Redis in production) for a while, so a wall screen
reloading every five minutes, or a leader coming back to the home page, costs two queries instead
of sixty.

What is kept: the built sections of one user's dashboard for one choice (city, plan year, as-of
date, drill-down region), in one language, on one day (alerts count lateness to today).

What starts it afresh: any write the portal makes. Every service writes an audit entry in the
same transaction as its change (project steps, progress reports, quotas, receipts and payments,
survey answers, complaints, imports, role and scope changes alike), so the highest audit entry id
is a version of all the data: it is part of the key, and the first request after a write builds
anew. ``DASHBOARD_CACHE_SECONDS`` (600 by default) bounds how long a version is kept, for a
change made outside the portal's services (a database restored, a script run by hand).

A cache that cannot be reached (Redis down) costs nothing but the saving: the sections are built
as if nothing were kept.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone, translation

from core.models import AuditEntry
from core.replica import reads_from_replica

from .sections import build_sections

log = logging.getLogger(__name__)


def data_version():
    """The highest audit entry id: one index lookup."""
    return AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0


def cache_key(scope):
    parts = (
        data_version(),
        scope.user.pk,
        translation.get_language(),
        scope.city.pk,
        scope.year,
        scope.as_of.isoformat(),
        scope.region.pk,
        timezone.localdate().isoformat(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"dashboard:sections:{digest}"


@reads_from_replica()
def sections_for(scope):
    """The scope's sections, from the cache when this user's same dashboard was built since the
    last write, else built (and kept). Read from the read replica when there is one (core.replica):
    the data version in the key is the replica's too, so sections built from a replica that lags
    are kept under the version they show, never under a newer one."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return build_sections(scope)
    key = cache_key(scope)
    try:
        found = cache.get(key)
    except Exception:  # an unreachable cache only loses the saving
        log.warning("dashboard cache unreachable; building the sections", exc_info=True)
        return build_sections(scope)
    if found is not None:
        return found
    sections = build_sections(scope)
    try:
        cache.set(key, sections, seconds)
    except Exception:  # as above
        log.warning("dashboard cache unreachable; the sections are not kept", exc_info=True)
    return sections
