"""The demo city's annual quotas: 淄博's real figures for 2020–2022 (淄博市深入推进城镇老旧小区改造实施
方案, seeds/004) split to its eight districts and counties, and this year's quota sized to the demo
projects of this plan year, so that the progress pages' rates mean something. Every split adds up
to the city's quota exactly. Entered through the quota service by the city's administrator."""

import math
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from org.models import Region, User
from projects.models import AnnualQuota, Compound, Project
from projects.quotas.services import quota_save

# (year, compounds, households, buildings, floor area m², investment 万元). Compounds, households
# and floor area are the plan's; buildings and investment are plausible guesses (≈48 households a
# building, ≈300 元/m²), the plan naming neither.
ZIBO = (
    (2020, 34, 19900, 415, 2056700, 61700),
    (2021, 98, 29100, 610, 2982300, 89470),
    (2022, 69, 31200, 650, 3704500, 111135),
)
DOCUMENT = "淄政办字〔2020〕49号"
# Each district's share of the year's quota, by division code (张店 and 淄川 the largest); they
# shift a little from year to year, as the candidates declared by the districts do.
SHARES = {
    2020: {"370303": 26, "370302": 18, "370304": 12, "370305": 14, "370306": 10, "370321": 9, "370322": 5,
           "370323": 6},
    2021: {"370303": 24, "370302": 17, "370304": 13, "370305": 15, "370306": 11, "370321": 8, "370322": 6,
           "370323": 6},
    2022: {"370303": 25, "370302": 16, "370304": 12, "370305": 15, "370306": 10, "370321": 9, "370322": 6,
           "370323": 7},
}  # fmt: skip
YUAN_PER_M2 = 300
# This year: the districts without a project of the year still get a small quota (nothing started
# there yet: the ranking's last places).
EXTRA_COMPOUNDS = 2


def split(total, weights):
    """``total`` (a whole number) split by ``weights`` in whole numbers that add up to it exactly
    (largest remainder; ties go to the larger weight, then to the earlier)."""
    whole = sum(weights)
    exact = [Decimal(total) * w / whole for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), -weights[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def seed_quotas(city):
    """Quotas of 2020–2022 and of this year, once. Returns how many were saved."""
    if AnnualQuota.objects.filter(region__path__startswith=city.path).exists():
        return 0
    admin = User.objects.get(username="city_admin")
    districts = list(Region.objects.filter(parent=city, level=Region.Level.DISTRICT).order_by("path"))
    saved = 0
    for year, compounds, households, buildings, area, investment in ZIBO:
        weights = [SHARES[year].get(d.code, 1) for d in districts]
        figures = {
            "compounds": split(compounds, weights),
            "households": split(households, weights),
            "buildings": split(buildings, weights),
            "floor_area": split(area, weights),
            "investment": split(investment, weights),
        }
        quota_save(actor=admin, region=city, year=year, **_figures(compounds, households, buildings, area,
                                                                     investment), note=DOCUMENT)  # fmt: skip
        for index, district in enumerate(districts):
            quota_save(
                actor=admin, region=district, year=year, **_figures(*(figures[k][index] for k in figures))
            )
        saved += 1 + len(districts)
    return saved + seed_this_year(city, districts, admin)


def _figures(compounds, households, buildings, area, investment_wan):
    return {
        "compounds": compounds,
        "households": households,
        "buildings": buildings,
        "floor_area": Decimal(area).quantize(Decimal("0.01")),
        "investment": Decimal(investment_wan * 10000).quantize(Decimal("0.01")),
    }


def seed_this_year(city, districts, admin):
    """This year's quota: each district's compounds in projects of this plan year, plus two more
    like them (the rest of the year's candidates); a district with demo projects of other years
    only gets two of the city's average compound. The city's quota is the districts' sum."""
    year = timezone.localdate().year
    planned = {}
    for district in districts:
        planned[district.pk] = Compound.objects.filter(
            community__path__startswith=district.path, projects__plan_year=year, projects__city=city
        ).aggregate(n=Count("pk", distinct=True), households=Sum("household_count"),
                    buildings=Sum("building_count"), area=Sum("floor_area"))  # fmt: skip
    average = Compound.objects.filter(city=city).aggregate(
        n=Count("pk"),
        households=Sum("household_count"),
        buildings=Sum("building_count"),
        area=Sum("floor_area"),
    )
    # Districts that run demo projects in other years (淄川, 博山) have a quota with nothing started yet:
    # the ranking's last place. The others have none this year and stay out of the ranking.
    running = {
        district.pk
        for district in districts
        if Project.objects.filter(city=city, region__path__startswith=district.path).exists()
    }
    rows, saved = [], 0
    for district in districts:
        if district.pk not in running:
            continue
        mine = planned[district.pk]
        base = mine if mine["n"] else average
        per = {k: Decimal(base[k] or 0) / max(base["n"], 1) for k in ("households", "buildings", "area")}
        n = (mine["n"] or 0) + EXTRA_COMPOUNDS
        area = int((Decimal(mine["area"] or 0) + per["area"] * EXTRA_COMPOUNDS).to_integral_value())
        rows.append((district, _figures(
            n,
            int((mine["households"] or 0) + per["households"] * EXTRA_COMPOUNDS),
            int((mine["buildings"] or 0) + math.ceil(per["buildings"] * EXTRA_COMPOUNDS)),
            area,
            (area * YUAN_PER_M2 + 9999) // 10000,
        )))  # fmt: skip
    total = {k: sum((figures[k] for _d, figures in rows), type(rows[0][1][k])(0)) for k in rows[0][1]}
    quota_save(actor=admin, region=city, year=year, **total, note="省下达年度任务（演示）")
    for district, figures in rows:
        quota_save(actor=admin, region=district, year=year, **figures)
        saved += 1
    return saved + 1
