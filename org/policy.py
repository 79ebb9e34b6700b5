"""City policy services. After a change, the compounds' verdicts and the projects' deadlines are
recomputed by jobs the projects app registers under these names (org cannot import projects)."""

from django.db import transaction

from core.audit import audit_record, model_snapshot
from core.jobs import job_start
from core.models import AuditEntry
from core.services import instance_create, instance_update

from .models import CityPolicy

ELIGIBILITY_RECOMPUTE_JOB = "eligibility_recompute"
SCHEDULE_RECOMPUTE_JOB = "schedule_recompute"
POLICY_FIELDS = (
    "city", "title", "document_number", "effective_from", "built_before", "exclude_shanty_town_areas",
    "exclude_self_built_housing", "prerequisites", "prerequisites_block_plan", "deadlines",
)  # fmt: skip


def _recompute(actor, city_id):
    job_start(kind=ELIGIBILITY_RECOMPUTE_JOB, user=actor, params={"city": city_id})
    job_start(kind=SCHEDULE_RECOMPUTE_JOB, user=actor, params={"city": city_id})


@transaction.atomic  # the policy and its recompute jobs are recorded together
def citypolicy_create(*, actor, **fields):
    policy = instance_create(actor=actor, model=CityPolicy, fields=fields, editable=POLICY_FIELDS)
    _recompute(actor, policy.city_id)
    return policy


@transaction.atomic  # the policy and its recompute jobs are recorded together
def citypolicy_update(*, actor, instance, **fields):
    policy = instance_update(actor=actor, instance=instance, fields=fields, editable=POLICY_FIELDS)
    _recompute(actor, policy.city_id)
    return policy


@transaction.atomic
def citypolicy_delete(*, actor, instance):
    city_id = instance.city_id
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=instance, changes=model_snapshot(instance))
    instance.delete()
    _recompute(actor, city_id)


def policies_coming_into_force(*, on=None):
    """A policy dated ahead changes verdicts and deadlines on the day it takes effect: start the
    recomputations of each city whose policy begins ``on`` (today). Returns the city ids."""
    from django.utils import timezone

    on = on or timezone.localdate()
    cities = sorted(set(CityPolicy.objects.filter(effective_from=on).values_list("city_id", flat=True)))
    for city_id in cities:
        _recompute(None, city_id)
    return cities
