"""The ledgers of funding (资金台账): what plans, receipts and disbursements add up to, per district
and source, per project and source, and for everything a user may see, for one year or all years.

Every sum is a GROUP BY in SQL over the user's restricted rows (``restrict(user)``: a street clerk
sums only the residents' money), three queries a table whatever the number of rows; Python only
adds up the handful of grouped rows (districts × sources) into subtotals. The warnings a finance
bureau reconciles are in ``funding.ledger_warnings``. docs/funding.md (“The ledger”) defines every
column.

A year's columns, in yuan:

- **planned**: the plan lines of the year;
- **carried**: what arrived before the year less what was paid out before it (上年结转);
- **received**: receipts dated in the year, counter-entries on their own dates;
- **released**: disbursements paid out in the year, counter-entries on their own dates;
- **requested**: requests under review now, made by the end of the year (reserved, not paid);
- **available** = carried + received − released − requested: what a new request may still take
  (for the current year, and for all years, exactly ``funding.selectors.balance_of``).

With no year (全部年度) nothing is carried and every row counts.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from org.models import Region
from org.roles import STREET_CLERK
from projects.models import Project

from .models import Disbursement, FundingPlanLine, FundingSource, FundReceipt

ZERO = Decimal("0.00")
RELEASED, REQUESTED = Disbursement.State.RELEASED, Disbursement.State.REQUESTED
TENTH = Decimal("0.1")

# The district of a row's project: its area is a street or a district, or the city for a bundle
# across districts (no district; projects.lifecycle.rules: never finer than a street).
DISTRICT = Case(
    When(project__region__level=Region.Level.DISTRICT, then=F("project__region")),
    When(project__region__level=Region.Level.STREET, then=F("project__region__parent")),
    default=None,
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class Period:
    """One calendar year, or every year (``year`` None)."""

    year: int | None = None

    @property
    def start(self):
        return datetime.date(self.year, 1, 1)

    @property
    def end(self):
        return datetime.date(self.year, 12, 31)

    @property
    def after(self):
        """The first moment after the year, in the portal's time zone (requests carry a time)."""
        return timezone.make_aware(datetime.datetime(self.year + 1, 1, 1))

    def receipt_sums(self):
        if self.year is None:
            return {"received": Sum("amount")}
        return {
            "carried_in": Sum("amount", filter=Q(received_on__lt=self.start)),
            "received": Sum("amount", filter=Q(received_on__gte=self.start)),
        }

    def disbursement_sums(self):
        requested = Sum("amount", filter=Q(state=REQUESTED))
        if self.year is None:
            return {"released": Sum("amount", filter=Q(state=RELEASED)), "requested": requested}
        return {
            "carried_out": Sum("amount", filter=Q(state=RELEASED, paid_on__lt=self.start)),
            "released": Sum("amount", filter=Q(state=RELEASED, paid_on__gte=self.start)),
            "requested": requested,
        }


def percent(part, whole):
    """``part`` of ``whole`` in percent, one place (None of nothing)."""
    if not whole:
        return None
    return (part * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Sums:
    """The ledger's figures of one row (a project and source, a district and source, a total)."""

    planned: Decimal = ZERO
    carried: Decimal = ZERO
    received: Decimal = ZERO
    released: Decimal = ZERO
    requested: Decimal = ZERO

    @classmethod
    def of(cls, values):
        def get(name):
            return values.get(name) or ZERO

        return cls(
            planned=get("planned"),
            carried=get("carried_in") - get("carried_out"),
            received=get("received"),
            released=get("released"),
            requested=get("requested"),
        )

    def __add__(self, other):
        return Sums(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def is_empty(self):
        return not any(getattr(self, f.name) for f in fields(self))

    @property
    def funds(self):
        """What there was to pay from in the period: carried over and received."""
        return self.carried + self.received

    @property
    def available(self):
        return self.funds - self.released - self.requested

    @property
    def receipt_rate(self):
        """到位率: received / planned, in percent (None without a plan)."""
        return percent(self.received, self.planned)

    @property
    def release_rate(self):
        """拨付率: released / (carried + received), in percent (None without funds)."""
        return percent(self.released, self.funds)


def total(sums):
    return sum(sums, Sums())


@dataclass(frozen=True)
class LedgerRows:
    """The restricted, filtered rows a ledger adds up: plan lines, receipts, and the disbursements
    that count (released, and requested: reserved)."""

    plans: object
    receipts: object
    disbursements: object
    period: Period

    def for_projects(self, project_ids):
        return LedgerRows(
            self.plans.filter(project__in=project_ids),
            self.receipts.filter(project__in=project_ids),
            self.disbursements.filter(project__in=project_ids),
            self.period,
        )


def ledger_rows(user, *, year=None, district=None, source=None):
    """The rows of ``user``'s ledger for ``year`` (None: every year), narrowed to a district (a
    Region) and a source. Rows after the year are left out; rows before it count as carried."""
    period = Period(year)

    def narrowed(queryset):
        if district is not None:
            queryset = queryset.filter(project__region__path__startswith=district.path)
        if source is not None:
            queryset = queryset.filter(source=source)
        return queryset.order_by()

    plans = narrowed(FundingPlanLine.objects.restrict(user))
    receipts = narrowed(FundReceipt.objects.restrict(user))
    disbursements = narrowed(Disbursement.objects.restrict(user)).filter(state__in=(RELEASED, REQUESTED))
    if year is not None:
        plans = plans.filter(year=year)
        receipts = receipts.filter(received_on__lte=period.end)
        disbursements = disbursements.filter(
            Q(state=RELEASED, paid_on__lte=period.end) | Q(state=REQUESTED, created_at__lt=period.after)
        )
    return LedgerRows(plans, receipts, disbursements, period)


def sums_by(rows, *names, **expressions):
    """{key: Sums} of ``rows`` grouped by fields ``names`` and ``expressions`` (the key is the
    tuple of their values, in that order): three GROUP BY queries, one per table."""
    keys = (*names, *expressions)
    grouped = defaultdict(dict)
    for queryset, aggregates in (
        (rows.plans, {"planned": Sum("amount")}),
        (rows.receipts, rows.period.receipt_sums()),
        (rows.disbursements, rows.period.disbursement_sums()),
    ):
        for row in queryset.values(*names, **expressions).annotate(**aggregates).order_by():
            grouped[tuple(row[key] for key in keys)].update(row)
    return {key: Sums.of(values) for key, values in grouped.items()}


# --- The tables of the ledger page ---------------------------------------------------------------


def sources_for(user):
    """The sources a user's ledger may hold, in their order (a street clerk: the residents')."""
    sources = FundingSource.objects.all()
    if user.role_codes <= {STREET_CLERK}:
        sources = sources.filter(category=FundingSource.Category.RESIDENTS)
    return sources


@dataclass(frozen=True)
class SourceRow:
    source: FundingSource
    sums: Sums


@dataclass(frozen=True)
class DistrictBlock:
    """One district's rows by source, and its subtotal. ``district`` is None for projects whose
    area is the city (bundles across districts)."""

    district: Region | None
    rows: list
    subtotal: Sums


@dataclass(frozen=True)
class Ledger:
    """What the ledger page and its export show above the projects."""

    period: Period
    districts: list  # [DistrictBlock]
    by_source: list  # [SourceRow], every district together
    total: Sums


def city_ledger(rows, sources):
    """The ledger per district × source, per source and in total: three GROUP BY queries and one
    for the districts' names. ``sources``: {pk: FundingSource} (``sources_for``)."""
    sums = {
        key: value
        for key, value in sums_by(rows, "source", district=DISTRICT).items()
        if not value.is_empty()
    }
    district_ids = {district for _source, district in sums}
    districts = Region.objects.filter(pk__in=district_ids - {None}).select_related("parent").order_by("path")
    order = list(districts) + ([None] if None in district_ids else [])
    blocks, by_source = [], defaultdict(Sums)
    for district in order:
        pk = district.pk if district is not None else None
        rows_of = [
            SourceRow(source, sums[(source.pk, pk)]) for source in sources.values() if (source.pk, pk) in sums
        ]
        for row in rows_of:
            by_source[row.source.pk] += row.sums
        blocks.append(DistrictBlock(district, rows_of, total(row.sums for row in rows_of)))
    return Ledger(
        period=rows.period,
        districts=blocks,
        by_source=[SourceRow(s, by_source[s.pk]) for s in sources.values() if s.pk in by_source],
        total=total(block.subtotal for block in blocks),
    )


PROJECT_DISTRICT = Case(
    When(region__level=Region.Level.DISTRICT, then=F("region")),
    When(region__level=Region.Level.STREET, then=F("region__parent")),
    default=None,
    output_field=IntegerField(),
)
DISTRICT_NAME = Case(
    When(region__level=Region.Level.DISTRICT, then=F("region__name")),
    When(region__level=Region.Level.STREET, then=F("region__parent__name")),
    default=Value(""),
    output_field=CharField(),
)


def ledger_projects(rows):
    """The projects of the ledger, by area then name, each with ``district_id`` and ``district_name``
    (None and "" for a bundle across districts): those with a plan
    line, a receipt or a payment in the period, a request under review, or money carried into it."""
    in_period = Q(pk__in=rows.plans.values("project")) | Q(
        pk__in=rows.disbursements.filter(state=REQUESTED).values("project")
    )
    if rows.period.year is None:
        in_period |= Q(pk__in=rows.receipts.values("project")) | Q(
            pk__in=rows.disbursements.values("project")
        )
    else:
        start = rows.period.start
        in_period |= (
            Q(pk__in=rows.receipts.filter(received_on__gte=start).values("project"))
            | Q(pk__in=rows.disbursements.filter(state=RELEASED, paid_on__gte=start).values("project"))
            | Q(pk__in=_carrying_money(rows))
        )
    return (
        Project.objects.filter(in_period)
        .annotate(district_id=PROJECT_DISTRICT, district_name=DISTRICT_NAME)
        .only("name", "code")
        .order_by("region__path", "name", "pk")
    )


class SubqueryOrZero(Coalesce):
    """``Coalesce(subquery, 0)`` of a grouped query, grouped by the outer columns the subquery
    depends on (Django would group by the whole expression: PostgreSQL would run the subquery for
    every row before grouping them, instead of once per group)."""

    def get_group_by_cols(self):
        return self.get_source_expressions()[0].get_group_by_cols()


def _carrying_money(rows):
    """Projects with money left at the start of the year: received before it, less released before
    it, is not zero (per project; a source's own balance is never negative)."""
    start = rows.period.start
    released_before = (
        rows.disbursements.filter(state=RELEASED, paid_on__lt=start, project=OuterRef("project"))
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        rows.receipts.filter(received_on__lt=start)
        .values("project")
        .annotate(arrived=Sum("amount"))
        .filter(arrived__gt=SubqueryOrZero(Subquery(released_before), Value(ZERO)))
        .values("project")
    )


@dataclass
class ProjectBlock:
    """One project of the ledger with its rows by source, its total, and the labels of its
    warnings (set by the page)."""

    project: Project
    rows: list  # [SourceRow]
    subtotal: Sums
    warnings: list = field(default_factory=list)


def project_blocks(projects, sums, sources):
    """``projects`` (of ``ledger_projects``) with their rows by source, from ``sums`` (``sums_by``
    the rows by "project", "source": for a page, ``rows.for_projects(its ids)``)."""
    blocks = []
    for project in projects:
        rows_of = [
            SourceRow(source, sums[(project.pk, source.pk)])
            for source in sources.values()
            if (project.pk, source.pk) in sums and not sums[(project.pk, source.pk)].is_empty()
        ]
        blocks.append(ProjectBlock(project, rows_of, total(row.sums for row in rows_of)))
    return blocks
