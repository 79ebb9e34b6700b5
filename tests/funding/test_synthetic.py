"""generate_synthetic gives every synthetic project its funding, consistent with the ledger's
invariants; --replace deletes it with the projects."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Count, Max, Min, Q, Sum

from funding.ledger_warnings import ledger_warnings
from funding.models import Disbursement, FundingPlanLine, FundReceipt
from funding.selectors import balance_of
from org.models import Organisation
from org.roles import CITY_STAFF
from projects.models import Project
from tests.factories import make_user


def generate(*args):
    out = StringIO()
    call_command("generate_synthetic", "--scale", "district", *args, stdout=out)
    return out.getvalue()


def synthetic(model):
    return model.objects.filter(project__city__path__startswith="379900/")


def test_every_synthetic_project_has_a_plan_and_the_approved_ones_money(db):
    output = generate("--seed", "5")
    projects = Project.objects.filter(city__path__startswith="379900/")
    assert "funding plan lines" in output and "disbursements" in output
    assert not projects.exclude(pk__in=synthetic(FundingPlanLine).values("project")).exists()
    approved = projects.filter(approved_on__isnull=False)
    assert not approved.exclude(pk__in=synthetic(FundReceipt).values("project")).exists()
    started = projects.filter(started_on__isnull=False)
    assert synthetic(Disbursement).values("project").distinct().count() > started.count() * 0.9
    assert not synthetic(FundReceipt).filter(project__approved_on__isnull=True).exists()


def test_synthetic_money_keeps_the_invariants(db):
    generate("--seed", "5")
    # Amounts are positive except counter-entries, which are negative and give a reason.
    for model in (FundReceipt, Disbursement):
        rows = synthetic(model)
        assert not rows.filter(reverses__isnull=True, amount__lte=0).exists()
        assert not rows.filter(reverses__isnull=False).filter(Q(amount__gte=0) | Q(reason="")).exists()
    # For each project and source: released and under review never above received, and every
    # payment after the money it pays arrived.
    receipts = {
        (r["project"], r["source"]): r
        for r in synthetic(FundReceipt).values("project", "source").annotate(
            total=Sum("amount"), last=Max("received_on", filter=Q(reverses__isnull=True, reversal__isnull=True))
        )
    }  # fmt: skip
    for row in (
        synthetic(Disbursement)
        .values("project", "source")
        .annotate(
            committed=Sum("amount", filter=Q(state__in=("released", "requested"))),
            first=Min("paid_on", filter=Q(reverses__isnull=True)),
        )
    ):
        arrived = receipts[(row["project"], row["source"])]
        assert row["committed"] <= arrived["total"], row
        assert row["first"] is None or row["first"] >= arrived["last"], row
    project = synthetic(Disbursement).values_list("project", flat=True).first()
    source = synthetic(Disbursement).filter(project=project).values_list("source", flat=True).first()
    balance = balance_of(Project.objects.get(pk=project), source)
    assert balance.available >= 0
    # Voucher numbers are unique per city; every disbursement has its own key.
    vouchers = synthetic(Disbursement).exclude(voucher_number="").values("city", "voucher_number")
    assert not vouchers.annotate(n=Count("pk")).filter(n__gt=1).exists()


def test_the_synthetic_ledger_has_warnings_to_reconcile(db):
    generate("--seed", "5")
    bureau = Organisation.objects.get(
        region__path__startswith="379900/", region__level=2, kind=Organisation.Kind.CITY_BUREAU
    )
    staff = make_user("synthetic_city_staff", bureau, CITY_STAFF)
    warnings = ledger_warnings(staff)
    # Money arrives while the works are let and waits: some of it longer than 90 days.
    assert "idle" in {warning.kind for warning in warnings}
    assert len(warnings) < Project.objects.filter(city__path__startswith="379900/").count() / 3


def test_replace_deletes_the_funding_with_the_projects(db):
    generate("--seed", "5")
    counts = (
        synthetic(FundingPlanLine).count(),
        synthetic(FundReceipt).count(),
        synthetic(Disbursement).count(),
    )
    output = generate("--seed", "5", "--replace")
    assert f"{counts[2]} disbursements, {counts[1]} fund receipts, {counts[0]} funding plan lines" in output
    assert (synthetic(FundingPlanLine).count(), synthetic(FundReceipt).count()) == counts[:2]
