"""The reads of a project's money page. Every figure on the page is summed from the rows the user
may read (``restrict()``): a street clerk, who sees only the residents' share
(funding.models.MoneyScope), reads totals of that share alone, never the project's whole money."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from approvals.models import ApprovalRequest
from core.permissions import can
from funding.models import Disbursement, FundingPlanLine, FundingSource, FundReceipt
from org.models import Organisation
from org.roles import STREET_CLERK
from projects.models import ProgressReport, ProjectItem

ZERO = Decimal("0.00")


def _rate(part, whole):
    """``part`` as a percentage of ``whole`` (one place), or None when there is no whole."""
    if not whole or whole <= 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


@dataclass
class SourceMoney:
    """One source's money on the page (or the total of all sources), in yuan."""

    source: object = None  # None: the total row
    planned: Decimal = ZERO
    received: Decimal = ZERO
    released: Decimal = ZERO  # paid out, counter-entries included
    requested: Decimal = ZERO  # under review: reserved, not yet paid

    @property
    def available(self):
        return self.received - self.released - self.requested

    @property
    def receive_rate(self):
        """到位率: received of planned (%)."""
        return _rate(self.received, self.planned)

    @property
    def release_rate(self):
        """拨付率: paid out of received (%)."""
        return _rate(self.released, self.received)

    def add(self, other):
        for name in ("planned", "received", "released", "requested"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ProjectMoney:
    """What the project's money page shows, read for one user."""

    by_source: list
    total: SourceMoney
    plan_years: list  # the years of the plan, ascending
    plan_rows: list  # (source, [line or None per year], row total)
    plan_year_totals: list
    plan_lines: list
    receipts: list  # in date order, each counter-entry right after what it reverses
    disbursements: list  # likewise
    completed_investment: Decimal | None
    residents_only: bool = False  # the user reads only the residents' share (MoneyScope)
    chart: dict = field(default_factory=dict)


def reads_residents_share_only(user):
    """A street clerk reads only the residents' share (the rule of funding.models.MoneyScope)."""
    return user.role_codes <= {STREET_CLERK}


def sources_for(user):
    """The sources the user records money of: a street clerk only the residents'."""
    sources = FundingSource.objects.filter(active=True)
    if reads_residents_share_only(user):
        sources = sources.filter(category=FundingSource.Category.RESIDENTS)
    return sources


def is_finance_bureau(user):
    """Receipts and reversals are the finance bureau's to record (funding.services._finance_only)."""
    organisation = user.organisation
    return organisation is not None and organisation.kind == Organisation.Kind.FINANCE


def money_may(user, project):
    """What the user may do on the page: the role's permission and the services' own rule (the
    project is in the user's area, which the page already is; receipts and reversals are the
    finance bureau's)."""
    finance = is_finance_bureau(user)
    return {
        "plan_add": user.has_perm("funding.add_fundingplanline"),
        "plan_change": user.has_perm("funding.add_fundingplanline"),  # plan_line_save asks this
        "plan_delete": user.has_perm("funding.delete_fundingplanline"),
        "receive": finance and user.has_perm("funding.add_fundreceipt"),
        "request": user.has_perm("funding.add_disbursement"),
        "reverse_receipt": finance and user.has_perm("funding.add_fundreceipt"),
        "reverse_disbursement": finance and user.has_perm("funding.reverse_disbursement"),
    }


def _in_ledger_order(entries):
    """Entries in their order, each counter-entry moved right after the entry it takes back (and
    the entry marked ``reversed_by``)."""
    shown = {entry.pk for entry in entries}
    counters = {entry.reverses_id: entry for entry in entries if entry.reverses_id in shown}
    ordered = []
    for entry in entries:
        if entry.reverses_id in shown:
            continue  # placed after its entry
        entry.reversed_by = counters.get(entry.pk)
        ordered.append(entry)
        if entry.reversed_by is not None:
            ordered.append(entry.reversed_by)
    return ordered


def _approval_requests(user, disbursements):
    """The newest approval request the user may read of each disbursement: one query."""
    if not disbursements:
        return {}
    found = {}
    requests = (
        ApprovalRequest.objects.restrict(user)
        .filter(
            content_type=ContentType.objects.get_for_model(Disbursement),
            object_id__in=[str(d.pk) for d in disbursements],
        )
        .select_related("current_stage")
        .order_by("submitted_at", "id")
    )
    for request in requests:
        found[request.object_id] = request  # the newest last
    return found


def completed_investment(user, project):
    """The investment completed on the project's items, weighted by their progress: each item's
    actual cost (else its contract price, else its estimate) × its progress; None without items
    that have a cost. One query, over the items the user may read."""
    if not can(user, "view", ProjectItem):
        return None
    total, any_cost = ZERO, False
    for cost, bid, estimate, progress in (
        ProjectItem.objects.restrict(user)
        .filter(project=project)
        .values_list("actual_cost", "bid_price", "estimated_cost", "progress")
    ):
        basis = next((value for value in (cost, bid, estimate) if value is not None), None)
        if basis is None:
            continue
        any_cost = True
        total += basis * progress / 100
    return total.quantize(Decimal("0.01")) if any_cost else None


def project_money(user, project):
    """The project's money as ``user`` may read it: per source and in total, the plan by source and
    year, the receipts and the disbursements with their approval requests."""
    lines = list(FundingPlanLine.objects.restrict(user).filter(project=project).select_related("source"))
    receipts = list(
        FundReceipt.objects.restrict(user)
        .filter(project=project)
        .select_related("source", "recorded_by")
        .order_by("received_on", "id")
    )
    disbursements = list(
        Disbursement.objects.restrict(user)
        .filter(project=project)
        .select_related("source", "recorded_by", "progress_report")
        .prefetch_related(Prefetch("items", queryset=ProjectItem.objects.select_related("item")))
        .order_by("created_at", "id")
    )
    requests = _approval_requests(user, disbursements)
    for disbursement in disbursements:
        disbursement.approval_request = requests.get(str(disbursement.pk))

    sources = {}

    def money_of(source):
        return sources.setdefault(source.pk, SourceMoney(source=source))

    for line in lines:
        money_of(line.source).planned += line.amount
    for receipt in receipts:
        money_of(receipt.source).received += receipt.amount
    for disbursement in disbursements:
        if disbursement.state == Disbursement.State.RELEASED:
            money_of(disbursement.source).released += disbursement.amount
        elif disbursement.state == Disbursement.State.REQUESTED:
            money_of(disbursement.source).requested += disbursement.amount
        else:
            money_of(disbursement.source)
    by_source = sorted(sources.values(), key=lambda row: (row.source.order, row.source.code))
    total = SourceMoney()
    for row in by_source:
        total.add(row)

    years = sorted({line.year for line in lines})
    cells = {(line.source_id, line.year): line for line in lines}
    plan_rows = []
    for row in by_source:
        if row.planned:
            plan_row = [cells.get((row.source.pk, year)) for year in years]
            plan_rows.append((row.source, plan_row, row.planned))
    year_totals = [sum((line.amount for line in lines if line.year == year), ZERO) for year in years]

    invested = completed_investment(user, project)
    return ProjectMoney(
        by_source=by_source,
        total=total,
        plan_years=years,
        plan_rows=plan_rows,
        plan_year_totals=year_totals,
        plan_lines=sorted(lines, key=lambda line: (line.year, line.source.order, line.source.code)),
        receipts=_in_ledger_order(receipts),
        disbursements=_in_ledger_order(disbursements),
        completed_investment=invested,
        residents_only=reads_residents_share_only(user),
        chart=money_chart(total, by_source, invested),
    )


BAR_LABELS = {
    "planned": _("planned"),
    "received": _("received"),
    "released": _("released"),
    "invested": _("completed investment"),
}
BAR_COLOURS = {"planned": "#adb5bd", "received": "#0d6efd", "released": "#198754", "invested": "#fd7e14"}
# The chart's geometry in SVG units (the SVG scales to the card's width): labels left of BAR_X.
CHART_WIDTH, BAR_X, BAR_SPAN, BAR_HEIGHT, ROW, HEADING = 640, 150, 360, 14, 20, 22


def money_chart(total, by_source, invested):
    """An inline SVG's bars (no script, no inline style): the project's planned, received and
    released money and its completed investment, then each source's first three when there are
    several; every bar's length a share of the largest amount."""
    groups = [
        (None, [("planned", total.planned), ("received", total.received), ("released", total.released)])
    ]
    if invested is not None:
        groups[0][1].append(("invested", invested))
    if len(by_source) > 1:
        groups += [
            (row.source, [("planned", row.planned), ("received", row.received), ("released", row.released)])
            for row in by_source
        ]
    largest = max((amount for _source, bars in groups for _name, amount in bars), default=ZERO)
    y, headings, bars = 0, [], []
    for source, amounts in groups:
        headings.append({"y": y + 15, "label": source.name if source else _("All sources")})
        y += HEADING
        for name, amount in amounts:
            length = round(BAR_SPAN * amount / largest) if largest > 0 and amount > 0 else 0
            bars.append(
                {
                    "name": name, "label": BAR_LABELS[name], "colour": BAR_COLOURS[name], "amount": amount,
                    "y": y, "text_y": y + BAR_HEIGHT - 3, "length": length, "end": BAR_X + length + 6,
                }
            )  # fmt: skip
            y += ROW
        y += 6
    return {"width": CHART_WIDTH, "height": y, "bar_x": BAR_X, "label_x": BAR_X - 8, "bar_height": BAR_HEIGHT,
            "headings": headings, "bars": bars, "legend": [(BAR_LABELS[n], BAR_COLOURS[n]) for n in BAR_LABELS]}  # fmt: skip


def form_choices(user, project):
    """What the forms offer: the sources the user records, the project's items and its progress
    reports as the user may read them."""
    return {
        "sources": sources_for(user),
        "items": ProjectItem.objects.restrict(user).filter(project=project).select_related("item"),
        "progress_reports": ProgressReport.objects.restrict(user).filter(project=project),
    }
