"""Every write of annual quotas: one quota saved or deleted, or a year's whole table saved at once.

Quotas are the city's to keep (``projects.add_annualquota`` / ``change_annualquota``), for the city
itself and its districts, within the user's area. Saving the same figures again changes nothing
and writes no audit entry, so a form sent twice or a file imported twice does one thing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.audit import audit_record, changes_between, model_snapshot
from core.models import AuditEntry
from projects.models import AnnualQuota

QUOTA_FIELDS = ("compounds", "households", "buildings", "floor_area", "investment", "note")
DEFAULTS = {"compounds": 0, "households": 0, "buildings": 0, "floor_area": 0, "investment": 0, "note": ""}


def _check_allowed(actor, quota, permission):
    if not actor.has_perm(permission) or not AnnualQuota.scope.covers(actor, quota):
        raise PermissionDenied


def quota_save(*, actor, region, year, **figures):
    """Set ``region``'s quota for ``year`` (created, or changed in place); figures left out keep
    their value (0 for a new quota). Returns the quota."""
    unknown = set(figures) - set(QUOTA_FIELDS)
    if unknown:
        raise TypeError(f"Unknown quota fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        quota = AnnualQuota.objects.select_for_update().filter(region=region, year=year).first()
        if quota is None:
            return _create(actor, region, year, figures)
        return _update(actor, quota, figures)


def _create(actor, region, year, figures):
    quota = AnnualQuota(region=region, year=year, **{**DEFAULTS, **figures})
    _check_allowed(actor, quota, "projects.add_annualquota")
    try:
        quota.full_clean()
    except ValidationError:
        # The uniqueness check may already see a quota another request committed since the lock
        # above found none: change that one (its own checks then name any real error).
        existing = AnnualQuota.objects.select_for_update().filter(region=region, year=year).first()
        if existing is None:
            raise
        return _update(actor, existing, figures)
    try:
        with transaction.atomic():
            quota.save()
    except IntegrityError:
        # Another request created the same quota a moment ago: change that one instead.
        existing = AnnualQuota.objects.select_for_update().get(region=region, year=year)
        return _update(actor, existing, figures)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=quota, changes=model_snapshot(quota))
    return quota


def _update(actor, quota, figures):
    _check_allowed(actor, quota, "projects.change_annualquota")
    before = model_snapshot(quota)
    for name, value in figures.items():
        setattr(quota, name, value)
    quota.full_clean()
    changes = changes_between(before, model_snapshot(quota))
    if changes:  # the same figures again (a second click, a file imported twice) change nothing
        quota.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=quota, changes=changes)
    return quota


def quota_delete(*, actor, quota):
    with transaction.atomic():
        quota = AnnualQuota.objects.select_for_update().select_related("region").get(pk=quota.pk)
        _check_allowed(actor, quota, "projects.delete_annualquota")
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=quota, changes=model_snapshot(quota))
        quota.delete()


def quotas_save(*, actor, year, rows):
    """A year's table in one transaction: ``rows`` of {"region": Region, **figures}, or
    {"region": ..., "delete": True} for a row emptied. Nothing is saved if any row is refused.
    Returns the number of quotas created, changed or deleted."""
    done = 0
    with transaction.atomic():
        for row in rows:
            figures = {k: v for k, v in row.items() if k in QUOTA_FIELDS}
            existing = AnnualQuota.objects.filter(region=row["region"], year=year).first()
            if row.get("delete"):
                if existing is not None:
                    quota_delete(actor=actor, quota=existing)
                    done += 1
                continue
            before = model_snapshot(existing) if existing else None
            quota = quota_save(actor=actor, region=row["region"], year=year, **figures)
            done += before != model_snapshot(quota)
    return done
