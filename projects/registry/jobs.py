"""Background jobs of the registry: a changed city policy re-judges the city's compounds."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.jobs import job_kind, job_start
from org.models import Region
from org.policy import register_policy_listener

from .eligibility import compounds_recompute_eligibility

ELIGIBILITY_RECOMPUTE_JOB = "eligibility_recompute"


def describe(result):
    return [
        (gettext("City"), result.get("city", "")),
        (gettext("Compounds whose eligibility changed"), result.get("compounds", 0)),
    ]


@job_kind(ELIGIBILITY_RECOMPUTE_JOB, _("Recomputing compound eligibility"), describe=describe)
def recompute_eligibility(job, report):
    city = Region.objects.get(pk=job.params["city"])
    report(10, city.name)
    changed = compounds_recompute_eligibility(city=city)
    return {"city": city.name, "compounds": changed}


@register_policy_listener
def eligibility_follows_the_policy(*, actor, city_id):
    job_start(kind=ELIGIBILITY_RECOMPUTE_JOB, user=actor, params={"city": city_id})
