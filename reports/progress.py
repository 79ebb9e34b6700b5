"""Quota progress (任务进度) of a city for a plan year, as of a date: per district and for the city,
the year's quota against the compounds started (开工) and completed (完工), their households,
buildings and floor area, the investment completed, the money received and paid, and the national
indicators of the completed projects.

Every figure is read from the selectors and models of the apps below (projects, funding), never
typed again; docs/reports.md (“Progress”) says where each one comes from. ``progress()`` runs the
same number of queries whatever the number of districts and projects: each figure is one GROUP BY
in SQL, and Python only adds up the handful of grouped rows.
"""

import datetime
import re
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from funding.ledger import (
    DISTRICT,
    PROJECT_DISTRICT,
    RELEASED,
    LedgerRows,
    Period,
    ledger_rows,
    percent,
    sums_by,
)
from funding.models import Disbursement, FundingPlanLine, FundReceipt
from org.models import Region
from projects.catalogue.indicators import indicator_factor
from projects.models import (
    AnnualQuota,
    Compound,
    ProgressReport,
    Project,
    ProjectCompound,
    ProjectItem,
    RenovationItem,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# The unit of an indicator: the one its label ends with, "加装电梯（部）" → 部, in the language the
# label is read in; without one, from the end of its code (the catalogue names a length "…_km" and
# an area "…_m2"), else a count.
LABEL_UNIT = re.compile(r"[（(]([^（）()]+)[）)]\s*$")
UNIT_SUFFIXES = (("_km", _("km")), ("_m2", "m²"))
COUNT_UNIT = _("pcs")


def _unit(code, label):
    found = LABEL_UNIT.search(str(label))
    if found:
        return found.group(1)
    for suffix, unit in UNIT_SUFFIXES:
        if code.endswith(suffix):
            return str(unit)
    return str(COUNT_UNIT)


def indicators():
    """[(code, label, unit)] of the catalogue's national indicators, in the catalogue's order (the
    label names its unit as the catalogue writes it)."""
    return [(code, label, _unit(code, label)) for code, label in RenovationItem.Indicator.choices if code]


class _Indicators:
    """``INDICATORS`` reads the catalogue's choices each time it is iterated (the catalogue's
    indicators are its own, and may grow)."""

    def __iter__(self):
        return iter(indicators())

    def __len__(self):
        return len(indicators())

    def __getitem__(self, index):
        return indicators()[index]


INDICATORS = _Indicators()

# Figures' fields by type, for to_dict/from_dict.
INT_FIELDS = (
    "quota_compounds", "quota_households", "quota_buildings",
    "started_compounds", "started_households", "started_buildings",
    "completed_compounds", "completed_households", "completed_buildings",
)  # fmt: skip
DECIMAL_FIELDS = (
    "quota_floor_area", "quota_investment", "started_floor_area", "completed_floor_area",
    "completed_investment", "funds_received", "funds_disbursed",
)  # fmt: skip
RATE_FIELDS = ("start_rate", "completion_rate", "investment_rate")


@dataclass
class Figures:
    """The progress of one district (or of the city: the total row). Areas in m², money in yuan,
    rates in percent with one place (None without a quota)."""

    region_id: int | None
    region_name: str
    quota_compounds: int = 0
    quota_households: int = 0
    quota_buildings: int = 0
    quota_floor_area: Decimal = ZERO
    quota_investment: Decimal = ZERO
    started_compounds: int = 0
    started_households: int = 0
    started_buildings: int = 0
    started_floor_area: Decimal = ZERO
    completed_compounds: int = 0
    completed_households: int = 0
    completed_buildings: int = 0
    completed_floor_area: Decimal = ZERO
    completed_investment: Decimal = ZERO
    funds_received: Decimal = ZERO
    funds_disbursed: Decimal = ZERO
    indicators: dict = field(default_factory=dict)
    start_rate: Decimal | None = None
    completion_rate: Decimal | None = None
    investment_rate: Decimal | None = None

    def add(self, values):
        """Add grouped sums ({field: number}) to these figures."""
        for name, value in values.items():
            if value is not None:
                setattr(self, name, getattr(self, name) + value)

    def rate(self):
        """Work out the three rates from the figures."""
        self.start_rate = percent(Decimal(self.started_compounds), self.quota_compounds)
        self.completion_rate = percent(Decimal(self.completed_compounds), self.quota_compounds)
        self.investment_rate = percent(self.completed_investment, self.quota_investment)
        return self

    def indicator(self, code):
        return self.indicators.get(code, ZERO)

    def to_dict(self):
        data = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "indicators":
                value = {code: str(amount) for code, amount in value.items()}
            elif isinstance(value, Decimal):
                value = str(value)
            data[f.name] = value
        return data

    @classmethod
    def from_dict(cls, data):
        values = dict(data)
        for name in DECIMAL_FIELDS:
            values[name] = Decimal(values[name])
        for name in RATE_FIELDS:
            values[name] = None if values[name] is None else Decimal(values[name])
        for name in INT_FIELDS:
            values[name] = int(values[name])
        values["indicators"] = {code: Decimal(amount) for code, amount in values["indicators"].items()}
        return cls(**values)


@dataclass
class Progress:
    """A city's progress for a plan year as of a date: one row per district (in region order) and
    the city's total."""

    city_id: int
    city_name: str
    year: int
    as_of: datetime.date
    rows: list
    total: Figures

    def to_dict(self):
        return {
            "city_id": self.city_id,
            "city_name": self.city_name,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "rows": [row.to_dict() for row in self.rows],
            "total": self.total.to_dict(),
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            city_id=data["city_id"],
            city_name=data["city_name"],
            year=int(data["year"]),
            as_of=datetime.date.fromisoformat(data["as_of"]),
            rows=[Figures.from_dict(row) for row in data["rows"]],
            total=Figures.from_dict(data["total"]),
        )


# --- The reads -------------------------------------------------------------------------------------


def year_projects(*, city, year, user=None, within=None):
    """The projects of ``city`` planned for ``year`` (those ``user`` may see when given; those whose
    area lies in the region ``within`` when given: a district or street of the city)."""
    projects = Project.objects.all() if user is None else Project.objects.restrict(user)
    projects = projects.filter(city=city, plan_year=year)
    if within is not None and within.pk != city.pk:
        projects = projects.filter(region__path__startswith=within.path)
    return projects.order_by()


def shown_regions(*, city, user=None, within=None):
    """(the city's districts shown, in region order; whether the whole city is shown): every
    district for the city's own jobs, the districts of the user's area otherwise; with ``within``
    (a district or street below the city), only the district holding it. One query."""
    regions = Region.objects.all() if user is None else Region.objects.restrict(user)
    found = list(regions.filter(Q(pk=city.pk) | Q(parent=city, level=Region.Level.DISTRICT)).order_by("path"))
    if within is not None and within.pk != city.pk:
        return [r for r in found if r.pk != city.pk and within.path.startswith(r.path)], False
    return [r for r in found if r.pk != city.pk], any(r.pk == city.pk for r in found)


def quota_figures(*, city, year, districts):
    """{region id: quota values} of the city and the districts for ``year``: one query."""
    quotas = AnnualQuota.objects.filter(year=year, region__in=[city.pk, *(d.pk for d in districts)])
    return {
        quota.region_id: {
            "quota_compounds": quota.compounds or 0,
            "quota_households": quota.households or 0,
            "quota_buildings": quota.buildings or 0,
            "quota_floor_area": quota.floor_area or ZERO,
            "quota_investment": quota.investment or ZERO,
        }
        for quota in quotas
    }


# Where a compound lies, by the level its figures are summed at.
COMPOUND_DISTRICT = "community__parent__parent"
COMPOUND_STREET = "community__parent"


def compound_figures(projects, as_of, by=COMPOUND_DISTRICT):
    """{district id: values} of the compounds of ``projects`` started and completed by ``as_of``,
    each compound once (in its own district) however many of the projects bundle it: two queries.
    ``by=COMPOUND_STREET``: the same per street (the dashboard's drill-down into a district).

    A compound is started when one of the projects holding it started construction by ``as_of``
    (``Project.started_on``), completed when one of them finished construction (``completed_on``)."""
    found = {}
    for state, fact in (("started", "started_on"), ("completed", "completed_on")):
        holding = ProjectCompound.objects.filter(
            compound=OuterRef("pk"), project__in=projects.values("pk"), **{f"project__{fact}__lte": as_of}
        )
        rows = (
            Compound.objects.filter(Exists(holding))
            .values(district=F(by))
            .annotate(
                **{
                    f"{state}_compounds": Count("pk"),
                    f"{state}_households": Sum("household_count"),
                    f"{state}_buildings": Sum("building_count"),
                    f"{state}_floor_area": Sum("floor_area"),
                }
            )
            .order_by()
        )
        for row in rows:
            found.setdefault(row.pop("district"), {}).update(row)
    return found


def investment_figures(projects, as_of):
    """{district id: {"completed_investment": yuan}}: per project the investment completed to date
    of its latest progress report dated by ``as_of``, summed per district: one query."""
    latest = (
        ProgressReport.objects.filter(project=OuterRef("pk"), reported_on__lte=as_of)
        .order_by("-reported_on", "-id")
        .values("investment_to_date")[:1]
    )
    rows = (
        projects.annotate(investment=Subquery(latest))
        .values(district=PROJECT_DISTRICT)
        .annotate(completed_investment=Sum("investment"))
        .order_by()
    )
    return {row["district"]: {"completed_investment": row["completed_investment"]} for row in rows}


def money_figures(projects, as_of, user=None):
    """{district id: {"funds_received", "funds_disbursed"}} from funding's ledger: receipts dated by
    ``as_of`` and disbursements released (paid) by it, counter-entries on their own dates, of
    ``projects``; for a user, the ledger rows they may read. Two queries (funding.ledger.sums_by)."""
    if user is None:
        rows = LedgerRows(
            FundingPlanLine.objects.none(), FundReceipt.objects.all(), Disbursement.objects.all(), Period()
        )
    else:
        rows = ledger_rows(user)
    ids = projects.values("pk")
    rows = LedgerRows(
        plans=FundingPlanLine.objects.none(),
        receipts=rows.receipts.filter(project__in=ids, received_on__lte=as_of),
        disbursements=rows.disbursements.filter(project__in=ids, state=RELEASED, paid_on__lte=as_of),
        period=Period(),
    )
    return {
        key[0]: {"funds_received": sums.received, "funds_disbursed": sums.released}
        for key, sums in sums_by(rows, district=DISTRICT).items()
    }


def indicator_figures(projects, as_of):
    """{district id: {indicator code: quantity}}: the items of the projects completed by ``as_of``
    summed by their catalogue item's national indicator, in the indicator's unit (pipes typed in 米
    count in 公里: ``indicator_factor``). One query."""
    rows = (
        ProjectItem.objects.filter(project__in=projects.filter(completed_on__lte=as_of).values("pk"))
        .exclude(item__indicator="")
        .values("item__indicator", "item__unit", district=DISTRICT)
        .annotate(quantity=Sum("quantity"))
        .order_by()
    )
    found = {}
    for row in rows:
        code = row["item__indicator"]
        amounts = found.setdefault(row["district"], {})
        quantity = row["quantity"] * indicator_factor(code, row["item__unit"])
        amounts[code] = amounts.get(code, ZERO) + quantity
    return found


def _fen(value):
    # Half up, as PostgreSQL's ROUND and a reader's pencil do (pipes in 米 → 公里 have a third place).
    return value.quantize(CENT, rounding=ROUND_HALF_UP) if isinstance(value, Decimal) else value


def progress(*, city, year, as_of, user=None, within=None):
    """The progress of ``city``'s plan year ``year`` as of ``as_of``: per district and in total.

    ``user`` None: the whole city (jobs, commands); with a user, the projects and money they may
    read and the districts of their area. ``within`` (a district or street of the city) narrows
    it to the projects there (the dashboard's drill-down): a district's figures are then its row of
    the city's, a street's carry no quota (quotas are the districts'). Eight queries (and the
    user's scope, read once)."""
    districts, whole_city = shown_regions(city=city, user=user, within=within)
    projects = year_projects(city=city, year=year, user=user, within=within)
    rows = {d.pk: Figures(region_id=d.pk, region_name=d.name) for d in districts}
    whole = within if within is not None else city
    total = Figures(region_id=whole.pk, region_name=whole.name)
    quotas = quota_figures(city=city, year=year, districts=districts)
    # A street has no quota of its own: its share of the district's would be made up.
    if within is None or within.level <= Region.Level.DISTRICT:
        for pk, row in rows.items():
            row.add(quotas.get(pk, {}))

    def counts(district):
        # Outside every district (a bundle across districts): in the city's total when it is shown.
        return district in rows or (district is None and whole_city)

    for figures in (
        compound_figures(projects, as_of),
        investment_figures(projects, as_of),
        money_figures(projects, as_of, user),
    ):
        for district, values in figures.items():
            if counts(district):
                values = {name: _fen(value) for name, value in values.items()}
                if district in rows:
                    rows[district].add(values)
                total.add(values)
    for district, amounts in indicator_figures(projects, as_of).items():
        if counts(district):
            for target in ([rows[district]] if district in rows else []) + [total]:
                for code, quantity in amounts.items():
                    target.indicators[code] = target.indicators.get(code, ZERO) + _fen(quantity)
    for row in rows.values():
        total.add({name: getattr(row, name) for name in _QUOTA_FIELDS})
    if whole_city and city.pk in quotas:
        # The province's quota to the city, not the sum of the districts' shares.
        for name in _QUOTA_FIELDS:
            setattr(total, name, quotas[city.pk][name])
    return Progress(
        city_id=city.pk,
        city_name=city.name,
        year=year,
        as_of=as_of,
        rows=[row.rate() for row in rows.values()],
        total=total.rate(),
    )


_QUOTA_FIELDS = (
    "quota_compounds",
    "quota_households",
    "quota_buildings",
    "quota_floor_area",
    "quota_investment",
)
