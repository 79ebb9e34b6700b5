"""Document numbers: per issuer and year, from 1, gapless and unique even when notices are issued at
the same moment; a rollback gives the number back; a voided notice keeps its number."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from org.models import User
from reports.models import DocumentCounter, Notice
from reports.notices.services import notice_issue, notice_void, notices_issue_batch
from reports.notices.standard import CONSTRUCTION, PUBLICITY
from tests.factories import compound_in, project_in

THREADS = 20


ON = datetime.date(2026, 11, 29)


def issue(world, project, issuers, persona="city", issuer="city", **kwargs):
    kwargs.setdefault("issued_on", ON)
    return notice_issue(
        kind=CONSTRUCTION,
        subject=project,
        issuer=issuers[issuer],
        user=world[persona],
        render=False,
        **kwargs,
    )


def test_numbers_start_at_one_per_issuer_and_year_and_read_like_an_official_document(
    world, building, issuers
):
    first = issue(world, building, issuers, issued_on=datetime.date(2026, 11, 29))
    second = issue(world, building, issuers, issued_on=datetime.date(2026, 11, 29))
    other_issuer = issue(
        world, building, issuers, persona="district", issuer="district", issued_on=datetime.date(2026, 11, 29)
    )
    next_year = issue(world, building, issuers, issued_on=datetime.date(2027, 1, 4))
    assert [first.number, second.number] == ["淄建〔2026〕1号", "淄建〔2026〕2号"]
    assert other_issuer.number == "张建〔2026〕1号"
    assert next_year.number == "淄建〔2027〕1号"


def test_a_rolled_back_issue_gives_its_number_back(world, building, issuers):
    issue(world, building, issuers)
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = issue(world, building, issuers)
        assert rolled_back.sequence == 2
        raise RuntimeError("the caller's transaction fails after the number was taken")
    assert issue(world, building, issuers).sequence == 2
    assert list(Notice.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]


def test_a_voided_notice_keeps_its_number_and_the_next_one_follows_it(world, building, issuers):
    notice = issue(world, building, issuers)
    voided = notice_void(notice=notice, user=world["city"], reason="项目名称有误，重新发文")
    assert (voided.status, voided.number, voided.void_reason) == (
        "voided",
        "淄建〔2026〕1号",
        "项目名称有误，重新发文",
    )
    assert voided.voided_by == world["city"] and voided.voided_at is not None
    assert issue(world, building, issuers).number == "淄建〔2026〕2号"
    assert Notice.objects.count() == 2


def test_voiding_asks_for_a_reason_and_only_once(world, building, issuers):
    notice = issue(world, building, issuers)
    with pytest.raises(ValidationError):
        notice_void(notice=notice, user=world["city"], reason="  ")
    notice_void(notice=notice, user=world["city"], reason="重复发文")
    with pytest.raises(ValidationError):
        notice_void(notice=notice, user=world["city"], reason="再次作废")


def test_district_staff_may_not_void_a_notice(world, building, issuers):
    notice = issue(world, building, issuers, persona="district", issuer="district")
    with pytest.raises(PermissionDenied):
        notice_void(notice=notice, user=world["district"], reason="作废")


def test_a_batch_takes_consecutive_numbers_in_one_transaction(world, issuers):
    projects = [project_in(compound_in(world.community_a), stage="construction") for _ in range(3)]
    issue(world, projects[0], issuers)
    job = notices_issue_batch(
        kind=CONSTRUCTION, subjects=projects, issuer=issuers["city"], user=world["city"]
    )
    batch = Notice.objects.filter(job=job).order_by("sequence")
    assert [n.number for n in batch] == ["淄建〔2026〕2号", "淄建〔2026〕3号", "淄建〔2026〕4号"]
    assert job.params == {"notice_ids": [n.pk for n in batch]}


def test_a_batch_with_one_ineligible_subject_issues_nothing(world, issuers):
    ready = project_in(compound_in(world.community_a), stage="construction")
    too_early = project_in(compound_in(world.community_a), stage="survey")
    with pytest.raises(ValidationError):
        notices_issue_batch(
            kind=CONSTRUCTION, subjects=[ready, too_early], issuer=issuers["city"], user=world["city"]
        )
    assert not Notice.objects.exists()
    assert not DocumentCounter.objects.filter(last_number__gt=0).exists()


def test_district_staff_issue_under_their_district_bureau_and_not_in_the_citys_name(world, building, issuers):
    notice = issue(world, building, issuers, persona="district", issuer="district")
    assert notice.number == "张建〔2026〕1号"
    with pytest.raises(ValidationError):
        issue(world, building, issuers, persona="district", issuer="city")


def test_district_staff_may_not_issue_an_approval_nor_a_clerk_anything(world, approved, issuers):
    from reports.notices.standard import APPROVAL

    with pytest.raises(PermissionDenied):
        notice_issue(
            kind=APPROVAL, subject=approved, issuer=issuers["district"], user=world["district"], render=False
        )
    with pytest.raises(PermissionDenied):
        notice_issue(
            kind=PUBLICITY, subject=approved, issuer=issuers["city"], user=world["clerk_a"], render=False
        )


def test_a_project_outside_the_users_area_cannot_receive_a_notice(world, issuers):
    elsewhere = project_in(
        compound_in(world.district_b.children.first().children.first()), stage="construction"
    )
    with pytest.raises(ValidationError):
        issue(world, elsewhere, issuers, persona="district", issuer="district")


def test_twenty_notices_issued_at_the_same_moment_get_numbers_one_to_twenty(
    needs_postgresql, transactional_db, world, issuers
):
    projects = [project_in(compound_in(world.community_a), stage="construction") for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes = [None] * THREADS

    def run(index):
        try:
            user = User.objects.get(pk=world["city"].pk)  # each thread its own user and connection
            barrier.wait(timeout=10)
            outcomes[index] = issue({"city": user}, projects[index], issuers).sequence
        except Exception as error:  # reported, not lost in the thread
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == list(range(1, THREADS + 1)), outcomes
    numbers = list(Notice.objects.order_by("sequence").values_list("number", flat=True))
    assert numbers == [f"淄建〔2026〕{n}号" for n in range(1, THREADS + 1)]
    assert DocumentCounter.objects.get(issuer=issuers["city"], year=2026).last_number == THREADS
