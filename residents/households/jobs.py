"""The retention job: personal data of households whose projects all closed longer ago than their
city keeps it (residents' section of the policy, default five years), and of complainants whose
complaints closed as long ago, is removed, once a day from
the beat (residents.households.tasks) or started by hand (docs/privacy.md)."""

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.jobs import job_kind, job_start
from core.models import Job
from residents.complaints.services import complaints_remove_personal_data

from .services import households_remove_personal_data

RETENTION_JOB = "household_retention"


def describe(result):
    return [
        (gettext("Compounds"), result.get("compounds", 0)),
        (gettext("Households whose name and phone were removed"), result.get("households", 0)),
        (gettext("Complaints whose complainant's name and phone were removed"), result.get("complaints", 0)),
    ]


@job_kind(RETENTION_JOB, _("Removing personal data past its retention period"), describe=describe)
def remove_expired_personal_data(job, report):
    report(10, gettext("Finding compounds whose projects closed before the retention period"))
    result = households_remove_personal_data()
    report(60, gettext("Finding complaints closed before the retention period"))
    return {**result, **complaints_remove_personal_data()}


def retention_start(*, user=None):
    """Queue the retention job, unless one is already waiting or running (the beat runs daily)."""
    running = Job.objects.filter(
        kind=RETENTION_JOB, status__in=(Job.Status.PENDING, Job.Status.RUNNING)
    ).first()
    if running is not None:
        return running
    with transaction.atomic():
        return job_start(kind=RETENTION_JOB, user=user)
