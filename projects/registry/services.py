"""Every write to compounds and buildings goes through these functions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from core.audit import audit_record, changes_between, model_snapshot
from core.models import AuditEntry
from core.services import instance_create, instance_update
from org.selectors import city_of
from projects.models import Building, Compound, ProjectCompound

from . import rules
from .eligibility import policy_in_force, verdict
from .hooks import compounds_changed

COMPOUND_EDITABLE = (
    "community", "code", "name", "address", "year_built", "floor_area", "building_count", "household_count",
    "max_storeys", "property_management", "origin", "in_shanty_town_area", "self_built", "pool", "longitude",
    "latitude", "notes",
)  # fmt: skip


def _compound_rules(actor):
    """What a compound must satisfy beyond its fields (projects.registry.rules), and what follows
    from it: its city and its eligibility under the city's policy in force."""

    def prepare(compound):
        community = compound.community
        rules.check_community(community, in_scope=bool(rules.communities_in_scope(actor, [community.pk])))
        compound.city = city_of(community)
        holders = rules.code_holders([(compound.city.pk, compound.code)])
        rules.check_code_free(
            compound.code, holder=holders.get((compound.city.pk, compound.code)), own=compound.pk
        )
        compound.eligibility = verdict(compound, policy_in_force(compound.city))

    return prepare


@transaction.atomic
def compound_create(*, actor, **fields):
    compound = instance_create(
        actor=actor, model=Compound, fields=fields, editable=COMPOUND_EDITABLE, prepare=_compound_rules(actor)
    )
    compounds_changed([compound.pk])
    return compound


@transaction.atomic
def compound_update(*, actor, instance, **fields):
    compound = instance_update(
        actor=actor,
        instance=instance,
        fields=fields,
        editable=COMPOUND_EDITABLE,
        prepare=_compound_rules(actor),
    )
    compounds_changed([compound.pk])
    return compound


@transaction.atomic
def compound_delete(*, actor, instance):
    compound = Compound.objects.select_for_update().get(pk=instance.pk)
    snapshot = model_snapshot(compound)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=compound, changes=snapshot)
    try:
        compound.delete()
    except ProtectedError as error:
        raise ValidationError(_protection_message(error.protected_objects)) from error


def _protection_message(protected):
    projects = sorted({link.project.name for link in protected if isinstance(link, ProjectCompound)})
    if projects:
        return _("It belongs to the renovation projects %(projects)s; remove it from them first.") % {
            "projects": "、".join(projects)
        }
    kinds = sorted({str(type(obj)._meta.verbose_name) for obj in protected})
    return _("It still has %(what)s; delete or move those first.") % {"what": "、".join(kinds)}


BUILDING_EDITABLE = ("number", "storeys", "units", "household_count", "year_built", "has_lift")


def _compound_to_change(actor, compound):
    """Buildings are part of their compound: adding one changes the compound, within scope."""
    try:
        return Compound.objects.restrict(actor, "change").get(pk=compound.pk)
    except Compound.DoesNotExist:
        raise PermissionDenied from None


@transaction.atomic
def building_create(*, actor, compound, **fields):
    compound = _compound_to_change(actor, compound)
    building = Building(compound=compound, **{k: v for k, v in fields.items() if k in BUILDING_EDITABLE})
    building.full_clean()
    building.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=compound,
        summary=_("building %(number)s added") % {"number": building.number},
        changes=model_snapshot(building, BUILDING_EDITABLE),
    )
    return building


def _building_locked(actor, building, action):
    try:
        return (
            Building.objects.restrict(actor, action)
            .select_for_update(of=("self",))
            .select_related("compound")
            .get(pk=building.pk)
        )
    except Building.DoesNotExist:
        raise PermissionDenied from None


@transaction.atomic
def building_update(*, actor, instance, **fields):
    building = _building_locked(actor, instance, "change")
    before = model_snapshot(building, BUILDING_EDITABLE)
    for name, value in fields.items():
        if name in BUILDING_EDITABLE:
            setattr(building, name, value)
    building.full_clean()
    building.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=building.compound,
        summary=_("building %(number)s changed") % {"number": building.number},
        changes=changes_between(before, model_snapshot(building, BUILDING_EDITABLE)),
    )
    return building


@transaction.atomic
def building_delete(*, actor, instance):
    building = _building_locked(actor, instance, "delete")
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=building.compound,
        summary=_("building %(number)s deleted") % {"number": building.number},
        changes=model_snapshot(building, BUILDING_EDITABLE),
    )
    building.delete()
