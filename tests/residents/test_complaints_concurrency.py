"""Complaints recorded by several clerks at the same moment take consecutive numbers, none twice
and none skipped (PostgreSQL, threads behind a barrier)."""

from django.utils import timezone

from org.models import User
from residents.complaints.services import complaint_record
from residents.models import Complaint
from tests.factories import compound_in
from tests.funding.test_concurrency import at_once

THREADS = 8


def test_eight_complaints_recorded_at_once_take_eight_consecutive_numbers(
    needs_postgresql, transactional_db, world
):
    compound = compound_in(world.community_a)
    today = timezone.localdate()

    def recording():
        actor = User.objects.get(username="clerk_a")  # a fresh user per thread: its caches are its own
        return complaint_record(
            actor=actor, channel="hotline", category="nuisance", content="夜间施工", received_on=today,
            compound=compound,
        ).number  # fmt: skip

    outcomes = at_once([recording for _ in range(THREADS)])
    expected = {f"淄博投诉〔{today.year}〕{n:04d}" for n in range(1, THREADS + 1)}
    assert set(outcomes) == expected, outcomes
    assert Complaint.objects.count() == THREADS
