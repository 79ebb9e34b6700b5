"""Background jobs of the lifecycle."""

from django.utils.translation import gettext_lazy as _

from core.jobs import job_kind
from org.models import Region
from org.policy import SCHEDULE_RECOMPUTE_JOB

from .schedule import schedules_recompute


@job_kind(SCHEDULE_RECOMPUTE_JOB, _("Recomputing project deadlines"))
def recompute_schedules(job, report):
    city = Region.objects.get(pk=job.params["city"])
    report(10, city.name)
    changed = schedules_recompute(city=city)
    return {"city": city.name, "projects": changed}
