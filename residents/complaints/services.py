"""Every write of complaints: recorded with the next number of its city and year, assigned to a
handling organisation, answered, and closed with the resident's satisfaction with the answer.

Each step locks the complaint's row, checks that it applies to the complaint as it stands (a
Chinese message when it does not) and leaves one audit entry; the same step sent twice with the
same values (a double click) does nothing the second time. The audit log keeps the complainant's
name and phone masked: it is read by roles that may not see them (docs/privacy.md).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, bulk_audit, changes_between, model_snapshot
from core.bulk import chunked
from core.models import AuditEntry
from org.models import Organisation
from org.selectors import cities_of
from projects.models import Compound, Project
from residents.models import Complaint, ComplaintCounter, ResidentPolicy
from residents.models.households import mask_name, mask_phone
from residents.models.policy import DEFAULT_COMPLAINT_DAYS
from residents.retention import retention_years, years_before

RECORDED_FIELDS = (
    "channel", "category", "compound", "project", "complainant_name", "complainant_phone", "content",
    "received_on",
)  # fmt: skip
# What a resident may type between the digits of a phone number.
PHONE_SEPARATORS = str.maketrans(
    {" ": None, "－": "-", "—": "-", "（": None, "）": None, "(": None, ")": None}
)


def complaint_days(city, on=None):
    """How many days the city's policy gives a complaint to be answered (15 without a policy)."""
    rules = ResidentPolicy.in_force(city, on) if city is not None else None
    return rules.complaint_days if rules is not None else DEFAULT_COMPLAINT_DAYS


def clean_phone(phone):
    """A phone number as typed, without spaces and brackets, with plain hyphens."""
    return (phone or "").strip().translate(PHONE_SEPARATORS)


# The number is a document's, written in Chinese whatever the reader's language (as notices' are).
NUMBER_PREFIX = "投诉"


def complaint_number(city, year, sequence):
    """淄博投诉〔2026〕0001: the complaint's number, counted per city and year; the city's name in
    front keeps the numbers of two cities apart."""
    place = city.name.removesuffix("市") if city is not None else ""
    return f"{place}{NUMBER_PREFIX}〔{year}〕{sequence:04d}"


def number_take(*, city, year):
    """The next sequence of ``city`` in ``year``, its counter row locked until the caller's
    transaction ends: two complaints recorded at once get two numbers, none skipped. The row is
    created on first use; ON CONFLICT DO NOTHING lets two first complaints of a year meet."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take() must run inside the transaction that records the complaint")
    ComplaintCounter.objects.bulk_create(
        [ComplaintCounter(city=city, year=year, last_number=0)], ignore_conflicts=True
    )
    counter = ComplaintCounter.objects.select_for_update().get(city=city, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def audit_snapshot(complaint, fields=None):
    """The complaint's values for the audit log, the complainant's name and phone masked."""
    snapshot = model_snapshot(complaint, fields)
    if snapshot.get("complainant_name"):
        snapshot["complainant_name"] = mask_name(snapshot["complainant_name"])
    if snapshot.get("complainant_phone"):
        snapshot["complainant_phone"] = mask_phone(snapshot["complainant_phone"])
    return snapshot


def _where(actor, compound, project):
    """(region, city) of a complaint about ``compound`` or ``project``, both in the actor's reach."""
    errors = {}
    if compound is not None and not Compound.objects.restrict(actor).filter(pk=compound.pk).exists():
        errors["compound"] = _("This compound is not in your area.")
    if project is not None and not Project.objects.restrict(actor).filter(pk=project.pk).exists():
        errors["project"] = _("This project is not in your area.")
    if compound is None and project is None:
        errors["compound"] = _("Name the compound or the project the complaint is about.")
    if (
        not errors
        and compound is not None
        and project is not None
        and not project.compounds.filter(pk=compound.pk).exists()
    ):
        errors["project"] = _("The compound is not one of this project's compounds.")
    if errors:
        raise ValidationError(errors)
    if compound is not None:
        return compound.community, compound.city
    return project.region, project.city


@transaction.atomic
def complaint_record(
    *, actor, channel, category, content, received_on, compound=None, project=None,
    complainant_name="", complainant_phone="",
):  # fmt: skip
    """A new complaint, status received, numbered 投诉〔year〕NNNN in its city, due the number of
    days the city's policy gives (15 without one) after it was received."""
    if not actor.has_perm("residents.add_complaint"):
        raise PermissionDenied
    if received_on is not None and received_on > timezone.localdate():
        raise ValidationError({"received_on": _("A complaint cannot be received in the future.")})
    region, city = _where(actor, compound, project)
    complaint = Complaint(
        channel=channel, category=category, content=(content or "").strip(), received_on=received_on,
        compound=compound, project=project, region=region,
        complainant_name=(complainant_name or "").strip(), complainant_phone=clean_phone(complainant_phone),
        recorded_by=actor, status=Complaint.Status.RECEIVED, number="-",
        deadline=received_on + datetime.timedelta(days=complaint_days(city, received_on))
        if received_on is not None else None,
    )  # fmt: skip
    if not Complaint.scope.covers(actor, complaint):
        raise ValidationError(_("Recorded like this it would lie outside your area; nothing was saved."))
    complaint.full_clean(exclude=["number"])
    complaint.number = complaint_number(city, received_on.year, number_take(city=city, year=received_on.year))
    complaint.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=complaint,
        summary=_("Complaint recorded"),
        changes=audit_snapshot(complaint, (*RECORDED_FIELDS, "region", "deadline", "status")),
    )
    return complaint


def _locked(actor, complaint):
    """The complaint again, locked, if the actor may change it in their area (404 otherwise)."""
    if not actor.has_perm("residents.change_complaint"):
        raise PermissionDenied
    try:
        return (
            Complaint.objects.restrict(actor, "change").select_for_update(of=("self",)).get(pk=complaint.pk)
        )
    except Complaint.DoesNotExist:
        raise PermissionDenied from None


def _step(actor, complaint, summary, **values):
    """Set ``values``, check, save and record what changed (nothing when nothing changed)."""
    before = audit_snapshot(complaint)
    for name, value in values.items():
        setattr(complaint, name, value)
    complaint.full_clean()
    complaint.save()
    changes = changes_between(before, audit_snapshot(complaint))
    if changes:
        audit_record(
            actor=actor, action=AuditEntry.Action.TRANSITION, obj=complaint, summary=summary, changes=changes
        )
    return complaint


def handlers_for(actor):
    """The organisations a complaint may be handed to by ``actor``: those of their area."""
    return Organisation.objects.restrict(actor).select_related("region")


@transaction.atomic
def complaint_assign(*, actor, complaint, handler):
    """Hand the complaint to ``handler``; again to another one while it is not yet answered."""
    complaint = _locked(actor, complaint)
    if complaint.status not in (Complaint.Status.RECEIVED, Complaint.Status.ASSIGNED):
        raise ValidationError(_("An answered or closed complaint is not handed to anyone any more."))
    if handler is None or not handlers_for(actor).filter(pk=handler.pk).exists():
        raise ValidationError({"handler": _("Choose an organisation of your area.")})
    if complaint.status == Complaint.Status.ASSIGNED and complaint.handler_id == handler.pk:
        return complaint  # sent twice: already done
    return _step(
        actor,
        complaint,
        _("Handed to %(handler)s") % {"handler": handler},
        handler=handler,
        status=Complaint.Status.ASSIGNED,
    )


@transaction.atomic
def complaint_answer(*, actor, complaint, reply, answered_on=None):
    """Record the reply given to the resident; the complaint is answered."""
    complaint = _locked(actor, complaint)
    reply = (reply or "").strip()
    answered_on = answered_on or timezone.localdate()
    if complaint.status == Complaint.Status.ANSWERED and complaint.reply == reply:
        return complaint  # sent twice: already done
    if complaint.status != Complaint.Status.ASSIGNED:
        raise ValidationError(
            _("Only a complaint handed to an organisation is answered.")
            if complaint.status == Complaint.Status.RECEIVED
            else _("This complaint has already been answered.")
        )
    if not reply:
        raise ValidationError({"reply": _("Write the reply given to the resident.")})
    if answered_on < complaint.received_on:
        raise ValidationError({"answered_on": _("The answer cannot come before the complaint was received.")})
    if answered_on > timezone.localdate():
        raise ValidationError({"answered_on": _("A complaint cannot be answered in the future.")})
    return _step(
        actor,
        complaint,
        _("Answered"),
        reply=reply,
        answered_on=answered_on,
        status=Complaint.Status.ANSWERED,
    )


@transaction.atomic
def complaint_close(*, actor, complaint, satisfaction, closed_on=None):
    """Close an answered complaint with the resident's satisfaction with the reply."""
    complaint = _locked(actor, complaint)
    closed_on = closed_on or timezone.localdate()
    if complaint.status == Complaint.Status.CLOSED and complaint.satisfaction == satisfaction:
        return complaint  # sent twice: already done
    if complaint.status != Complaint.Status.ANSWERED:
        raise ValidationError(
            _("This complaint is already closed.")
            if complaint.status == Complaint.Status.CLOSED
            else _("Only an answered complaint is closed.")
        )
    if satisfaction not in Complaint.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose how satisfied the resident is with the reply.")})
    if complaint.answered_on and closed_on < complaint.answered_on:
        raise ValidationError({"closed_on": _("A complaint cannot be closed before it was answered.")})
    return _step(
        actor,
        complaint,
        _("Closed"),
        satisfaction=satisfaction,
        closed_on=closed_on,
        status=Complaint.Status.CLOSED,
    )


@transaction.atomic
def complaints_remove_personal_data(*, on=None):
    """Blank the complainant's name and phone of every complaint closed longer ago than its city
    keeps personal data (the residents' rules' retention years, as for households); what was
    complained of, the reply and the verdict stay. Run again it changes nothing."""
    on = on or timezone.localdate()
    closed = list(
        Complaint.objects.select_for_update(of=("self",))
        .filter(status=Complaint.Status.CLOSED, closed_on__isnull=False)
        .exclude(complainant_name="", complainant_phone="")
        .select_related("region")
    )
    cities = cities_of([complaint.region.path for complaint in closed])
    policies = {}
    expired = [
        complaint
        for complaint in closed
        if cities[complaint.region.path] is not None
        and complaint.closed_on < years_before(on, retention_years(cities[complaint.region.path], policies))
    ]
    for ids in chunked([complaint.pk for complaint in expired]):
        Complaint.objects.filter(pk__in=ids).update(complainant_name="", complainant_phone="")
    bulk_audit(
        actor=None,
        entries=[
            (
                complaint,
                AuditEntry.Action.UPDATE,
                {
                    "complainant_name": [mask_name(complaint.complainant_name), ""],
                    "complainant_phone": [mask_phone(complaint.complainant_phone), ""],
                },
            )
            for complaint in expired
        ],
        summary=_("personal data removed after the retention period"),
        region_paths=[complaint.region.path for complaint in expired],
    )
    return {"complaints": len(expired)}
