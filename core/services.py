"""The shape every simple create/update service shares: check, save, and one audit entry.

Domain services call these with their own list of editable fields and, where the domain has rules
the model cannot check alone (scope, derived fields), a ``prepare(obj)`` callable that raises
ValidationError or fills in what is derived.
"""

from django.db import transaction

from .audit import audit_record, changes_between, model_snapshot
from .models import AuditEntry


@transaction.atomic
def instance_create(*, actor, model, fields, editable, prepare=None):
    obj = model(**{name: value for name, value in fields.items() if name in editable})
    if prepare:
        prepare(obj)
    obj.full_clean()
    obj.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=obj, changes=model_snapshot(obj))
    return obj


@transaction.atomic
def instance_update(*, actor, instance, fields, editable, prepare=None):
    """Lock the row, apply the editable fields, check, save, and record what changed."""
    obj = type(instance).objects.select_for_update().get(pk=instance.pk)
    before = model_snapshot(obj)
    for name, value in fields.items():
        if name in editable:
            setattr(obj, name, value)
    if prepare:
        prepare(obj)
    obj.full_clean()
    obj.save()
    changes = changes_between(before, model_snapshot(obj))
    if changes:  # a save that changed nothing (a second click, say) leaves no entry
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=obj, changes=changes)
    return obj
