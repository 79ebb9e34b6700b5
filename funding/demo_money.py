"""The demo city's money, through the real services, in every state a finance bureau meets:

- every demo project from procurement on has a plan by source (central and city subsidy, the
  residents' share), what arrived of it, and what was paid out by progress, released through the
  disbursement flow by the finance bureau with a voucher number;
- 和平街道老旧小区改造 (procurement): its central subsidy arrived four months ago and nothing was paid
  yet (the ledger's idle-funds warning), and its first payment waits in reviewer_finance's 待办;
- 般阳路街道老旧小区改造: a receipt entered twice, the second reversed with its reason;
- 松龄路街道片区改造: a payment released to a wrong account and taken back by a counter-entry.
"""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from approvals.models import ApprovalRequest
from approvals.services import request_approve
from org.models import User
from projects.demo.attribution import recorded_as
from projects.models import Project

from .models import Disbursement, FundingPlanLine, FundingSource, FundReceipt
from .services import (
    disbursement_request,
    disbursement_reverse,
    plan_line_save,
    receipt_record,
    receipt_reverse,
)

DAY = datetime.timedelta(days=1)
WAN = Decimal(10000)
# name → (central, city, residents) planned in 万元; the share of it received; the share paid out.
MONEY = {
    "和平街道老旧小区改造": ((120, 80, 12), Decimal("0.5"), 0),
    "科苑街道加装电梯及管网改造": ((150, 0, 30), Decimal("0.8"), Decimal("0.5")),
    "般阳路街道老旧小区改造": ((90, 60, 10), 1, Decimal("0.9")),
    "松龄路街道片区改造": ((80, 50, 8), 1, 1),
    "钟楼街道老旧小区改造": ((70, 40, 6), 1, 1),
    "城东街道老旧小区改造": ((60, 40, 5), 1, 1),
}
CONTRACTOR = "淄博建工集团有限公司"


def seed_money(city):
    """Once: nothing is written if any project of the city already has a receipt."""
    if (
        Disbursement.objects.filter(city=city).exists()
        or FundingPlanLine.objects.filter(project__city=city, source__code="central_subsidy").exists()
    ):
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=("city_admin", "reviewer_finance"))}
    admin, finance = users["city_admin"], users["reviewer_finance"]
    sources = {s.code: s for s in FundingSource.objects.all()}
    today = timezone.localdate()
    projects = {p.name: p for p in Project.objects.filter(city=city, name__in=MONEY)}
    for name, (planned, received_share, paid_share) in MONEY.items():
        project = projects.get(name)
        if project is None:
            continue
        start = project.approved_on or today - 200 * DAY
        for code, figure in zip(("central_subsidy", "city_budget", "residents_cash"), planned, strict=True):
            if not figure:
                continue
            source = sources[code]
            with recorded_as(admin, start + 2 * DAY):
                plan_line_save(
                    actor=admin, project=project, source=source, year=start.year, amount=Decimal(figure) * WAN
                )
            arrived = (Decimal(figure) * WAN * Decimal(received_share)).quantize(Decimal("0.01"))
            received_on = (
                min(start + 20 * DAY, today - 120 * DAY)
                if name == "和平街道老旧小区改造"
                else start + 20 * DAY
            )
            with recorded_as(finance, received_on):
                receipt_record(
                    actor=finance, project=project, source=source, amount=arrived, received_on=min(received_on, today),
                    document_number=f"淄财建指〔{received_on.year}〕{project.pk * 3 + len(code)}号",
                    account="淄博市老旧小区改造资金专户",
                )  # fmt: skip
            paid = (arrived * Decimal(paid_share)).quantize(Decimal("0.01"))
            if paid:
                _pay(admin, finance, project, source, paid, start + 60 * DAY, f"demo-{project.pk}-{code}")
    _twice_entered(finance, projects.get("般阳路街道老旧小区改造"), sources["city_budget"])
    _wrong_account(finance, projects.get("松龄路街道片区改造"))
    waiting = projects.get("和平街道老旧小区改造")
    if waiting is not None:
        disbursement_request(
            actor=admin, project=waiting, source=sources["central_subsidy"], amount=Decimal(30) * WAN,
            payee=CONTRACTOR, purpose="工程预付款（合同价的30%）", idempotency_key=f"demo-{waiting.pk}-advance",
        )  # fmt: skip
    return Disbursement.objects.filter(city=city).count()


def _pay(admin, finance, project, source, amount, day, key):
    """A payment requested by the city bureau and released by the finance bureau, dated ``day``."""
    day = min(day, timezone.localdate())
    with recorded_as(admin, day, hour=9):
        disbursement = disbursement_request(
            actor=admin, project=project, source=source, amount=amount, payee=CONTRACTOR,
            purpose="按施工进度拨付工程款", idempotency_key=key,
        )  # fmt: skip
    request = ApprovalRequest.objects.select_related("current_stage").get(
        content_type=ContentType.objects.get_for_model(Disbursement), object_id=str(disbursement.pk)
    )
    with recorded_as(finance, day, hour=15):
        request_approve(
            request=request, actor=finance, opinion="凭证齐全，同意拨付。",
            record=f"记-{day:%Y%m}-{disbursement.pk:04d}", expected_stage=request.current_stage,
            expected_round=request.round,
        )  # fmt: skip
    Disbursement.objects.filter(pk=disbursement.pk).update(paid_on=day)
    return disbursement


def _twice_entered(finance, project, source):
    if project is None:
        return
    day = (project.approved_on or timezone.localdate()) + 20 * DAY
    with recorded_as(finance, day, hour=16):
        again = receipt_record(
            actor=finance, project=project, source=source, amount=Decimal(5) * WAN, received_on=day,
            document_number="淄财建指（重复录入）", confirm_over_plan=True,
        )  # fmt: skip
    with recorded_as(finance, day + DAY):
        counter = receipt_reverse(actor=finance, receipt=again, reason="同一笔资金重复录入，予以冲销")
    # Taken back the next day, not on the day of seeding: the ledger books it in that year.
    FundReceipt.objects.filter(pk=counter.pk).update(received_on=day + DAY)


def _wrong_account(finance, project):
    if project is None:
        return
    paid = (
        Disbursement.objects.filter(project=project, state=Disbursement.State.RELEASED).order_by("pk").first()
    )
    if paid is not None:
        day = min((paid.paid_on or timezone.localdate()) + 3 * DAY, timezone.localdate())
        with recorded_as(finance, day):
            counter = disbursement_reverse(
                actor=finance, disbursement=paid, reason="收款账号有误，资金已退回专户"
            )
        Disbursement.objects.filter(pk=counter.pk).update(paid_on=day)
