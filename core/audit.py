"""Recording domain actions in the audit log. Services call ``audit_record`` once per action."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry

# Never copied into the log: secrets, and bookkeeping that changes on every save.
UNLOGGED_FIELDS = {"password", "created_at", "updated_at", "last_login"}


def model_snapshot(obj, fields=None):
    """The object's concrete field values, as JSON-friendly text, keyed by field name."""
    snapshot = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in UNLOGGED_FIELDS:
            continue
        value = field.value_from_object(obj)
        if isinstance(field, models.ForeignKey):
            value = str(getattr(obj, field.name)) if value is not None else None
        elif isinstance(field, models.DecimalField) and value is not None:
            # As stored: 12000 typed in a form and 12000.00 read back are the same value.
            value = str(Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places)))
        elif not isinstance(value, (str, int, float, bool, list, dict, type(None))):
            value = str(value)
        snapshot[field.name] = value
    return snapshot


def changes_between(before, after):
    """{field: [old, new]} for every field whose value differs."""
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def audit_record(
    *, actor, action, obj=None, summary="", changes=None, region_path=None, ip=None, model=None, subject=""
):
    """Write one audit entry. ``region_path`` defaults to where ``obj`` lies under its model's scope.
    An action on many rows rather than one (an export) names their ``model`` and a ``subject`` (which
    rows) instead of an ``obj``."""
    if region_path is None:
        scope = getattr(type(obj), "scope", None) if obj is not None else None
        region_path = scope.path_of(obj) if scope is not None else ""
    if not region_path and actor is not None and actor.is_authenticated:
        # Logins, jobs and the like belong where the acting user works.
        paths = actor.get_scope_paths()
        region_path = paths[0] if paths else ""
    actor_name = ""
    if actor is not None and actor.is_authenticated:
        actor_name = actor.get_full_name() or actor.get_username()
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor_name[:150],
        action=action,
        content_type=ContentType.objects.get_for_model(obj if obj is not None else model)
        if obj is not None or model is not None
        else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj if obj is not None else subject)[:200],
        summary=summary[:500],
        changes=changes or {},
        region_path=region_path or "",
        ip_address=ip,
    )


def history_for(obj):
    """The audit entries of one object, newest first (callers have already restricted ``obj``)."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


def bulk_audit(*, actor, entries, summary="", region_paths=None):
    """One entry per (object, action, changes) in a single INSERT: imports touch thousands of rows."""
    if not entries:
        return []
    actor_name = actor.get_full_name() or actor.get_username() if actor is not None else ""
    content_types = {}
    rows = []
    for index, (obj, action, changes) in enumerate(entries):
        model = type(obj)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        rows.append(
            AuditEntry(
                actor=actor,
                actor_name=actor_name[:150],
                action=action,
                content_type=content_types[model],
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                summary=summary[:500],
                changes=changes,
                region_path=region_paths[index] if region_paths else "",
            )
        )
    return AuditEntry.objects.bulk_create(rows, batch_size=1000)
