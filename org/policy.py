"""City policy services. The compounds' verdicts are recomputed by a job that the projects app
registers under ELIGIBILITY_RECOMPUTE_JOB (org cannot import projects)."""

from django.db import transaction

from core.audit import audit_record, changes_between, model_snapshot
from core.jobs import job_start
from core.models import AuditEntry

from .models import CityPolicy

ELIGIBILITY_RECOMPUTE_JOB = "eligibility_recompute"
POLICY_FIELDS = (
    "city", "title", "document_number", "effective_from", "built_before", "exclude_shanty_town_areas",
    "exclude_self_built_housing",
)  # fmt: skip


@transaction.atomic
def citypolicy_create(*, actor, **fields):
    policy = CityPolicy(**{k: v for k, v in fields.items() if k in POLICY_FIELDS})
    policy.full_clean()
    policy.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=policy, changes=model_snapshot(policy))
    job_start(kind=ELIGIBILITY_RECOMPUTE_JOB, user=actor, params={"city": policy.city_id})
    return policy


@transaction.atomic
def citypolicy_update(*, actor, instance, **fields):
    policy = CityPolicy.objects.select_for_update().get(pk=instance.pk)
    before = model_snapshot(policy)
    for name, value in fields.items():
        if name in POLICY_FIELDS:
            setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=policy,
        changes=changes_between(before, model_snapshot(policy)),
    )
    job_start(kind=ELIGIBILITY_RECOMPUTE_JOB, user=actor, params={"city": policy.city_id})
    return policy


@transaction.atomic
def citypolicy_delete(*, actor, instance):
    city_id = instance.city_id
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=instance, changes=model_snapshot(instance))
    instance.delete()
    job_start(kind=ELIGIBILITY_RECOMPUTE_JOB, user=actor, params={"city": city_id})
