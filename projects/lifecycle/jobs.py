"""Background jobs of the lifecycle: a changed city policy re-dates the city's projects."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.jobs import job_kind, job_start
from org.models import Region
from org.policy import register_policy_listener

from .schedule import schedules_recompute

SCHEDULE_RECOMPUTE_JOB = "schedule_recompute"


def describe(result):
    return [
        (gettext("City"), result.get("city", "")),
        (gettext("Projects whose next deadline moved"), result.get("projects", 0)),
    ]


@job_kind(SCHEDULE_RECOMPUTE_JOB, _("Recomputing project deadlines"), describe=describe)
def recompute_schedules(job, report):
    city = Region.objects.get(pk=job.params["city"])
    report(10, city.name)
    changed = schedules_recompute(city=city)
    return {"city": city.name, "projects": changed}


@register_policy_listener
def deadlines_follow_the_policy(*, actor, city_id):
    job_start(kind=SCHEDULE_RECOMPUTE_JOB, user=actor, params={"city": city_id})
