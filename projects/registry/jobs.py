"""Background jobs of projects."""

from django.utils.translation import gettext_lazy as _

from core.jobs import job_kind
from org.models import Region
from org.policy import ELIGIBILITY_RECOMPUTE_JOB

from .eligibility import compounds_recompute_eligibility


@job_kind(ELIGIBILITY_RECOMPUTE_JOB, _("Recomputing compound eligibility"))
def recompute_eligibility(job, report):
    city = Region.objects.get(pk=job.params["city"])
    report(10, city.name)
    changed = compounds_recompute_eligibility(city=city)
    return {"city": city.name, "compounds": changed}
