"""The demo is seeded at once by one account; its history should read as the months it depicts, each
entry by whoever would have done it: the street's clerk or the district's staff prepare and build,
the city approves, accepts, audits and inspects."""

import datetime
from contextlib import contextmanager

from django.db.models import Max
from django.utils import timezone

from core.models import AuditEntry
from org.demo import load_fixture
from org.models import User

_dated = set()  # entries already given their day by an inner block, in this seeding


def start_dating():
    """Forget the entries of an earlier seeding (a test seeds several databases in one process,
    and their ids repeat)."""
    _dated.clear()


@contextmanager
def recorded_as(actor, day, hour=10):
    """Audit entries written inside the block read as ``actor``'s, at ``hour`` on ``day``."""
    last = AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0
    yield
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    moment = min(moment, timezone.now())
    rows = AuditEntry.objects.filter(id__gt=last).exclude(id__in=_dated)
    ids = list(rows.values_list("id", flat=True))
    AuditEntry.objects.filter(id__in=ids).update(
        at=moment, actor=actor, actor_name=(actor.get_full_name() or actor.get_username())[:150]
    )
    _dated.update(ids)


def preparer_of(region, city_admin):
    """The demo account of the project's own street, else of its district, else the city's."""
    usernames = [account["username"] for account in load_fixture()["accounts"]]
    users = User.objects.filter(
        username__in=usernames, is_active=True, organisation__region__isnull=False
    ).select_related("organisation__region")
    path = region.path
    nearest = [
        u for u in users if path.startswith(u.organisation.region.path) and u.has_perm("projects.add_project")
    ]
    nearest.sort(key=lambda u: len(u.organisation.region.path), reverse=True)
    return nearest[0] if nearest else city_admin
