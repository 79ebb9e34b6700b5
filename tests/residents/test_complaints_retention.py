"""The retention job also removes complainants' names and phones from complaints closed longer ago
than the city keeps personal data; the complaint, its reply and the verdict stay."""

import datetime

from core.jobs import job_run
from core.models import AuditEntry, Job
from residents.complaints.services import complaints_remove_personal_data
from residents.households.jobs import RETENTION_JOB
from residents.models import Complaint, ResidentPolicy
from tests.factories import city_policy
from tests.residents.permissions.complaints import complaint_in

TODAY = datetime.date(2032, 6, 1)


def closed_on(day, world, **fields):
    complaint = complaint_in(community=world.community_a, status=Complaint.Status.CLOSED, **fields)
    Complaint.objects.filter(pk=complaint.pk).update(closed_on=day)
    return complaint


def test_complaints_closed_over_five_years_ago_lose_the_complainants_name_and_phone_only(world):
    old = closed_on(
        datetime.date(2027, 5, 31), world, complainant_name="欧阳明华", complainant_phone="13912345678"
    )
    recent = closed_on(datetime.date(2027, 6, 2), world, complainant_name="李秀英")
    open_one = complaint_in(community=world.community_a, received_on=datetime.date(2020, 1, 1))

    assert complaints_remove_personal_data(on=TODAY) == {"complaints": 1}

    old.refresh_from_db()
    assert (old.complainant_name, old.complainant_phone) == ("", "")
    assert old.content and old.reply and old.satisfaction
    recent.refresh_from_db()
    open_one.refresh_from_db()
    assert recent.complainant_name == "李秀英" and open_one.complainant_name == "李秀英"
    entry = AuditEntry.objects.get(object_id=str(old.pk), content_type__model="complaint")
    assert entry.changes == {"complainant_name": ["欧***", ""], "complainant_phone": ["139****5678", ""]}
    # Run again, nothing is left to remove and nothing more is logged.
    entries = AuditEntry.objects.count()
    assert complaints_remove_personal_data(on=TODAY) == {"complaints": 0}
    assert AuditEntry.objects.count() == entries


def test_the_city_policy_sets_how_many_years_complaints_keep_personal_data(world):
    policy = city_policy(world.city).policy
    ResidentPolicy.objects.update_or_create(policy=policy, defaults={"retention_years": 10})
    closed_on(datetime.date(2025, 1, 1), world)
    assert complaints_remove_personal_data(on=TODAY) == {"complaints": 0}
    assert complaints_remove_personal_data(on=datetime.date(2035, 1, 2)) == {"complaints": 1}


def test_the_retention_job_reports_the_complaints_it_treated(world):
    closed_on(datetime.date(2001, 1, 1), world)
    job = Job.objects.create(kind=RETENTION_JOB)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["complaints"] == 1
