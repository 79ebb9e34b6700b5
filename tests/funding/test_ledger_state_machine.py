"""Random sequences of everything that moves a project's money — plan, receive (with and without the
over-plan confirmation), request a disbursement (sometimes with a key already sent), approve it as
the finance bureau with a voucher number, reject it, withdraw it, reverse a receipt or a released
payment — through the real services and the real disbursement flow. After every step the ledger
must hold its invariants, and every refusal must be one a bookkeeper would have predicted.

Each sequence runs in a savepoint rolled back at its end (as hypothesis.extra.django.TestCase does
per example), on SQLite and on PostgreSQL. How many sequences: ``FUNDING_LEDGER_EXAMPLES`` (and
``FUNDING_LEDGER_STEPS``); the defaults keep the file under a minute in CI, docs/funding.md gives
the figures and the heavier run."""

import os
import time
from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from approvals.models import ApprovalRequest
from approvals.seeding import seed_city_flows
from approvals.services import request_approve, request_reject, request_withdraw
from funding.models import Disbursement, FundReceipt
from funding.selectors import balance_of
from funding.services import (
    OverPlan,
    disbursement_request,
    disbursement_reverse,
    plan_line_save,
    receipt_record,
    receipt_reverse,
)
from tests.factories import compound_in, project_in

from .conftest import DAY

EXAMPLES = int(os.environ.get("FUNDING_LEDGER_EXAMPLES", "80"))
STEPS = int(os.environ.get("FUNDING_LEDGER_STEPS", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=not os.environ.get("FUNDING_LEDGER_RANDOM"),  # CI sees the same sequences every run
    database=None,  # nothing written into the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
SOURCES = ("city_budget", "residents_cash")
SEEN = Counter()  # what the sequences did, each outcome of each rule (printed with pytest -s)
OUTCOMES = {
    "plan: saved", "receive: recorded", "receive: above the plan, not confirmed", "receive: above the plan, confirmed",
    "request: reserved", "request: more than is left, refused", "request: sent again, recorded once",
    "approve: released", "approve: decided, refused", "approve: voucher taken, refused", "reject: refused",
    "reject: decided, refused", "withdraw: withdrawn", "withdraw: decided, refused",
    "reverse a receipt: counter-entry", "reverse a receipt: refused", "reverse a payment: counter-entry",
    "reverse a payment: refused",
}  # fmt: skip
ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# In yuan: mostly round sums of 万元 (0.5 万 to 40 万), sometimes a few yuan and fen.
round_sums = st.integers(min_value=1, max_value=80).map(lambda n: Decimal(n * 5000))
amounts = st.one_of(
    round_sums, st.integers(min_value=1, max_value=99_999).map(lambda n: Decimal(n).scaleb(-2))
)


class Ledger(RuleBasedStateMachine):
    """A project of 车站街道 with two sources; the bookkeeper's own account (``receipt_rows``,
    ``payment_rows``, ``planned``) says what each service should do before it is called."""

    world = None  # set by the test
    sources = None

    receipts = Bundle("receipts")
    payments = Bundle("payments")

    def __init__(self):
        super().__init__()
        # One savepoint per sequence, rolled back at its end: the next sequence starts clean.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.project = project_in(compound_in(self.world.community_a), stage="construction")
        self.planned = {}  # (source code, year) → amount
        self.receipt_rows = {}  # pk → {"source", "amount", "reverses"}
        self.payment_rows = {}  # pk → {"source", "amount", "state", "reverses", "voucher"}
        self.keys = {}  # idempotency key → pk
        self.last_key = None
        self.serial = 0
        self.plans = 0
        SEEN["sequences"] += 1

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- the bookkeeper's account ---------------------------------------------------------------

    def expected(self, code):
        received = sum((r["amount"] for r in self.receipt_rows.values() if r["source"] == code), ZERO)
        paid = [p for p in self.payment_rows.values() if p["source"] == code]
        released = sum((p["amount"] for p in paid if p["state"] == "released"), ZERO)
        requested = sum((p["amount"] for p in paid if p["state"] == "requested"), ZERO)
        planned = sum((a for (c, _y), a in self.planned.items() if c == code), ZERO)
        return planned, received, released, requested

    def left(self, code):
        _planned, received, released, requested = self.expected(code)
        return received - released - requested

    def reversed_ones(self, rows):
        return {r["reverses"] for r in rows.values() if r["reverses"]}

    def under_review(self):
        return sorted(pk for pk, p in self.payment_rows.items() if p["state"] == "requested")

    def released_originals(self):
        taken_back = self.reversed_ones(self.payment_rows)
        return sorted(
            pk for pk, p in self.payment_rows.items()
            if p["state"] == "released" and not p["reverses"] and pk not in taken_back
        )  # fmt: skip

    def pending_request(self, pk):
        return ApprovalRequest.objects.get(object_id=str(pk), content_type__model="disbursement")

    def next_key(self):
        self.serial += 1
        return f"m{self.serial}"

    # --- rules -----------------------------------------------------------------------------------

    # Plans are round sums of 万元 (and FundingPlanLine's MinValueValidator(0.01) is a float: it
    # refuses a plan of exactly one fen, Decimal("0.01") < 0.01 — reported, not the ledger's concern).
    @precondition(lambda self: self.plans < 4)  # always possible: left alone it would take most steps
    @rule(code=st.sampled_from(SOURCES), year=st.sampled_from([2026, 2027]), amount=round_sums)
    def plan(self, code, year, amount):
        self.plans += 1
        plan_line_save(
            actor=self.world["district"], project=self.project, source=self.sources[code], year=year,
            amount=amount,
        )  # fmt: skip
        self.planned[(code, year)] = amount
        SEEN["plan: saved"] += 1

    @rule(
        target=receipts,
        code=st.sampled_from(SOURCES),
        amount=amounts,
        confirm=st.sampled_from([True, True, False]),
    )
    def receive(self, code, amount, confirm):
        planned, received, _released, _requested = self.expected(code)
        over = received + amount > planned
        try:
            receipt = receipt_record(
                actor=self.world["finance"], project=self.project, source=self.sources[code], amount=amount,
                received_on=DAY, document_number=f"财建〔2026〕{self.serial}号", confirm_over_plan=confirm,
            )  # fmt: skip
        except OverPlan:
            assert over and not confirm
            SEEN["receive: above the plan, not confirmed"] += 1
            return multiple()  # nothing recorded: nothing to act on later
        assert confirm or not over
        SEEN["receive: above the plan, confirmed" if over else "receive: recorded"] += 1
        self.receipt_rows[receipt.pk] = {"source": code, "amount": amount, "reverses": None}
        return receipt.pk

    # Asking for money before any arrived is refused, and would take most of the early steps.
    @precondition(lambda self: any(self.left(code) > 0 for code in SOURCES))
    @rule(
        target=payments,
        code=st.sampled_from(SOURCES),
        share=st.integers(min_value=1, max_value=130),
        again=st.booleans(),
    )
    def request(self, code, share, again):
        """A new request for ``share`` % of what looks available (over 100 %: more than is left), or
        (``again``) the last form sent a second time with its key."""
        key = self.last_key if again and self.last_key else self.next_key()
        self.last_key = key
        _planned, received, released, requested = self.expected(code)
        left = received - released - requested
        amount = max((left * share / 100).quantize(CENT), CENT) if left > 0 else Decimal(share * 1000)
        try:
            disbursement = disbursement_request(
                actor=self.world["district"], project=self.project, source=self.sources[code], amount=amount,
                payee="淄博建工集团有限公司", purpose="工程进度款", idempotency_key=key,
            )  # fmt: skip
        except ValidationError:
            assert key not in self.keys and amount > received - released - requested
            SEEN["request: more than is left, refused"] += 1
            return multiple()  # nothing recorded: nothing to act on later
        if key in self.keys:
            assert disbursement.pk == self.keys[key]  # the same request, nothing new
            SEEN["request: sent again, recorded once"] += 1
            return disbursement.pk
        assert amount <= received - released - requested
        SEEN["request: reserved"] += 1
        self.keys[key] = disbursement.pk
        self.payment_rows[disbursement.pk] = {
            "source": code, "amount": amount, "state": "requested", "reverses": None, "voucher": "",
        }  # fmt: skip
        return disbursement.pk

    def decide(self, pk, verb, voucher):
        """Approve (with ``voucher``), reject or withdraw the request of payment ``pk``."""
        row = self.payment_rows[pk]
        request = self.pending_request(pk)
        position = {"expected_stage": request.current_stage, "expected_round": request.round}
        taken = verb == "approve" and voucher in {p["voucher"] for p in self.payment_rows.values()}
        try:
            if verb == "approve":
                request_approve(request=request, actor=self.world["finance"], record=voucher, **position)
            elif verb == "reject":
                request_reject(request=request, actor=self.world["finance"], reason="凭证不全", **position)
            else:
                request_withdraw(request=request, actor=self.world["district"], reason="重新申请")
        except ValidationError:
            assert row["state"] != "requested" or taken
            SEEN[
                f"{verb}: voucher taken, refused"
                if row["state"] == "requested"
                else f"{verb}: decided, refused"
            ] += 1
            return
        assert row["state"] == "requested" and not taken
        row["state"] = {"approve": "released", "reject": "refused", "withdraw": "withdrawn"}[verb]
        row["voucher"] = voucher if verb == "approve" else ""
        SEEN[f"{verb}: {row['state']}"] += 1

    @precondition(lambda self: self.under_review())
    @rule(
        data=st.data(),
        verb=st.sampled_from(["approve", "approve", "approve", "reject", "withdraw"]),
        same_voucher=st.booleans(),
    )
    def decide_one_under_review(self, data, verb, same_voucher):
        """``same_voucher``: the bureau writes 记-2026-0001, perhaps already on another payment."""
        voucher = "记-2026-0001" if same_voucher else f"记-2026-{self.next_key()}"
        self.decide(data.draw(st.sampled_from(self.under_review()), label="pk"), verb, voucher)

    @rule(
        pk=payments,
        verb=st.sampled_from(["approve", "reject", "withdraw"]),
    )
    def decide_any(self, pk, verb):
        """Often one decided already (a late click on an old page): refused."""
        if not self.payment_rows[pk]["reverses"]:  # a counter-entry goes through no flow
            self.decide(pk, verb, f"记-2026-{self.next_key()}")

    @rule(target=receipts, pk=receipts)
    def reverse_receipt(self, pk):
        row = self.receipt_rows[pk]
        _planned, received, released, requested = self.expected(row["source"])
        allowed = (
            not row["reverses"]
            and pk not in self.reversed_ones(self.receipt_rows)
            and received - row["amount"] >= released + requested
        )
        try:
            counter = receipt_reverse(
                actor=self.world["finance"], receipt=FundReceipt.objects.get(pk=pk), reason="重复录入"
            )
        except ValidationError:
            assert not allowed
            SEEN["reverse a receipt: refused"] += 1
            return multiple()  # nothing recorded: nothing to act on later
        assert allowed
        SEEN["reverse a receipt: counter-entry"] += 1
        self.receipt_rows[counter.pk] = {"source": row["source"], "amount": -row["amount"], "reverses": pk}
        return counter.pk

    @precondition(lambda self: self.released_originals())
    @rule(target=payments, data=st.data())
    def reverse_a_released_payment(self, data):
        return self.reverse_payment(data.draw(st.sampled_from(self.released_originals()), label="pk"))

    @rule(target=payments, pk=payments)
    def reverse_payment(self, pk):
        row = self.payment_rows[pk]
        allowed = (
            row["state"] == "released"
            and not row["reverses"]
            and pk not in self.reversed_ones(self.payment_rows)
        )
        try:
            counter = disbursement_reverse(
                actor=self.world["finance"], disbursement=Disbursement.objects.get(pk=pk), reason="资金退回"
            )
        except ValidationError:
            assert not allowed
            SEEN["reverse a payment: refused"] += 1
            return multiple()  # nothing recorded: nothing to act on later
        assert allowed
        SEEN["reverse a payment: counter-entry"] += 1
        self.payment_rows[counter.pk] = {
            "source": row["source"], "amount": -row["amount"], "state": "released", "reverses": pk,
            "voucher": "",
        }  # fmt: skip
        return counter.pk

    # --- invariants, from the rows themselves ---------------------------------------------------

    @invariant()
    def the_ledger_holds(self):
        receipts = list(
            FundReceipt.objects.filter(project=self.project).values(
                "pk", "source__code", "amount", "reverses_id"
            )
        )
        payments = list(
            Disbursement.objects.filter(project=self.project).values(
                "pk", "source__code", "amount", "state", "reverses_id", "voucher_number"
            )
        )
        sums = defaultdict(lambda: defaultdict(lambda: ZERO))
        for r in receipts:
            sums[r["source__code"]]["received"] += r["amount"]
        for p in payments:
            if p["state"] in ("released", "requested"):
                sums[p["source__code"]][p["state"]] += p["amount"]
        for code in SOURCES:
            received, released, requested = (sums[code][k] for k in ("received", "released", "requested"))
            assert released <= received, (code, released, received)
            assert released + requested <= received, (code, released, requested, received)
            balance = balance_of(self.project, self.sources[code])
            assert (balance.received, balance.released, balance.requested) == (received, released, requested)
            planned, *expected = self.expected(code)
            assert balance.planned == planned and [received, released, requested] == expected

        for rows in (receipts, payments):
            by_pk = {row["pk"]: row for row in rows}
            counters = [row for row in rows if row["reverses_id"]]
            for row in rows:
                assert (row["amount"] < 0) == bool(row["reverses_id"]), (
                    row
                )  # only a counter-entry is negative
            for counter in counters:
                original = by_pk[counter["reverses_id"]]
                assert counter["amount"] == -original["amount"] and not original["reverses_id"]
            originals = [counter["reverses_id"] for counter in counters]
            assert len(originals) == len(set(originals))  # each entry reversed at most once
        for p in payments:
            assert p["state"] == self.payment_rows[p["pk"]]["state"]
            if p["reverses_id"]:
                assert p["state"] == "released"
        vouchers = [p["voucher_number"] for p in payments if p["voucher_number"]]
        assert len(vouchers) == len(set(vouchers))
        assert {p["pk"] for p in payments if p["state"] == "released" and not p["reverses_id"]} == {
            p["pk"] for p in payments if p["voucher_number"]
        }


def test_no_sequence_of_ledger_services_breaks_the_invariants(world, sources):
    seed_city_flows(world.city)
    Ledger.world, Ledger.sources = world, sources
    SEEN.clear()
    started = time.monotonic()
    run_state_machine_as_test(Ledger, settings=SETTINGS)
    steps = sum(SEEN.values()) - SEEN["sequences"]
    print(f"\n{SEEN['sequences']} sequences, {steps} steps, {time.monotonic() - started:.1f} s")
    for outcome, count in sorted(SEEN.items()):
        print(f"  {outcome}: {count}")
    # Not a vacuous machine: every outcome of every rule came up (the sequences are derandomized;
    # a smaller run set through the environment may miss a rare one).
    if EXAMPLES * STEPS >= 80 * 40:
        assert set(SEEN) >= OUTCOMES, OUTCOMES - set(SEEN)
