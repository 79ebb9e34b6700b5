"""The same quota saved by several requests at the same moment (two staff, or a form sent twice
from two tabs) ends as one row with one creation in the audit log (PostgreSQL, threads behind a
barrier)."""

from decimal import Decimal

from core.models import AuditEntry
from org.models import User
from projects.models import AnnualQuota
from projects.quotas.services import quota_save
from tests.funding.test_concurrency import at_once

THREADS = 8


def test_one_quota_saved_eight_times_at_once_is_one_row_created_once(
    needs_postgresql, transactional_db, world
):
    def saving():
        actor = User.objects.get(username="city")  # a fresh user per thread: its caches are its own
        return quota_save(
            actor=actor, region=world.district_a, year=2026, compounds=8, floor_area=Decimal("67972")
        ).pk

    outcomes = at_once([saving for _ in range(THREADS)])
    assert len(set(outcomes)) == 1 and isinstance(outcomes[0], int), outcomes
    assert AnnualQuota.objects.filter(region=world.district_a, year=2026).count() == 1
    entries = AuditEntry.objects.filter(content_type__model="annualquota")
    assert list(entries.values_list("action", flat=True)) == ["create"]
