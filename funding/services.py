"""Every write of funding: plan lines, receipts, disbursements and their counter-entries.

For each project and source, money released never exceeds money received, and requests under
review are reserved against it too, so no sequence of clicks, double clicks or concurrent requests
pays out more than arrived. Every service locks the project's row first (``select_for_update``):
the money of one project is written one change at a time, and the balances read under the lock are
the ones the change is checked against. A receipt above the plan is refused unless the user
confirmed it (``confirm_over_plan``). Nothing that counts is edited or deleted: a counter-entry with
a reason takes it back.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.services import request_submit
from core.audit import audit_record, model_snapshot
from core.models import AuditEntry
from core.money import format_wan
from core.services import instance_create, instance_update
from org.models import Organisation
from projects.models import Project

from .models import Disbursement, FundingPlanLine, FundingSource, FundReceipt, MoneyScope
from .selectors import balance_of

FLOW = "disbursement"


class OverPlan(ValidationError):
    """A receipt would take what arrived from a source above its plan: shown as a warning the user
    confirms, not an error."""


def _locked_project(actor, project, permission):
    """The project again, locked, if ``actor``'s role holds ``permission`` and the project lies in
    their area; PermissionDenied otherwise (a page shows the project only to those it reaches)."""
    if not actor.has_perm(permission):
        raise PermissionDenied
    try:
        return Project.objects.restrict(actor).select_for_update(of=("self",)).get(pk=project.pk)
    except Project.DoesNotExist:
        raise PermissionDenied from None


def _finance_only(actor):
    """What arrived, and taking a payment back, are the finance bureau's to record."""
    organisation = actor.organisation
    if organisation is None or organisation.kind != Organisation.Kind.FINANCE:
        raise PermissionDenied


def _wan(amount):
    return format_wan(amount)


def _audit(actor, action, entry, summary, changes=None):
    audit_record(
        actor=actor, action=action, obj=entry, summary=summary, changes=changes or model_snapshot(entry)
    )


# --- The plan ------------------------------------------------------------------------------------


def plan_line_save(*, actor, project, source, year, amount, basis="", note="", rule=None):
    """Set what ``project`` plans from ``source`` in ``year`` (a line per source and year);
    ``basis`` and ``rule`` when a funding rule proposed it (funding.rules)."""
    with transaction.atomic():
        project = _locked_project(actor, project, "funding.add_fundingplanline")
        line = FundingPlanLine.objects.filter(project=project, source=source, year=year).first()
        before = model_snapshot(line) if line else None
        line = line or FundingPlanLine(project=project, source=source, year=year)
        line.amount, line.basis, line.note, line.rule = amount, basis, note, rule
        line.full_clean()
        line.save()
        _audit(
            actor,
            AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
            line,
            _("Funding plan: %(source)s %(year)s, %(amount)s 万元")
            % {"source": source, "year": year, "amount": _wan(amount)},
            {"before": before, "after": model_snapshot(line)} if before else None,
        )
    return line


def plan_line_delete(*, actor, line):
    with transaction.atomic():
        _locked_project(actor, line.project, "funding.delete_fundingplanline")
        line = FundingPlanLine.objects.get(pk=line.pk)
        _audit(actor, AuditEntry.Action.DELETE, line, str(line))
        line.delete()


# --- Receipts ------------------------------------------------------------------------------------


def receipt_record(
    *, actor, project, source, amount, received_on, document_number="", account="", note="",
    confirm_over_plan=False,
):  # fmt: skip
    """Money arrived for ``project`` from ``source``. Above the source's plan it is refused with
    ``OverPlan`` unless ``confirm_over_plan``."""
    with transaction.atomic():
        _finance_only(actor)
        project = _locked_project(actor, project, "funding.add_fundreceipt")
        balance = balance_of(project, source)
        if balance.received + amount > balance.planned and not confirm_over_plan:
            raise OverPlan(
                _(
                    "With this receipt %(source)s will have brought %(after)s 万元, above its plan of "
                    "%(planned)s 万元. Confirm to record it anyway."
                )
                % {
                    "source": source,
                    "after": _wan(balance.received + amount),
                    "planned": _wan(balance.planned),
                },
                code="over_plan",
            )
        receipt = FundReceipt(
            project=project, city_id=project.city_id, source=source, amount=amount, received_on=received_on,
            document_number=document_number, account=account, note=note, recorded_by=actor,
        )  # fmt: skip
        receipt.full_clean()
        receipt.save()
        _audit(
            actor,
            AuditEntry.Action.CREATE,
            receipt,
            _("Funds received: %(source)s %(amount)s 万元") % {"source": source, "amount": _wan(amount)},
        )
    return receipt


def receipt_reverse(*, actor, receipt, reason):
    """Take a wrong receipt back by a counter-entry: refused while what was paid out or requested
    from the source would exceed what is left."""
    reason = _reason(reason)
    with transaction.atomic():
        _finance_only(actor)
        _locked_project(actor, receipt.project, "funding.add_fundreceipt")
        receipt = FundReceipt.objects.select_related("source", "project").get(pk=receipt.pk)
        return _counter_receipt(actor, receipt, reason)


def _counter_receipt(actor, receipt, reason):
    """The counter-entry of ``receipt``, under its project's lock."""
    _check_reversible(receipt)
    balance = balance_of(receipt.project, receipt.source)
    if balance.received - receipt.amount < balance.committed:
        raise ValidationError(
            _(
                "%(committed)s 万元 of %(source)s is paid out or requested: taking back %(amount)s 万元 "
                "would leave only %(left)s 万元 received."
            )
            % {
                "committed": _wan(balance.committed),
                "source": receipt.source,
                "amount": _wan(receipt.amount),
                "left": _wan(balance.received - receipt.amount),
            }
        )
    counter = FundReceipt(
        project_id=receipt.project_id, city_id=receipt.city_id, source=receipt.source, amount=-receipt.amount,
        received_on=timezone.localdate(), document_number=receipt.document_number, account=receipt.account,
        reverses=receipt, reason=reason, recorded_by=actor,
    )  # fmt: skip
    counter.full_clean()
    counter.save()
    _audit(
        actor,
        AuditEntry.Action.CREATE,
        counter,
        _("Receipt reversed (%(reason)s): %(amount)s 万元")
        % {"reason": reason, "amount": _wan(receipt.amount)},
    )
    return counter


# --- Money collected from residents by the offices that run a project ----------------------------

# Whoever handles a project's money on its side (city and district staff, the street office that
# collects at the door) records what residents paid; the finance bureau records every other receipt.
COLLECT_PERMISSION = "funding.add_disbursement"


def _collected_source(source):
    if source.category != FundingSource.Category.RESIDENTS:
        raise ValidationError(_("Only money of a residents' source is recorded as collected."))


def collection_record(*, actor, project, source, amount, received_on, document_number="", note=""):
    """Money of a residents' source that the office running ``project`` collected itself (a payment
    at the door, with its receipt number): recorded as a receipt at once, without the finance
    bureau, and without the plan's check (what residents paid has arrived; the ledger's warnings
    show a source above its plan)."""
    with transaction.atomic():
        project = _locked_project(actor, project, COLLECT_PERMISSION)
        _collected_source(source)
        receipt = FundReceipt(
            project=project, city_id=project.city_id, source=source, amount=amount, received_on=received_on,
            document_number=document_number, note=note, recorded_by=actor,
        )  # fmt: skip
        receipt.full_clean()
        receipt.save()
        _audit(
            actor,
            AuditEntry.Action.CREATE,
            receipt,
            _("Collected from residents: %(source)s %(amount)s 万元")
            % {"source": source, "amount": _wan(amount)},
        )
    return receipt


def collection_reverse(*, actor, receipt, reason):
    """Take back a receipt ``collection_record`` wrote (a payment typed wrong, say): a counter-entry,
    refused while what was paid out or requested from the source would exceed what is left."""
    reason = _reason(reason)
    with transaction.atomic():
        _locked_project(actor, receipt.project, COLLECT_PERMISSION)
        receipt = FundReceipt.objects.select_related("source", "project").get(pk=receipt.pk)
        _collected_source(receipt.source)
        return _counter_receipt(actor, receipt, reason)


# --- Disbursements -------------------------------------------------------------------------------


def disbursement_request(
    *, actor, project, source, amount, payee, purpose, idempotency_key, items=(), progress_report=None,
    note="", comment="",
):  # fmt: skip
    """Ask for ``amount`` of ``source`` to be paid to ``payee``; it goes through the city's
    disbursement flow and is released when approved. Reserved at once against what arrived: refused
    when it would take more than is left. Sending the same request twice (``idempotency_key``)
    records it once and returns the first."""
    existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            project = _locked_project(actor, project, "funding.add_disbursement")
            # Sent twice at once: the second waited for the lock while the first took the money.
            existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
            if MoneyScope.residents_only(actor) and source.category != FundingSource.Category.RESIDENTS:
                raise PermissionDenied  # a street clerk handles only the residents' share
            balance = balance_of(project, source)
            if amount > balance.available:
                raise ValidationError(
                    {
                        "amount": _(
                            "Only %(available)s 万元 of %(source)s is available: %(received)s 万元 received, "
                            "%(released)s 万元 paid out, %(requested)s 万元 under review."
                        )
                        % {
                            "available": _wan(balance.available),
                            "source": source,
                            "received": _wan(balance.received),
                            "released": _wan(balance.released),
                            "requested": _wan(balance.requested),
                        }
                    }
                )
            disbursement = Disbursement(
                project=project, city_id=project.city_id, source=source, amount=amount, payee=payee,
                purpose=purpose, note=note, progress_report=progress_report, idempotency_key=idempotency_key,
                recorded_by=actor,
            )  # fmt: skip
            disbursement.full_clean()
            disbursement.save()
            if items:
                disbursement.items.set(items)
            _audit(
                actor,
                AuditEntry.Action.CREATE,
                disbursement,
                _("Disbursement requested: %(payee)s %(amount)s 万元")
                % {"payee": payee, "amount": _wan(amount)},
            )
            request_submit(subject=disbursement, flow_code=FLOW, actor=actor, comment=comment or purpose)
    except IntegrityError:
        # The same key sent twice at the same moment: the first one won.
        existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return disbursement


def disbursement_release(*, actor, disbursement, voucher_number=""):
    """The disbursement flow approved it: the money is paid out (called by the flow's end, whose
    reviewer the flow authorised). Checked again under the lock: never more than received."""
    disbursement = _locked_disbursement(disbursement)
    if disbursement.state != Disbursement.State.REQUESTED:
        raise ValidationError(_("This disbursement is no longer under review."))
    balance = balance_of(disbursement.project, disbursement.source)
    if balance.released + disbursement.amount > balance.received:
        raise ValidationError(
            _("Only %(left)s 万元 of %(source)s is left to pay out: %(amount)s 万元 cannot be released.")
            % {
                "left": _wan(balance.received - balance.released),
                "source": disbursement.source,
                "amount": _wan(disbursement.amount),
            }
        )
    disbursement.state = Disbursement.State.RELEASED
    disbursement.paid_on = timezone.localdate()
    disbursement.voucher_number = voucher_number
    disbursement.full_clean()
    disbursement.save()
    _audit(
        actor,
        AuditEntry.Action.TRANSITION,
        disbursement,
        _("Disbursement released: %(payee)s %(amount)s 万元")
        % {"payee": disbursement.payee, "amount": _wan(disbursement.amount)},
    )
    return disbursement


def disbursement_close(*, actor, disbursement, state):
    """The flow refused it, or its requester withdrew it: what it reserved is free again."""
    disbursement = _locked_disbursement(disbursement)
    if disbursement.state != Disbursement.State.REQUESTED:
        return disbursement
    disbursement.state = state
    disbursement.save(update_fields=["state", "updated_at"])
    _audit(
        actor,
        AuditEntry.Action.TRANSITION,
        disbursement,
        _("Disbursement %(state)s: %(payee)s %(amount)s 万元")
        % {
            "state": disbursement.get_state_display(),
            "payee": disbursement.payee,
            "amount": _wan(disbursement.amount),
        },
    )
    return disbursement


def disbursement_reverse(*, actor, disbursement, reason):
    """Take a released payment back by a counter-entry (the money returned to the account)."""
    reason = _reason(reason)
    with transaction.atomic():
        _finance_only(actor)
        _locked_project(actor, disbursement.project, "funding.reverse_disbursement")
        disbursement = Disbursement.objects.select_related("source").get(pk=disbursement.pk)
        if disbursement.state != Disbursement.State.RELEASED:
            raise ValidationError(_("Only a released disbursement is reversed."))
        _check_reversible(disbursement)
        counter = Disbursement(
            project_id=disbursement.project_id, city_id=disbursement.city_id, source=disbursement.source,
            amount=-disbursement.amount, payee=disbursement.payee, purpose=disbursement.purpose,
            state=Disbursement.State.RELEASED, paid_on=timezone.localdate(), reverses=disbursement, reason=reason,
            idempotency_key=f"reversal-{disbursement.pk}", recorded_by=actor,
        )  # fmt: skip
        counter.full_clean()
        counter.save()
        _audit(
            actor,
            AuditEntry.Action.CREATE,
            counter,
            _("Disbursement reversed (%(reason)s): %(amount)s 万元")
            % {"reason": reason, "amount": _wan(disbursement.amount)},
        )
    return counter


def _locked_disbursement(disbursement):
    """Inside the deciding transaction: the project locked first (as every money write), then the row."""
    Project.objects.select_for_update(of=("self",)).filter(pk=disbursement.project_id).first()
    return (
        Disbursement.objects.select_related("source", "project")
        .select_for_update(of=("self",))
        .get(pk=disbursement.pk)
    )


def _check_reversible(entry):
    if entry.is_reversal():
        raise ValidationError(_("A counter-entry is not reversed; record the entry again instead."))
    if type(entry).objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry has already been reversed."))


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    return reason


# --- Sources (reference data, kept in the administration site) -----------------------------------

SOURCE_FIELDS = ("code", "name", "category", "order", "active")


def fundingsource_create(*, actor, **fields):
    return instance_create(actor=actor, model=FundingSource, fields=fields, editable=SOURCE_FIELDS)


def fundingsource_update(*, actor, instance, **fields):
    return instance_update(actor=actor, instance=instance, fields=fields, editable=SOURCE_FIELDS)


@transaction.atomic
def fundingsource_delete(*, actor, instance):
    """A source any plan or entry uses is kept (PROTECT): retire it instead (in use = off)."""
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=instance, changes=model_snapshot(instance))
    instance.delete()
