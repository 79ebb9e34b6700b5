"""Every write to compounds and buildings goes through these functions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, changes_between, model_snapshot
from core.models import AuditEntry
from core.services import instance_create, instance_update
from org.models import CityPolicy, Region
from projects.models import Building, Compound, ProjectCompound

from .eligibility import verdict

COMPOUND_EDITABLE = (
    "community", "code", "name", "address", "year_built", "floor_area", "building_count", "household_count",
    "max_storeys", "property_management", "origin", "in_shanty_town_area", "self_built", "pool", "longitude",
    "latitude", "notes",
)  # fmt: skip


def city_of(region):
    codes = [code for code in region.path.split("/") if code]
    return Region.objects.get(code__in=codes, level=Region.Level.CITY)


def _check_community(actor, community):
    if community.level != Region.Level.COMMUNITY:
        raise ValidationError({"community": _("Choose a community, not a street or district.")})
    if not Region.objects.restrict(actor).filter(pk=community.pk).exists():
        raise ValidationError({"community": _("This community is outside your area.")})


def _check_year(year_built):
    if year_built is not None and year_built > timezone.localdate().year:
        raise ValidationError(
            {"year_built": _("The year %(year)d lies in the future.") % {"year": year_built}}
        )


def _compound_rules(actor):
    """What a compound must satisfy beyond its model, and what is derived from it."""

    def prepare(compound):
        _check_community(actor, compound.community)
        _check_year(compound.year_built)
        compound.city = city_of(compound.community)
        taken = Compound.objects.filter(city=compound.city, code=compound.code).exclude(pk=compound.pk)
        if compound.code and taken.exists():
            raise ValidationError({"code": _("Another compound of the city already has this code.")})
        compound.eligibility = verdict(compound, CityPolicy.in_force(compound.city))

    return prepare


def compound_create(*, actor, **fields):
    return instance_create(
        actor=actor, model=Compound, fields=fields, editable=COMPOUND_EDITABLE, prepare=_compound_rules(actor)
    )


def compound_update(*, actor, instance, **fields):
    return instance_update(
        actor=actor,
        instance=instance,
        fields=fields,
        editable=COMPOUND_EDITABLE,
        prepare=_compound_rules(actor),
    )


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


@transaction.atomic
def building_create(*, actor, compound, **fields):
    building = Building(compound=compound, **{k: v for k, v in fields.items() if k in BUILDING_EDITABLE})
    _check_year(building.year_built)
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


@transaction.atomic
def building_update(*, actor, instance, **fields):
    building = Building.objects.select_for_update().select_related("compound").get(pk=instance.pk)
    before = model_snapshot(building, BUILDING_EDITABLE)
    for name, value in fields.items():
        if name in BUILDING_EDITABLE:
            setattr(building, name, value)
    _check_year(building.year_built)
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
    building = Building.objects.select_for_update().select_related("compound").get(pk=instance.pk)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=building.compound,
        summary=_("building %(number)s deleted") % {"number": building.number},
        changes=model_snapshot(building, BUILDING_EDITABLE),
    )
    building.delete()
