"""Synthetic funding for the synthetic projects (``generate_synthetic``: projects.demo.synthetic_apps).

Every project gets a funding plan over two to six sources (central subsidy and city budget always,
the district budget, residents' cash, special bonds, utilities, social capital now and then),
split from what its items cost (their contract price, else their estimate; a guess from the
households when no item is priced yet). From approval on, money arrives (60–100 % of the plan,
more the further the project is); from the start of construction it is paid out about as far as
the works are built, every payment naming some of the project's items. As in life, a few projects
received more than planned (confirmed), are paid ahead of their progress, have money lying idle,
pay an item of 提升类 from the central subsidy, have a request under review, or had a receipt or a
payment taken back by a counter-entry.

The invariants hold for each project and source: released ≤ received at every date (money is paid
after it arrived), amounts are positive except counter-entries, voucher numbers are unique per
city, every disbursement has its own idempotency key. Requests under review have no approval
request here (bench/bench_approvals_inbox.py writes those). Written with ``bulk_create``.
"""

import datetime
from decimal import Decimal

from org.models import User
from projects.models import Project, ProjectItem

from .models import Disbursement, FundingPlanLine, FundingSource, FundReceipt

BATCH_SIZE = 5000
STAGES = list(Project.Stage)
PROCUREMENT = STAGES.index(Project.Stage.PROCUREMENT)
CONSTRUCTION = STAGES.index(Project.Stage.CONSTRUCTION)
ACCEPTANCE = STAGES.index(Project.Stage.ACCEPTANCE)
AUDIT = STAGES.index(Project.Stage.AUDIT)
EARMARKED = {"central_subsidy", "provincial_subsidy"}
ALLOWED = {"basic", "improve"}
# (source code, probability, share of the cost (low, high)); the city budget takes what is left.
MIX = (
    ("central_subsidy", 1.0, (0.30, 0.45)),
    ("provincial_subsidy", 0.4, (0.05, 0.12)),
    ("district_budget", 0.5, (0.10, 0.20)),
    ("residents_cash", 0.5, (0.03, 0.08)),
    ("special_bond", 0.12, (0.10, 0.20)),
    ("utility", 0.15, (0.04, 0.10)),
    ("social_capital", 0.08, (0.03, 0.08)),
)
PAYEES = ("建设集团有限公司", "建筑工程有限公司", "市政工程有限公司")
PURPOSES = ("工程预付款", "进度款", "进度款", "进度款", "竣工结算款", "监理费", "设计费")
OVER_PLAN = 0.02
PAID_AHEAD = 0.04
WRONG_ITEM = 0.03
REQUESTING = 0.25
REVERSED = 0.015
CENT = Decimal("0.01")

MODELS = (FundingPlanLine, FundReceipt, Disbursement, Disbursement.items.through)


def _money(value):
    return Decimal(value).quantize(Decimal("100")).quantize(CENT)


def _clerk():
    """The account synthetic money names as recorded by; kept, like bench personas, across --replace."""
    user, created = User.objects.get_or_create(
        username="synthetic_finance", defaults={"last_name": "李", "first_name": "会计", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def build(*, cities, rng, today):
    """Funding for every project of ``cities``. Returns {what: how many}."""
    sources = {source.code: source for source in FundingSource.objects.all()}
    clerk = _clerk()
    items = {}
    for row in (
        ProjectItem.objects.filter(project__city__in=cities)
        .values("pk", "project", "bid_price", "estimated_cost", "progress", "item__category__code")
        .order_by("pk")
    ):
        items.setdefault(row["project"], []).append(row)
    projects = (
        Project.objects.filter(city__in=cities)
        .values("pk", "city", "stage", "plan_year", "approved_on", "started_on", "completed_on")
        .order_by("pk")
    )
    writer = _Writer(rng, today, sources, clerk)
    for project in projects:
        writer.project(project, items.get(project["pk"], []))
    return writer.save()


class _Writer:
    def __init__(self, rng, today, sources, clerk):
        self.rng, self.today, self.sources, self.clerk = rng, today, sources, clerk
        self.plans, self.receipts, self.payments, self.paid_items = [], [], [], []
        self.reversals = []  # (entry, counter-entry), saved once the entry has its key
        self.vouchers = {}

    # --- one project ------------------------------------------------------------------------------

    def project(self, project, items):
        rng, stage = self.rng, STAGES.index(project["stage"])
        cost = sum((i["bid_price"] or i["estimated_cost"] or 0) for i in items)
        if not cost:
            cost = Decimal(rng.randint(80, 600) * 10000)
        shares = {code: rng.uniform(*share) for code, chance, share in MIX if rng.random() < chance}
        shares["city_budget"] = max(0.05, 1 - sum(shares.values()))
        year = project["plan_year"] or self.today.year
        plans = {}
        for code, share in shares.items():
            amount = _money(cost * Decimal(share))
            if amount <= 0:
                continue
            plans[code] = amount
            if code == "city_budget" and rng.random() < 0.3:  # a multi-year plan
                first = _money(amount * Decimal("0.6"))
                self.plan(project, code, year, first)
                self.plan(project, code, year + 1, amount - first)
            else:
                self.plan(project, code, year, amount)
        if stage < PROCUREMENT or project["approved_on"] is None:
            return
        # What arrives: part before the works, most during them, the rest after the final audit.
        if stage == PROCUREMENT:
            arrived = rng.uniform(0.3, 0.6)
        elif stage < ACCEPTANCE:
            arrived = rng.uniform(0.6, 0.9)
        else:
            arrived = 0.95 if stage < AUDIT else 1.0
        over = rng.random() < OVER_PLAN
        built = self.built(items)
        ahead = rng.random() < PAID_AHEAD
        requesting = stage == CONSTRUCTION and rng.random() < REQUESTING
        for code, planned in plans.items():
            received, last = self.receive(project, code, planned, arrived * (1.06 if over else 1))
            over = False  # one source over its plan
            if stage < CONSTRUCTION or project["started_on"] is None:
                continue
            share = (
                1.0
                if stage >= ACCEPTANCE
                else min(1.0, built * rng.uniform(0.8, 1.0) + (0.25 if ahead else 0))
            )
            paid = self.pay(project, code, received, share, last, items, building=stage == CONSTRUCTION)
            if requesting and received - paid > 0:
                self.payment(
                    project, code, _money((received - paid) * Decimal("0.3")), None, items, "requested"
                )
                requesting = False
        if rng.random() < REVERSED:
            self.wrong_receipt(project, rng.choice(list(plans)))

    def built(self, items):
        weight = sum((i["bid_price"] or i["estimated_cost"] or 0) for i in items)
        if not weight:
            return sum(i["progress"] for i in items) / 100 / len(items) if items else 0.0
        return float(
            sum((i["bid_price"] or i["estimated_cost"] or 0) * i["progress"] for i in items) / weight / 100
        )

    def plan(self, project, code, year, amount):
        self.plans.append(
            FundingPlanLine(project_id=project["pk"], source=self.sources[code], year=year, amount=amount)
        )

    def receive(self, project, code, planned, share):
        """One or two receipts after approval; returns (received, the last date)."""
        rng, total = self.rng, _money(planned * Decimal(share))
        if total <= 0:
            return Decimal(0), project["approved_on"]
        parts = [total]
        if total >= 200000 and rng.random() < 0.3:
            parts = [_money(total * Decimal("0.6"))]
            parts.append(total - parts[0])
        day = project["approved_on"]
        if STAGES.index(project["stage"]) == PROCUREMENT:  # arrived lately, while the works are let
            day = max(day, self.today - datetime.timedelta(days=rng.randint(60, 180)))
        for amount in parts:
            day = min(self.today, day + datetime.timedelta(days=rng.randint(10, 90)))
            self.receipts.append(self.receipt(project, code, amount, day))
        return total, day

    def receipt(self, project, code, amount, day, reverses=None):
        return FundReceipt(
            project_id=project["pk"], city_id=project["city"], source=self.sources[code], amount=amount,
            received_on=day, document_number=f"财建〔{day.year}〕{self.rng.randint(1, 300)}号",
            account="老旧小区改造专户", recorded_by=self.clerk, reverses=reverses,
            reason="到账金额录入有误" if reverses else "",
        )  # fmt: skip

    def pay(self, project, code, received, share, after, items, *, building=False):
        """Payments of ``share`` of ``received`` from the start of the works (and after the money
        arrived) until completion or today, the last one within two months while ``building``;
        returns what they paid."""
        rng = self.rng
        total = min(received, _money(received * Decimal(share)))
        if total <= 0:
            return Decimal(0)
        start = max(project["started_on"], after)
        end = max(start, min(self.today, project["completed_on"] or self.today))
        count = 1 if total < 300000 else rng.randint(1, 3)
        paid, left = Decimal(0), total
        for n in range(count):
            amount = left if n == count - 1 else _money(left * Decimal(rng.uniform(0.3, 0.6)))
            if amount <= 0:
                continue
            span = (end - start).days
            if building and n == count - 1:
                day = end - datetime.timedelta(days=rng.randint(0, min(span, 60)))
            else:
                day = start + datetime.timedelta(days=rng.randint(0, span))
            self.payment(project, code, amount, day, items, "released")
            paid, left = paid + amount, left - amount
        if rng.random() < REVERSED and received - paid > 0:
            wrong = self.payment(
                project, code, _money((received - paid) * Decimal("0.5")) or CENT, end, items, "released"
            )
            self.reversals.append((wrong, self.counter_payment(project, wrong, end)))
        return paid

    def payment(self, project, code, amount, day, items, state):
        rng, city = self.rng, project["city"]
        voucher = ""
        if state == "released":
            self.vouchers[city] = self.vouchers.get(city, 0) + 1
            voucher = f"记-{day.year}-{self.vouchers[city]:06d}"
        disbursement = Disbursement(
            project_id=project["pk"], city_id=city, source=self.sources[code], amount=amount, state=state,
            payee=rng.choice(("宏达", "恒泰", "华建", "信达", "鼎盛")) + rng.choice(PAYEES),
            purpose=rng.choice(PURPOSES), paid_on=day if state == "released" else None, voucher_number=voucher,
            idempotency_key=f"synthetic-{project['pk']}-{len(self.payments)}", recorded_by=self.clerk,
        )  # fmt: skip
        self.payments.append(disbursement)
        self.paid_items.append(self.items_paid(code, items))
        return disbursement

    def items_paid(self, code, items):
        """Items of categories the source may pay for (now and then one it may not)."""
        if not items:
            return []
        if code in EARMARKED:
            fitting = [i for i in items if i["item__category__code"] in ALLOWED]
            other = [i for i in items if i["item__category__code"] not in ALLOWED]
            if other and self.rng.random() < WRONG_ITEM:
                fitting = fitting[:1] + other[:1]
        else:
            fitting = items
        chosen = self.rng.sample(fitting, min(len(fitting), self.rng.randint(1, 3))) if fitting else []
        return [i["pk"] for i in chosen]

    def counter_payment(self, project, wrong, day):
        return Disbursement(
            project_id=project["pk"], city_id=project["city"], source=wrong.source, amount=-wrong.amount,
            state="released", payee=wrong.payee, purpose=wrong.purpose, paid_on=day, reason="重复拨付，款项退回",
            idempotency_key=f"{wrong.idempotency_key}-reversal", recorded_by=self.clerk,
        )  # fmt: skip

    def wrong_receipt(self, project, code):
        day = min(self.today, project["approved_on"] + datetime.timedelta(days=30))
        wrong = self.receipt(project, code, _money(self.rng.randint(5, 50) * 10000), day)
        self.receipts.append(wrong)
        counter = self.receipt(
            project, code, -wrong.amount, min(self.today, day + datetime.timedelta(days=3))
        )
        counter.reason = "到账金额录入有误"
        self.reversals.append((wrong, counter))

    # --- writing ----------------------------------------------------------------------------------

    def save(self):
        FundingPlanLine.objects.bulk_create(self.plans, batch_size=BATCH_SIZE)
        FundReceipt.objects.bulk_create(self.receipts, batch_size=BATCH_SIZE)
        Disbursement.objects.bulk_create(self.payments, batch_size=BATCH_SIZE)
        through = Disbursement.items.through
        links = [
            through(disbursement_id=payment.pk, projectitem_id=item)
            for payment, paid in zip(self.payments, self.paid_items, strict=True)
            for item in paid
        ]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        counters = {FundReceipt: [], Disbursement: []}
        for entry, counter in self.reversals:
            counter.reverses = entry
            counters[type(counter)].append(counter)
        for model, rows in counters.items():
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        reversed_count = len(self.reversals)
        return {
            "funding plan lines": len(self.plans),
            "fund receipts": len(self.receipts) + len(counters[FundReceipt]),
            "disbursements": len(self.payments) + len(counters[Disbursement]),
            "items paid": len(links),
            "counter-entries": reversed_count,
        }


def delete(cities):
    """The funding of the projects of ``cities``: counter-entries first (they protect their entry)."""
    counts = {}
    for model, what in ((Disbursement, "disbursements"), (FundReceipt, "fund receipts")):
        rows = model.objects.filter(project__city__in=cities)
        label = model._meta.label
        counters = rows.filter(reverses__isnull=False).delete()[1].get(label, 0)
        counts[what] = counters + rows.delete()[1].get(label, 0)
    counts["funding plan lines"] = FundingPlanLine.objects.filter(project__city__in=cities).delete()[0]
    return counts
