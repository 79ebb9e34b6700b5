"""Background jobs of projects."""

from django.utils.translation import gettext_lazy as _

from core.jobs import job_kind
from org.models import Region
from org.policy import ELIGIBILITY_RECOMPUTE_JOB, SCHEDULE_RECOMPUTE_JOB

from . import importers, project_importers  # noqa: F401  registers compound, building, project and item importers
from .eligibility import compounds_recompute_eligibility
from .schedule import schedules_recompute


@job_kind(ELIGIBILITY_RECOMPUTE_JOB, _("Recomputing compound eligibility"))
def recompute_eligibility(job, report):
    city = Region.objects.get(pk=job.params["city"])
    report(10, city.name)
    changed = compounds_recompute_eligibility(city=city)
    return {"city": city.name, "compounds": changed}


@job_kind(SCHEDULE_RECOMPUTE_JOB, _("Recomputing project deadlines"))
def recompute_schedules(job, report):
    city = Region.objects.get(pk=job.params["city"])
    report(10, city.name)
    changed = schedules_recompute(city=city)
    return {"city": city.name, "projects": changed}
