"""The money of a project: planned, received, requested, released, and taken back; never more paid
out than arrived."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from approvals.models import ApprovalRequest
from approvals.selectors import waiting_organisations
from approvals.services import request_approve, request_reject, request_withdraw
from funding.models import Disbursement, FundReceipt
from funding.selectors import balance_of
from funding.services import (
    OverPlan,
    disbursement_request,
    disbursement_reverse,
    receipt_record,
    receipt_reverse,
)

from .conftest import DAY, wan


def ask(world, project, source, figure, key="k1", actor="district"):
    return disbursement_request(
        actor=world[actor], project=project, source=source, amount=wan(figure), payee="淄博建工集团有限公司",
        purpose="首期工程款", idempotency_key=key,
    )  # fmt: skip


def approve(world, disbursement, voucher="记-2026-0001"):
    """The finance bureau approves the disbursement's request, writing the voucher number."""
    request = ApprovalRequest.objects.select_related("current_stage").get(object_id=str(disbursement.pk))
    assert [o.name for o in waiting_organisations(request)] == ["淄博市财政局"]
    request_approve(
        request=request, actor=world["finance"], record=voucher, expected_stage=request.current_stage,
        expected_round=request.round,
    )  # fmt: skip
    return Disbursement.objects.get(pk=disbursement.pk)


def test_a_request_reserves_its_amount_and_its_approval_releases_it_with_the_voucher(world, funded, sources):
    city = sources["city_budget"]
    disbursement = ask(world, funded, city, 40)
    assert balance_of(funded, city).available == wan(20)
    released = approve(world, disbursement)
    assert (released.state, released.voucher_number) == ("released", "记-2026-0001")
    balance = balance_of(funded, city)
    assert (balance.received, balance.released, balance.requested) == (wan(60), wan(40), 0)


def test_nothing_is_paid_beyond_what_arrived(world, funded, sources):
    city = sources["city_budget"]
    ask(world, funded, city, 40)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        ask(world, funded, city, 30, key="k2")
    assert "Only 20.00 万元" in refused.value.message_dict["amount"][0]
    assert Disbursement.objects.count() == 1


def test_the_same_request_sent_twice_is_recorded_once(world, funded, sources):
    first = ask(world, funded, sources["city_budget"], 10)
    again = ask(world, funded, sources["city_budget"], 10)
    assert first.pk == again.pk and Disbursement.objects.count() == 1


def test_a_refusal_or_a_withdrawal_frees_what_the_request_reserved(world, funded, sources):
    city = sources["city_budget"]
    refused = ask(world, funded, city, 50)
    request = ApprovalRequest.objects.get(object_id=str(refused.pk))
    request_reject(
        request=request, actor=world["finance"], reason="凭证不全", expected_stage=request.current_stage,
        expected_round=1,
    )  # fmt: skip
    assert Disbursement.objects.get(pk=refused.pk).state == "refused"
    withdrawn = ask(world, funded, city, 50, key="k2")
    request_withdraw(
        request=ApprovalRequest.objects.get(object_id=str(withdrawn.pk)), actor=world["district"]
    )
    assert Disbursement.objects.get(pk=withdrawn.pk).state == "withdrawn"
    assert balance_of(funded, city).available == wan(60)


def test_a_receipt_above_the_plan_needs_a_confirmation(world, funded, sources):
    city = sources["city_budget"]
    with pytest.raises(OverPlan):
        receipt_record(actor=world["finance"], project=funded, source=city, amount=wan(50), received_on=DAY)
    receipt_record(
        actor=world["finance"],
        project=funded,
        source=city,
        amount=wan(50),
        received_on=DAY,
        confirm_over_plan=True,
    )
    assert balance_of(funded, city).received == wan(110)


def test_only_the_finance_bureau_records_receipts(world, funded, sources):
    for persona in ("district", "city", "clerk_a", "leader"):
        with pytest.raises(PermissionDenied):
            receipt_record(
                actor=world[persona],
                project=funded,
                source=sources["city_budget"],
                amount=wan(1),
                received_on=DAY,
            )


def test_a_receipt_is_taken_back_by_a_counter_entry_but_not_below_what_was_paid(world, funded, sources):
    city = sources["city_budget"]
    receipt = FundReceipt.objects.get(project=funded)
    approve(world, ask(world, funded, city, 10))
    with pytest.raises(ValidationError):
        receipt_reverse(actor=world["finance"], receipt=receipt, reason="重复录入")
    extra = receipt_record(
        actor=world["finance"], project=funded, source=city, amount=wan(5), received_on=DAY
    )
    counter = receipt_reverse(actor=world["finance"], receipt=extra, reason="重复录入")
    assert (counter.amount, counter.reverses) == (-wan(5), extra)
    with pytest.raises(ValidationError):
        receipt_reverse(actor=world["finance"], receipt=extra, reason="再次冲销")
    assert balance_of(funded, city).received == wan(60)


def test_a_released_disbursement_is_reversed_and_the_money_is_available_again(world, funded, sources):
    city = sources["city_budget"]
    released = approve(world, ask(world, funded, city, 60))
    assert balance_of(funded, city).available == 0
    disbursement_reverse(actor=world["finance"], disbursement=released, reason="收款单位账号有误，资金退回")
    assert balance_of(funded, city).available == wan(60)


def test_a_street_clerk_sees_only_the_residents_share(world, funded, sources):
    receipt_record(
        actor=world["finance"], project=funded, source=sources["residents_cash"], amount=wan(3), received_on=DAY,
        confirm_over_plan=True,
    )  # fmt: skip
    seen = FundReceipt.objects.restrict(world["clerk_a"]).values_list("source__code", flat=True)
    assert list(seen) == ["residents_cash"]
    assert FundReceipt.objects.restrict(world["district"]).count() == 2
    assert FundReceipt.objects.restrict(world["clerk_b"]).count() == 0


def test_a_street_clerk_requests_only_from_the_residents_share(world, funded, sources):
    with pytest.raises(PermissionDenied):
        ask(world, funded, sources["city_budget"], 1, actor="clerk_a")
    assert not Disbursement.objects.exists()
