"""City policies: org keeps the dated document (city, title, 文号, effective date); each app keeps its
own section of rules in a model of its own and registers it here, with the form that edits it and
the template that shows it. When a policy is saved, deleted or comes into force, every registered
listener is told, and recomputes what it derives from its rules (org names no job of theirs).

A section's model has a one-to-one ``policy`` to CityPolicy. Its editable field names are unique
across the document and every section, so the policy form and service can take one flat set of
fields and hand each section its own.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record, changes_between, model_snapshot
from core.models import AuditEntry

from .models import CityPolicy

POLICY_FIELDS = ("city", "title", "document_number", "effective_from")


@dataclass(frozen=True)
class PolicySection:
    """One app's rules in a city's policy."""

    key: str  # the app's label, say "projects"
    label: str
    model: type  # with ``policy = OneToOneField(CityPolicy, primary_key=True, ...)``
    fields: tuple  # its editable fields, named uniquely across the policy
    form_class: type  # a ServiceModelForm of ``model`` over ``fields`` (and what builds them)
    template: str  # shows one section on the policy page, given ``rules``
    order: int = 100

    def rules_of(self, policy):
        """The section's row of ``policy``, or None (a policy saved before the section existed)."""
        if policy is None or policy.pk is None:
            return None
        return self.model.objects.filter(policy=policy).first()


_SECTIONS = {}
_LISTENERS = []


def register_policy_section(section):
    taken = set(POLICY_FIELDS).union(*(s.fields for k, s in _SECTIONS.items() if k != section.key))
    if clash := taken & set(section.fields):
        raise ImproperlyConfigured(f"Policy section {section.key!r} reuses field names {sorted(clash)}")
    _SECTIONS[section.key] = section


def policy_sections():
    return sorted(_SECTIONS.values(), key=lambda section: (section.order, section.key))


def register_policy_listener(listener):
    """``listener(*, actor, city_id)`` runs after a city's policy changed (saved, deleted, or come
    into force), inside the transaction that changed it: it may start jobs, which are queued once
    the transaction commits."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def policy_changed(*, actor, city_id):
    for listener in _LISTENERS:
        listener(actor=actor, city_id=city_id)


def _snapshot(policy, rows):
    snapshot = model_snapshot(policy)
    for section, row in rows:
        snapshot.update(model_snapshot(row, section.fields))
    return snapshot


def _save_sections(policy, fields, rows=None):
    """Each section's row of ``policy`` with its fields from ``fields``, checked and saved."""
    saved = []
    for section in policy_sections():
        row = (rows or {}).get(section.key) or section.model(policy=policy)
        for name in section.fields:
            if name in fields:
                setattr(row, name, fields[name])
        row.full_clean(exclude=["policy"])
        row.save()
        saved.append((section, row))
    return saved


@transaction.atomic
def citypolicy_create(*, actor, **fields):
    """A policy and every section's rules from one flat set of fields."""
    policy = CityPolicy(**{name: fields[name] for name in POLICY_FIELDS if name in fields})
    policy.full_clean()
    policy.save()
    rows = _save_sections(policy, fields)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=policy, changes=_snapshot(policy, rows))
    policy_changed(actor=actor, city_id=policy.city_id)
    return policy


@transaction.atomic
def citypolicy_update(*, actor, instance, **fields):
    policy = CityPolicy.objects.select_for_update().get(pk=instance.pk)
    current = {
        section.key: section.model.objects.select_for_update().filter(policy=policy).first()
        for section in policy_sections()
    }
    before = _snapshot(policy, [(s, current[s.key]) for s in policy_sections() if current[s.key]])
    old_city = policy.city_id
    for name in POLICY_FIELDS:
        if name in fields:
            setattr(policy, name, fields[name])
    policy.full_clean()
    policy.save()
    rows = _save_sections(policy, fields, current)
    changes = changes_between(before, _snapshot(policy, rows))
    if not changes:
        return policy  # a save that changed nothing (a second click, say) recomputes nothing
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=policy, changes=changes)
    for city_id in {old_city, policy.city_id}:
        policy_changed(actor=actor, city_id=city_id)
    return policy


@transaction.atomic
def citypolicy_delete(*, actor, instance):
    policy = CityPolicy.objects.select_for_update().get(pk=instance.pk)
    rows = [(section, row) for section in policy_sections() if (row := section.rules_of(policy))]
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=policy, changes=_snapshot(policy, rows))
    policy.delete()
    policy_changed(actor=actor, city_id=instance.city_id)


def policies_coming_into_force(*, on=None):
    """A policy dated ahead changes what depends on it on the day it takes effect: tell the
    listeners about each city whose policy begins ``on`` (today). Returns the city ids."""
    on = on or timezone.localdate()
    cities = sorted(set(CityPolicy.objects.filter(effective_from=on).values_list("city_id", flat=True)))
    with transaction.atomic():
        for city_id in cities:
            policy_changed(actor=None, city_id=city_id)
    return cities
