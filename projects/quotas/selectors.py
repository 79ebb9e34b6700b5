"""The quota table of a city for a year: the city's quota, each district's share, their sums, and
whether the shares add up to the city's quota, factor by factor."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import format_wan
from org.models import Region
from projects.models import AnnualQuota

# The factors a quota is given in, with their units: the four central money is allocated by, and
# investment (yuan, shown in 万元).
FACTORS = (
    ("compounds", gettext_lazy("number of compounds"), gettext_lazy("unit: compounds")),
    ("households", gettext_lazy("number of households"), gettext_lazy("unit: households")),
    ("buildings", gettext_lazy("number of buildings"), gettext_lazy("unit: buildings")),
    ("floor_area", gettext_lazy("building floor area"), "m²"),
    ("investment", gettext_lazy("quota investment"), gettext_lazy("10k yuan")),
)
FACTOR_NAMES = tuple(name for name, _label, _unit in FACTORS)


def _zero(name):
    return Decimal("0.00") if name in ("floor_area", "investment") else 0


def figure_text(name, value):
    """A figure as the page shows it: counts and m² with thousands separators, money in 万元."""
    if name == "investment":
        return format_wan(value)
    if name == "floor_area":
        return f"{value:,.2f}"
    return f"{value:,}"


@dataclass
class QuotaRow:
    region: Region
    quota: AnnualQuota | None

    def value(self, name):
        return getattr(self.quota, name) if self.quota is not None else _zero(name)


@dataclass
class Mismatch:
    factor: str
    label: str
    city: object
    districts: object

    def text(self):
        city, districts = figure_text(self.factor, self.city), figure_text(self.factor, self.districts)
        if self.factor in ("investment", "floor_area"):
            unit = _("10k yuan") if self.factor == "investment" else "m²"
            city, districts = f"{city} {unit}", f"{districts} {unit}"
        return _("%(factor)s (city %(city)s, districts together %(districts)s)") % {
            "factor": self.label,
            "city": city,
            "districts": districts,
        }


@dataclass
class QuotaTable:
    """``complete``: every district of the city is in ``district_rows`` (the sums and the warning
    are about the whole split only then)."""

    city: Region
    year: int
    city_row: QuotaRow | None
    district_rows: list
    complete: bool
    sums: dict = field(default_factory=dict)
    mismatches: list = field(default_factory=list)

    @property
    def has_quotas(self):
        rows = [self.city_row, *self.district_rows] if self.city_row else self.district_rows
        return any(row.quota is not None for row in rows)

    @property
    def warning(self):
        """“District shares do not add up to the city's quota: …” naming each factor that differs,
        or "" when they add up (or nothing is set for the year)."""
        if not self.mismatches:
            return ""
        return _("District shares do not add up to the city's quota: %(factors)s.") % {
            "factors": "；".join(m.text() for m in self.mismatches)
        }


def cities_of(user):
    """The cities whose quotas ``user`` may read, by their scope: a district's user reads its city."""
    cities = Region.objects.filter(level=Region.Level.CITY)
    paths = user.get_scope_paths()
    if paths is None:
        return cities
    wanted = Q(pk__in=[])
    for path in paths:
        codes = [code for code in path.split("/") if code]
        if len(codes) >= 2:
            wanted |= Q(path="".join(f"{code}/" for code in codes[:2]))
        else:  # a province-wide user
            wanted |= Q(path__startswith=path)
    return cities.filter(wanted)


def quota_table(city, year, *, user=None):
    """The quota table of ``city`` for ``year``: with ``user``, only the rows the user may read (a
    district reads its own share and the city's quota). Three queries, whatever the districts."""
    districts = list(Region.objects.filter(parent=city, level=Region.Level.DISTRICT).order_by("path"))
    quotas = AnnualQuota.objects.filter(year=year, region__path__startswith=city.path)
    if user is not None:
        quotas = AnnualQuota.objects.restrict(user).filter(year=year, region__path__startswith=city.path)
    by_region = {quota.region_id: quota for quota in quotas}
    shown = districts
    city_shown = True
    if user is not None:
        paths = user.get_scope_paths()
        if paths is not None:
            shown = [d for d in districts if any(d.path.startswith(p) or p.startswith(d.path) for p in paths)]
            city_shown = any(p.startswith(city.path) or city.path.startswith(p) for p in paths)
    complete = len(shown) == len(districts) and city_shown
    table = QuotaTable(
        city=city,
        year=year,
        city_row=QuotaRow(city, by_region.get(city.pk)) if city_shown else None,
        district_rows=[QuotaRow(district, by_region.get(district.pk)) for district in shown],
        complete=complete,
    )
    table.sums = {
        name: sum((row.value(name) for row in table.district_rows), _zero(name)) for name in FACTOR_NAMES
    }
    if complete and table.has_quotas:
        table.mismatches = [
            Mismatch(name, str(label), table.city_row.value(name), table.sums[name])
            for name, label, _unit in FACTORS
            if table.city_row.value(name) != table.sums[name]
        ]
    return table
