"""Many people spending one project's money at the same moment (PostgreSQL row locks, threads behind
a barrier): whatever the interleaving, what is released and reserved never exceeds what arrived.

Each service reads the balance a moment before deciding (``balance_of`` is slowed down below), so
without the lock on the project every thread would see the same money available and take it."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from approvals.models import ApprovalRequest, Step
from approvals.services import request_approve
from core.models import AuditEntry
from funding import services
from funding.models import Disbursement, FundReceipt
from funding.selectors import balance_of
from funding.services import disbursement_request, receipt_record, receipt_reverse
from org.models import User

from .conftest import DAY, wan

THREADS = 20


@pytest.fixture
def slow_balance(monkeypatch):
    """Hold every service a moment between reading the balance and writing what it decided."""
    real = services.balance_of

    def slow(*args, **kwargs):
        balance = real(*args, **kwargs)
        time.sleep(0.05)
        return balance

    monkeypatch.setattr(services, "balance_of", slow)


def at_once(calls):
    """Run ``calls`` in threads released together; each returns what its call returned, "refused"
    for a ValidationError, or the repr of any other error (reported instead of dying in the thread)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except ValidationError:
            outcomes[index] = "refused"
        except Exception as error:
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def requesting(world, project, source, figure, key, persona="district"):
    def call():
        actor = User.objects.get(pk=world[persona].pk)  # each thread its own user, caches and all
        return disbursement_request(
            actor=actor, project=project, source=source, amount=wan(figure), payee="淄博建工集团有限公司",
            purpose="工程进度款", idempotency_key=key,
        ).pk  # fmt: skip

    return call


def approving(world, disbursement, voucher):
    request = ApprovalRequest.objects.get(object_id=str(disbursement.pk))
    stage, round_ = request.current_stage, request.round

    def call():
        actor = User.objects.get(pk=world["finance"].pk)
        request_approve(
            request=request, actor=actor, record=voucher, expected_stage=stage, expected_round=round_
        )
        return "approved"

    return call


def reversing(world, receipt):
    def call():
        actor = User.objects.get(pk=world["finance"].pk)
        receipt_reverse(actor=actor, receipt=receipt, reason="重复录入")
        return "reversed"

    return call


def assert_within_what_arrived(project, source):
    """The invariant, summed from the rows themselves rather than by balance_of."""
    rows = Disbursement.objects.filter(project=project, source=source)
    released = sum((d.amount for d in rows if d.state == "released"), Decimal(0))
    reserved = sum((d.amount for d in rows if d.state == "requested"), Decimal(0))
    received = sum((r.amount for r in FundReceipt.objects.filter(project=project, source=source)), Decimal(0))
    assert released <= received and released + reserved <= received, (released, reserved, received)
    return released, reserved, received


def test_twenty_requests_at_once_reserve_no_more_than_arrived(
    needs_postgresql, transactional_db, world, funded, sources, slow_balance
):
    city = sources["city_budget"]  # 60 万 arrived; twenty requests of 5 万 ask for 100 万
    outcomes = at_once([requesting(world, funded, city, 5, key=f"k{n}") for n in range(THREADS)])

    granted = [o for o in outcomes if isinstance(o, int)]
    assert len(granted) == 12 and outcomes.count("refused") == 8, outcomes
    released, reserved, received = assert_within_what_arrived(funded, city)
    assert (released, reserved, received) == (0, wan(60), wan(60))
    assert ApprovalRequest.objects.filter(object_id__in=[str(pk) for pk in granted]).count() == 12
    assert balance_of(funded, city).available == 0


def test_twenty_approvals_at_once_release_each_request_once_and_never_beyond_what_arrived(
    needs_postgresql, transactional_db, world, funded, sources, slow_balance
):
    city = sources["city_budget"]
    asked = [
        Disbursement.objects.get(pk=requesting(world, funded, city, 6, key=f"k{n}")())
        for n in range(THREADS // 2)
    ]
    # Each request approved twice at the same moment (a double click, or two clerks of the bureau).
    calls = [approving(world, d, f"记-2026-{n:04d}") for n, d in enumerate(asked) for _twice in range(2)]
    outcomes = at_once(calls)

    assert outcomes.count("approved") == THREADS // 2 and outcomes.count("refused") == THREADS // 2, outcomes
    assert set(Disbursement.objects.filter(project=funded).values_list("state", flat=True)) == {"released"}
    released, reserved, received = assert_within_what_arrived(funded, city)
    assert (released, reserved, received) == (wan(60), 0, wan(60))
    assert Step.objects.filter(action="approve").count() == THREADS // 2
    released_entries = AuditEntry.objects.filter(
        content_type__model="disbursement", action=AuditEntry.Action.TRANSITION
    )
    assert released_entries.count() == THREADS // 2  # one "released" per disbursement


def test_requests_approvals_and_a_receipts_reversal_at_once_keep_the_money_within_what_arrived(
    needs_postgresql, transactional_db, world, funded, sources, slow_balance
):
    city = sources["city_budget"]
    extra = receipt_record(
        actor=world["finance"], project=funded, source=city, amount=wan(30), received_on=DAY,
        document_number="淄财建〔2026〕9号",
    )  # fmt: skip
    asked = [Disbursement.objects.get(pk=requesting(world, funded, city, 5, key=f"a{n}")()) for n in range(6)]
    calls = [approving(world, d, f"记-2026-{n:04d}") for n, d in enumerate(asked)]
    calls += [requesting(world, funded, city, 5, key=f"b{n}") for n in range(10)]
    calls += [reversing(world, extra) for _n in range(4)]
    outcomes = at_once(calls)

    assert all(isinstance(o, int) or o in ("approved", "refused", "reversed") for o in outcomes), outcomes
    assert outcomes[:6] == ["approved"] * 6
    assert outcomes[16:].count("reversed") <= 1
    reversals = outcomes[16:].count("reversed")
    released, _reserved, received = assert_within_what_arrived(funded, city)
    assert (released, received) == (wan(30), wan(90) - reversals * wan(30))
    assert FundReceipt.objects.filter(reverses=extra).count() == reversals


@pytest.mark.parametrize("figure", [40, 10], ids=["more_than_half_of_what_is_left", "a_little"])
def test_one_request_sent_twice_at_once_is_recorded_once(
    needs_postgresql, transactional_db, world, funded, sources, slow_balance, figure
):
    city = sources["city_budget"]
    outcomes = at_once([requesting(world, funded, city, figure, key="same-form") for _n in range(2)])

    [disbursement] = Disbursement.objects.filter(project=funded)
    assert outcomes == [disbursement.pk, disbursement.pk]  # both senders are shown the one request
    assert ApprovalRequest.objects.filter(object_id=str(disbursement.pk)).count() == 1
    assert balance_of(funded, city).requested == wan(figure)
