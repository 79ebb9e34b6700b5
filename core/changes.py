"""An audit entry's changes as a user reads them.

Services record raw values keyed by field name (``{"contractor": ["", "淄博建工"]}``, a snapshot
``{"plan_year": 2026}``, or a child row's own changes ``{"供水管网改造": {"added": "12.00"}}``). They
are read here, at render time, through the model's fields: each key by its field's label, each value
by its display value (a choice's label, 是/否, a date as the portal writes it, a related row by its
name), so entries written before a label or a translation changed read as well as new ones.

Keys that are no field (``photos``, ``added``…) and values a field cannot show by itself (money in
its unit, a JSON calendar) are registered by the app that writes them, from its ``AppConfig.ready()``:
``register_change_key`` and ``register_value_display``. core knows none of them.
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

DATE_FORMAT = "Y-m-d"  # as every page of the portal writes a date
DATETIME_FORMAT = "Y-m-d H:i"
EMPTY = "—"


@dataclass(frozen=True)
class ChangeKey:
    """A key of an entry's changes that is not a field of the entry's model: its label, and either
    the field whose display its value takes or a function that turns the value into text."""

    label: object
    field: object = None  # (model, field name)
    render: object = None  # value → text
    many: bool = False  # the value is a list of things, not an [old, new] pair


_KEYS = {}
_DISPLAYS = {}


def register_change_key(model, key, label, *, field=None, render=None, many=False):
    """``key`` in the changes of an entry about ``model`` (or a child row's changes recorded on it)
    reads as ``label``; its value through ``field`` = (model, name), ``render``, or as text."""
    _KEYS[(model, key)] = ChangeKey(label, field, render, many)


def register_value_display(model, name, render):
    """``render(value) → text`` shows the stored value of ``model.name`` (money in its unit, say)."""
    _DISPLAYS[(model, name)] = render


@dataclass(frozen=True)
class ChangeLine:
    label: str
    text: str


# Entries that record a whole row rather than what changed: its empty fields say nothing.
SNAPSHOTS = ("create", "delete", "import")


def change_lines(entry):
    """Every change of ``entry`` as (label, text), in the order they were recorded."""
    model = _model_of(entry)
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    skip_empty = entry.action in SNAPSHOTS
    return [
        ChangeLine(*_line(model, key, value))
        for key, value in changes.items()
        if not _is_pk(model, key) and not (skip_empty and value in (None, "", [], {}))
    ]


def changes_text(entry, limit=3):
    """The first ``limit`` changes on one line, for a list that has room for one."""
    lines = change_lines(entry)
    text = "；".join(f"{line.label}：{line.text}" for line in lines[:limit])
    return text + ("；…" if len(lines) > limit else "")


def _is_pk(model, key):
    """A snapshot's row number says nothing to a reader: the entry already names its object."""
    try:
        return model is not None and model._meta.get_field(key).primary_key
    except FieldDoesNotExist:
        return False


def _model_of(entry):
    if not entry.content_type_id:
        return None
    return ContentType.objects.get_for_id(entry.content_type_id).model_class()


def _line(model, key, value):
    resolved = _resolve(model, key)
    if resolved is None and isinstance(value, dict):
        # A child row named by its own name (an item of a project), with its own changes.
        return str(key), "；".join(
            f"{label}：{text}" for label, text in (_line(model, k, v) for k, v in value.items())
        )
    if resolved is None:
        return str(key), _plain(value)
    label, show, many = resolved
    return str(label), _value_text(value, show, many)


def _resolve(model, key):
    """(label, value → text, many) for ``key`` on ``model``, or None when nothing knows the key."""
    for owner in (model, None):
        known = _KEYS.get((owner, key))
        if known is not None:
            if known.field is not None:
                field = known.field[0]._meta.get_field(known.field[1])
                return known.label, _field_display(known.field[0], field), known.many
            return known.label, known.render or _plain, known.many
    if model is None:
        return None
    # The entry's model first, then the rows that point to it (a project's progress reports, whose
    # changes are recorded on the project).
    related = sorted(
        {relation.related_model for relation in model._meta.related_objects},
        key=lambda m: m._meta.label,
    )
    for candidate in (model, *related):
        try:
            field = candidate._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        if getattr(field, "verbose_name", None) and not field.auto_created:
            return field.verbose_name, _field_display(candidate, field), field.many_to_many
    return None


def _value_text(value, show, many):
    if _is_pair(value, many):
        return f"{show(value[0])} → {show(value[1])}"
    return show(value)


def _is_pair(value, many):
    """[old, new] as changes_between records it, told apart from a list value (names of compounds)."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return False
    return not many or all(isinstance(item, (list, tuple)) or item is None for item in value)


def _plain(value):
    if value in (None, "", [], {}):
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return "、".join(_plain(item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{key}：{_plain(item)}" for key, item in value.items())
    return str(value)


def _field_display(model, field):
    """value → text through ``field`` of ``model``; a registered display wins."""
    registered = _DISPLAYS.get((model, field.name))
    if registered is not None:
        return lambda value: EMPTY if value in (None, "") else str(registered(value))
    return lambda value: field_value_text(field, value)


def field_value_text(field, value):
    """A stored value of ``field`` as the user reads it."""
    if isinstance(value, (list, tuple)):
        return "、".join(field_value_text(field, item) for item in value) or EMPTY
    if value in (None, ""):
        return EMPTY
    if field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(field, models.BooleanField):
        return _("yes") if str(value).lower() in ("true", "1", "yes") else _("no")
    if isinstance(field, models.DateTimeField):
        moment = value if isinstance(value, datetime.datetime) else parse_datetime(str(value))
        if moment is None:
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, DATETIME_FORMAT)
    if isinstance(field, models.DateField):
        day = value if isinstance(value, datetime.date) else _parse_day(str(value))
        return date_format(day, DATE_FORMAT) if day else str(value)
    if field.is_relation and field.related_model is not None:
        return _related_text(field, value)
    if isinstance(value, dict):
        return _plain(value)
    return str(value)


def _parse_day(text):
    try:
        return parse_date(text[:10])
    except ValueError:
        return None


def _related_text(field, value):
    """Snapshots keep a related row by its name; an importer's diff by its id (``region_id``)."""
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        row = field.related_model._base_manager.filter(pk=value).first()
        if row is not None:
            return str(row)
    return str(value)
