"""Every write to households goes through these functions: saving and deleting one, revealing one's
personal data with a reason, and the retention job's removal of personal data (docs/privacy.md).

Audit entries never hold a name or a phone number in full: they record them masked, so the log
keeps no personal data the retention job would have to chase."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, bulk_audit, changes_between, model_snapshot
from core.bulk import chunked
from core.models import AuditEntry
from projects.models import Compound, Project
from residents.models import Household
from residents.models.households import mask_name, mask_phone
from residents.privacy import may_unmask
from residents.results.support import support_refresh
from residents.retention import retention_years, years_before

EDITABLE = (
    "building",
    "unit",
    "room",
    "head_name",
    "phone",
    "size",
    "has_elderly",
    "has_disabled",
    "tenure",
    "note",
)
PERSONAL = {"head_name": mask_name, "phone": mask_phone}


def logged(household, fields=None):
    """A household's fields for the audit log, its personal data masked."""
    snapshot = model_snapshot(household, fields)
    for name, mask in PERSONAL.items():
        if name in snapshot:
            snapshot[name] = mask(getattr(household, name))
    return snapshot


def room_taken_error():
    constraint = next(c for c in Household._meta.constraints if c.name == "household_room_unique_in_unit")
    return ValidationError({"room": constraint.violation_error_message})


def check_room_free(household):
    """A room of a unit holds one household: said at the room, not above the form."""
    taken = Household.objects.filter(
        building_id=household.building_id, unit=household.unit, room=household.room
    )
    if household.pk:
        taken = taken.exclude(pk=household.pk)
    if household.building_id and taken.exists():
        raise room_taken_error()


def _compound_to_change(actor, compound):
    try:
        return Compound.objects.restrict(actor, "change").get(pk=compound.pk)
    except Compound.DoesNotExist:
        raise PermissionDenied from None


@transaction.atomic
def household_save(*, actor, instance=None, compound=None, **fields):
    """Create a household of ``compound`` (no ``instance``) or change ``instance``; the compound of
    an existing household does not change. Raises ValidationError naming the field."""
    if instance is None:
        if not actor.has_perm("residents.add_household"):
            raise PermissionDenied
        household = Household(compound=_compound_to_change(actor, compound))
        before = None
    else:
        try:
            household = (
                Household.objects.restrict(actor, "change")
                .select_for_update(of=("self",))
                .get(pk=instance.pk)
            )
        except Household.DoesNotExist:
            raise PermissionDenied from None
        before = logged(household)
    for name, value in fields.items():
        if name in EDITABLE:
            setattr(
                household,
                name,
                "" if value is None and name in ("unit", "head_name", "phone", "note") else value,
            )
    # The room's uniqueness is checked apart, so its message stands at the room, not above the form.
    household.full_clean(validate_constraints=False)
    check_room_free(household)
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as error:  # another request took the room between the check and the save
        raise room_taken_error() from error
    if before is None:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=household, changes=logged(household))
        support_refresh([household.compound_id])
    else:
        changes = changes_between(before, logged(household))
        if changes:
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=household, changes=changes)
    return household


@transaction.atomic
def household_delete(*, actor, instance):
    try:
        household = (
            Household.objects.restrict(actor, "delete").select_for_update(of=("self",)).get(pk=instance.pk)
        )
    except Household.DoesNotExist:
        raise PermissionDenied from None
    if not household.can_be_deleted():
        raise ValidationError(
            _("It has survey answers or a contribution; they count in the compound's results and money.")
        )
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=household, changes=logged(household))
    household.delete()
    support_refresh([household.compound_id])


def household_reveal(*, actor, household, reason):
    """Record that ``actor`` reveals ``household``'s name and phone for ``reason``, and return the
    household to show in full on this one page. Refused without the permission or outside scope."""
    reason = (reason or "").strip()
    if not may_unmask(actor):
        raise PermissionDenied
    if not reason:
        raise ValidationError({"reason": _("Say why you need to see the full name and phone number.")})
    try:
        household = (
            Household.objects.restrict(actor).select_related("compound", "building").get(pk=household.pk)
        )
    except Household.DoesNotExist:
        raise PermissionDenied from None
    audit_record(
        actor=actor,
        action=AuditEntry.Action.REVEAL,
        obj=household,
        summary=_("Name and phone of %(household)s revealed: %(reason)s")
        % {"household": f"{household.compound.name} {household}", "reason": reason},
    )
    return household


# --- retention -----------------------------------------------------------------------------------


def expired_compounds(on=None):
    """{compound id: the day its last project closed} of compounds with projects, every one of them
    closed longer ago than its city's policy keeps personal data (default five years)."""
    on = on or timezone.localdate()
    closed = Project.Stage.CLOSED
    rows = (
        Compound.objects.annotate(
            project_count=Count("project_links", distinct=True),
            open_count=Count("project_links", filter=~Q(project_links__project__stage=closed), distinct=True),
            last_closed=Max("project_links__project__audited_on"),
        )
        .filter(project_count__gt=0, open_count=0, last_closed__isnull=False)
        .select_related("city")
    )
    policies, expired = {}, {}
    for compound in rows:
        if compound.last_closed < years_before(on, retention_years(compound.city, policies)):
            expired[compound.pk] = compound.last_closed
    return expired


@transaction.atomic
def households_remove_personal_data(*, on=None):
    """Blank the name and phone of every household of a compound whose projects all closed longer
    ago than its city keeps personal data; size, elderly, disabled, tenure and the survey answers
    stay. Run again it changes nothing. Returns how many compounds and households it treated."""
    on = on or timezone.localdate()
    entries = []
    for compound_ids in chunked(expired_compounds(on)):
        households = (
            Household.objects.select_for_update(of=("self",))
            .filter(compound_id__in=compound_ids, personal_data_removed_on__isnull=True)
            .select_related("compound__community", "building")  # what an audit entry names
        )
        entries += [
            (household, {"head_name": mask_name(household.head_name), "phone": mask_phone(household.phone)})
            for household in households
        ]
    for ids in chunked([household.pk for household, _changes in entries]):
        Household.objects.filter(pk__in=ids).update(head_name="", phone="", personal_data_removed_on=on)
    if entries:
        bulk_audit(
            actor=None,
            entries=[
                (h, AuditEntry.Action.UPDATE, {name: [old, ""] for name, old in changes.items()})
                for h, changes in entries
            ],
            summary=_("personal data removed after the retention period"),
            region_paths=[h.compound.community.path for h, _c in entries],
        )
    return {
        "compounds": len({h.compound_id for h, _c in entries}),
        "households": len(entries),
        "day": on.isoformat(),
    }
