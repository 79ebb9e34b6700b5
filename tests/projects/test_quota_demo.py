"""The demo city carries 淄博's real quotas for 2020–2022 and this year's quota sized to its projects,
every split adding up; the synthetic province carries a quota per city and district for each plan
year of its projects, also adding up."""

import importlib
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from org.models import Region
from projects.demo.quotas import split
from projects.models import AnnualQuota, Project
from projects.quotas.selectors import quota_table

indicators = importlib.import_module("projects.migrations.0010_annual_quotas_and_indicators_by_kind")


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (34, [26, 18, 12, 14, 10, 9, 5, 6], [9, 6, 4, 5, 3, 3, 2, 2]),
        (5, [1, 1, 1], [2, 2, 1]),
        (0, [3, 1], [0, 0]),
    ],
)
def test_a_split_adds_up_to_its_total_exactly(total, weights, parts):
    assert split(total, weights) == parts and sum(parts) == total


def test_the_demo_city_has_zibos_real_quotas_and_this_years_sized_to_its_projects(db):
    call_command("seed_demo", password="Demo#2026zb", stdout=StringIO())
    city = Region.objects.get(code="370300")
    real = {2020: (34, 19900, Decimal("2056700")), 2021: (98, 29100, Decimal("2982300")),
            2022: (69, 31200, Decimal("3704500"))}  # fmt: skip
    for year, (compounds, households, area) in real.items():
        table = quota_table(city, year)
        quota = table.city_row.quota
        assert (quota.compounds, quota.households, quota.floor_area) == (compounds, households, area)
        assert quota.buildings > 0 and quota.investment > 0
        assert len(table.district_rows) == 8 and all(row.quota for row in table.district_rows)
        assert table.warning == "", (year, table.warning)

    year = timezone.localdate().year
    table = quota_table(city, year)
    assert table.warning == ""
    planned = Project.objects.filter(city=city, plan_year=year).values("compounds").distinct().count()
    assert table.city_row.quota.compounds == planned + 2 * 3
    quotas = {row.region.name: row.quota.compounds for row in table.district_rows if row.quota}
    # 张店's projects of the year and two more; 淄川 and 博山, which run projects of other years, two
    # each with nothing started yet; the other districts have no quota this year.
    assert set(quotas) == {"张店区", "淄川区", "博山区"}
    assert quotas["张店区"] == planned + 2 and quotas["淄川区"] == quotas["博山区"] == 2

    # Seeding again adds nothing.
    count = AnnualQuota.objects.count()
    call_command("seed_demo", password="Demo#2026zb", stdout=StringIO())
    assert AnnualQuota.objects.count() == count


def test_the_synthetic_province_has_quotas_that_add_up_and_replace_deletes_them(db):
    out = StringIO()
    call_command("generate_synthetic", "--scale", "district", "--seed", "3", stdout=out)
    assert "annual quotas" in out.getvalue()
    city = Region.objects.get(path__startswith="379900/", level=Region.Level.CITY)
    years = sorted(set(Project.objects.filter(city=city).values_list("plan_year", flat=True)))
    assert sorted(set(AnnualQuota.objects.filter(region=city).values_list("year", flat=True))) == years
    for year in years:
        table = quota_table(city, year)
        assert table.warning == "" and table.city_row.quota.compounds >= 1
    call_command("generate_synthetic", "--scale", "district", "--seed", "3", "--replace", stdout=StringIO())
    assert AnnualQuota.objects.filter(region__path__startswith="379900/").count() == 2 * len(years)


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("water_supply", "供水管网改造", "pipelines_water_km"),
        ("rain_sewage_separation", "雨污分流改造", "pipelines_drainage_km"),
        ("item-61", "老旧自来水管更换", "pipelines_water_km"),
        ("item-62", "小区污水管道疏通改造", "pipelines_drainage_km"),
        ("item-63", "天然气立管改造", "pipelines_gas_km"),
        ("item-64", "暖气管道更换", "pipelines_heating_km"),
        ("item-65", "弱电线缆入地", "pipelines_power_telecom_km"),
        ("item-66", "地下管线综合整治", ""),
    ],
)
def test_the_old_pipelines_indicator_is_split_by_kind(code, name, kind):
    assert indicators.kind_of(SimpleNamespace(code=code, name=name)) == kind
