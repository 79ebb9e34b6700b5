"""Disbursements go through the city's disbursement flow (approvals): its approval releases the
money, with the voucher number the finance bureau wrote down; a refusal or a withdrawal frees what
the request reserved; a return leaves it reserved until it is resubmitted or withdrawn."""

from django.utils.translation import gettext_lazy as _

from approvals.models import Record
from approvals.registry import Outcome, register_subject
from approvals.selectors import recorded
from core.money import format_wan

from .models import Disbursement
from .services import disbursement_close, disbursement_release

FACT_LABELS = {
    "amount_wan": _("amount (10,000 yuan)"),
    "source_name": _("funding source"),
    "project_name": _("renovation project"),
}


def disbursement_facts(disbursement):
    return {
        "project_name": disbursement.project.name,
        "source_name": disbursement.source.name,
        # In 万元 without separators: a condition reads amount_wan >= 100.
        "amount_wan": format_wan(disbursement.amount).replace(",", ""),
        "payee": disbursement.payee,
        "purpose": disbursement.purpose,
    }


def disbursement_decided(*, request, subject, outcome, actor):
    if outcome == Outcome.APPROVED:
        disbursement_release(
            actor=actor, disbursement=subject, voucher_number=recorded(request, Record.VOUCHER_NUMBER)
        )
    elif outcome == Outcome.REJECTED:
        disbursement_close(actor=actor, disbursement=subject, state=Disbursement.State.REFUSED)
    elif outcome == Outcome.WITHDRAWN:
        disbursement_close(actor=actor, disbursement=subject, state=Disbursement.State.WITHDRAWN)


def register():
    register_subject(
        Disbursement,
        flows=["disbursement"],
        region_path=lambda disbursement: disbursement.project.region.path,
        facts=disbursement_facts,
        on_decided=disbursement_decided,
        label=_("disbursement"),
        fact_labels=FACT_LABELS,
    )
