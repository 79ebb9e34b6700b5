"""The dashboard's scope and drill-down over the hand-made city of tests/reports/test_progress.py:
a district's dashboard is its row of the city's progress, a street's carries no quota, a region
outside the user's area answers 404, and each level compares the one below it (districts by rate,
streets by compounds, a street's projects by percent done) with links one level down."""

import datetime

import pytest
from django.http import Http404
from django.test import RequestFactory

from org.models import Region
from reports.dashboard import compare, trend
from reports.dashboard.scope import CITY, DISTRICT, STREET, choose, previous_month_end
from reports.progress import progress
from tests.reports.test_progress import AFTER, City, assert_same, day

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(world):
    return City(world)


def scope_for(user, **query):
    request = RequestFactory().get("/dashboard/", {"year": 2025, "as_of": AFTER.isoformat(), **query})
    request.user = user
    return choose(request)


def test_a_districts_progress_read_alone_is_its_row_of_the_citys(town):
    city = progress(city=town.city, year=2025, as_of=AFTER)
    for district in (town.jia, town.yi):
        alone = progress(city=town.city, year=2025, as_of=AFTER, within=district)
        row = next(row for row in city.rows if row.region_id == district.pk)
        assert [r.region_id for r in alone.rows] == [district.pk]
        assert_same(alone.rows[0], row)
        assert alone.total.region_name == district.name
        assert alone.total.started_compounds == row.started_compounds
        assert alone.total.start_rate == row.start_rate


def test_a_streets_progress_counts_its_compounds_but_claims_no_quota(town):
    street = Region.objects.get(name="甲街道")
    alone = progress(city=town.city, year=2025, as_of=AFTER, within=street)
    assert alone.total.started_compounds == 3  # C1, C2, C3 by the end of August
    assert alone.total.completed_compounds == 2  # C1, C2 (P1 completed 06-30)
    assert alone.total.quota_compounds == 0
    assert alone.total.start_rate is None


def test_city_staff_start_at_the_city_and_district_staff_at_their_district(town):
    assert scope_for(town.staff).level == CITY
    district = scope_for(town.jia_staff)
    assert district.level == DISTRICT
    assert district.region == town.jia
    assert [region.name for region in district.trail] == ["测试市", "甲区"]


def test_a_district_outside_the_users_area_is_not_found(town):
    with pytest.raises(Http404):
        scope_for(town.jia_staff, region=town.yi.pk)
    with pytest.raises(Http404):
        scope_for(town.jia_staff, region="not-a-number")
    assert scope_for(town.staff, region=town.yi.pk).region == town.yi


def test_the_city_compares_its_districts_as_the_monthly_report_ranks_them(town):
    scope = scope_for(town.staff)
    section = compare.build(scope)
    bars = {bar["name"]: bar for bar in section.chart["bars"]}
    city = progress(city=town.city, year=2025, as_of=AFTER)
    for row in city.rows:
        assert bars[row.region_name]["start_rate"] == float(row.start_rate)
        assert bars[row.region_name]["completion_rate"] == float(row.completion_rate)
    assert bars["甲区"]["url"].endswith(f"region={town.jia.pk}")
    assert [row[0] for row in section.tables[0].rows] == [bar["name"] for bar in section.chart["bars"]]


def test_a_district_compares_its_streets_and_a_street_its_projects(town):
    district = compare.build(scope_for(town.staff, region=town.jia.pk))
    street = Region.objects.get(name="甲街道")
    assert district.chart["mode"] == "counts"
    (bar,) = district.chart["bars"]
    assert (bar["name"], bar["started"], bar["completed"], bar["projects"]) == ("甲街道", 3, 2, 2)
    assert bar["url"].endswith(f"region={street.pk}")

    in_street = scope_for(town.staff, region=street.pk)
    assert in_street.level == STREET
    projects = {bar["name"]: bar for bar in compare.build(in_street).chart["bars"]}
    # P1 reported 100 % on 06-30, P2 50 % on 08-20; each bar opens its project.
    assert {name: bar["percent"] for name, bar in projects.items()} == {town.p1.name: 100, town.p2.name: 50}
    assert projects[town.p2.name]["url"] == town.p2.get_absolute_url()


def test_the_trend_reads_each_month_as_the_report_read_on_its_last_day(town):
    scope = scope_for(town.staff)
    section = trend.build(scope)
    ends = trend.month_ends(2025, AFTER)
    assert section.chart["months"] == [f"2025-{m:02d}" for m in range(1, 9)]
    for end, started, completed in zip(
        ends, section.chart["started"], section.chart["completed"], strict=True
    ):
        report = progress(city=town.city, year=2025, as_of=end, user=town.staff)
        assert (started, completed) == (report.total.started_compounds, report.total.completed_compounds)
    assert section.chart["quota"] == 8
    assert section.chart["curve"][-1] == 5  # 8 × 8/12 = 5.33


def test_month_ends_stop_at_the_as_of_date_and_fill_a_past_year():
    assert trend.month_ends(2025, day(3, 10)) == [day(1, 31), day(2, 28), day(3, 10)]
    assert len(trend.month_ends(2024, day(3, 10))) == 12
    assert trend.month_ends(2026, day(3, 10)) == []
    assert previous_month_end(day(3, 10)) == day(2, 28)
    assert previous_month_end(datetime.date(2025, 1, 5)) == datetime.date(2024, 12, 31)
