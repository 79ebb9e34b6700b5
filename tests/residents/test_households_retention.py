"""The retention job: names and phones of households whose projects all closed longer ago than the
city's policy keeps them (default five years) are removed, the rest of the household and its survey
answers stay, and running it again changes nothing."""

import datetime

from django.utils import timezone

from core.jobs import job_run
from core.models import AuditEntry, Job
from projects.models import Project
from residents.households.jobs import RETENTION_JOB
from residents.households.services import households_remove_personal_data
from residents.households.tasks import remove_expired_personal_data
from residents.models import Household, ResidentPolicy, SurveyResponse
from tests.factories import city_policy, compound_in, project_in
from tests.residents.factories import campaign_for, household_in

TODAY = datetime.date(2032, 6, 1)


def closed_project(compound, audited_on):
    return project_in(compound, stage=Project.Stage.CLOSED, audited_on=audited_on)


def test_households_of_projects_closed_over_five_years_ago_lose_name_and_phone_only(world):
    old = compound_in(world.community_a)
    closed_project(old, datetime.date(2027, 5, 31))
    household = household_in(old, head_name="欧阳明华", phone="13912345678", size=4, has_elderly=True)
    campaign = campaign_for(old)
    SurveyResponse.objects.create(
        campaign=campaign, household=household, answered_on=campaign.opens_on, agrees="yes"
    )
    recent = compound_in(world.community_a)
    closed_project(recent, datetime.date(2027, 6, 2))
    kept = household_in(recent, head_name="李秀英")

    result = households_remove_personal_data(on=TODAY)

    assert result["households"] == 1 and result["compounds"] == 1
    household.refresh_from_db()
    assert (household.head_name, household.phone, household.personal_data_removed_on) == ("", "", TODAY)
    assert (household.size, household.has_elderly, household.tenure) == (4, True, "owner")
    assert SurveyResponse.objects.get().agrees == "yes"
    kept.refresh_from_db()
    assert kept.head_name == "李秀英" and kept.personal_data_removed_on is None
    entry = AuditEntry.objects.get(object_id=str(household.pk), content_type__model="household")
    assert entry.changes == {"head_name": ["欧***", ""], "phone": ["139****5678", ""]}


def test_running_it_twice_changes_nothing_the_second_time(world):
    compound = compound_in(world.community_a)
    closed_project(compound, datetime.date(2020, 1, 1))
    household_in(compound)
    assert households_remove_personal_data(on=TODAY)["households"] == 1
    entries = AuditEntry.objects.count()
    assert households_remove_personal_data(on=TODAY + datetime.timedelta(days=1))["households"] == 0
    assert AuditEntry.objects.count() == entries
    assert Household.objects.get().personal_data_removed_on == TODAY


def test_a_compound_with_a_project_still_open_keeps_its_households_data(world):
    compound = compound_in(world.community_a)
    closed_project(compound, datetime.date(2020, 1, 1))
    project_in(compound, stage=Project.Stage.CONSTRUCTION)
    household_in(compound, head_name="王建国")
    lonely = household_in(compound_in(world.community_a), head_name="张伟")  # no project at all
    households_remove_personal_data(on=TODAY)
    assert set(Household.objects.values_list("head_name", flat=True)) == {"王建国", lonely.head_name}


def test_the_citys_policy_sets_the_years(world):
    policy = city_policy(world.city).policy
    ResidentPolicy.objects.create(policy=policy, retention_years=10)
    compound = compound_in(world.community_a)
    closed_project(compound, datetime.date(2025, 1, 1))
    household_in(compound, head_name="王建国")
    assert households_remove_personal_data(on=TODAY)["households"] == 0  # 7 years: kept under 10
    assert households_remove_personal_data(on=datetime.date(2035, 1, 2))["households"] == 1


def test_the_beat_task_starts_one_job_that_runs_the_removal(world, django_capture_on_commit_callbacks):
    compound = compound_in(world.community_a)
    closed_project(compound, timezone.localdate() - datetime.timedelta(days=6 * 366))
    household_in(compound, head_name="王建国")
    with django_capture_on_commit_callbacks(execute=True):
        job_id = remove_expired_personal_data()
    job_run(job_id=job_id)  # where a broker takes the job, run it here; a finished job stays as it is
    job = Job.objects.get(kind=RETENTION_JOB)
    assert job.status == Job.Status.SUCCEEDED and job.result["households"] == 1
    assert Household.objects.get().head_name == ""


def test_a_second_beat_while_the_job_waits_starts_nothing_more(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = remove_expired_personal_data()
        assert remove_expired_personal_data() == first
    assert Job.objects.filter(kind=RETENTION_JOB).count() == 1
