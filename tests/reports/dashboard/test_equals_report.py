"""For the same date, every number the dashboard shows that the monthly report also shows equals the
report's: the KPI cards (the total row, and its change since the end of last month), the districts
compared (the report's ranking), each month's point of the trend (the report's total as of that
month's end), the national indicators and the money received and paid.

Over the demo city (seed_demo) as the leader and as the district staff, and over a small city made
here whose figures are also worked out by hand."""

import calendar
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from org.models import Region, User
from projects.models import AnnualQuota, ProgressReport, Project, ProjectItem
from reports.dashboard.figures import in_wan
from reports.dashboard.scope import Scope
from reports.dashboard.sections import build_sections
from reports.monthly.services import month_of, monthly_numbers
from reports.progress import Progress, indicators
from tests.factories import compound_in, project_in, renovation_item
from tests.funding.factories import disbursement_in, receipt_in

# --- The report's side ----------------------------------------------------------------------------


def report_of(city, as_of):
    """(Progress, ranking) of the monthly report of ``as_of``'s month read as of ``as_of``: the
    numbers a report built that day freezes."""
    numbers = monthly_numbers(city=city, month=month_of(as_of), as_of=as_of)
    return Progress.from_dict(numbers["progress"]), numbers["ranking"]


def month_ends(as_of):
    """The last day of January … of the month before ``as_of``'s, then ``as_of`` (written out here,
    not read from the trend's own helper)."""
    ends = [
        datetime.date(as_of.year, month, calendar.monthrange(as_of.year, month)[1])
        for month in range(1, as_of.month)
    ]
    return [*ends, as_of]


def previous_end(as_of):
    return as_of.replace(day=1) - datetime.timedelta(days=1)


def row_named(progress, region):
    """The report's figures of ``region``: its district row, or the total for the city."""
    if region.level == Region.Level.CITY:
        return progress.total
    return next(row for row in progress.rows if row.region_id == region.pk)


# --- The dashboard's side -------------------------------------------------------------------------


def dashboard(user, city, as_of, region=None):
    scope = Scope(user=user, city=city, year=as_of.year, as_of=as_of, region=region or city)
    return {section.key: section for section in build_sections(scope)}


def cards_of(sections):
    return {card.key: card for card in sections["kpis"].data}


def assert_cards_equal_report(sections, figures, before):
    """The KPI cards read the report's row ``figures``; their changes, the row ``before`` of the
    report as of last month's end."""
    cards = cards_of(sections)
    compounds, households, area, investment = (
        cards["compounds"], cards["households"], cards["floor_area"], cards["investment"]
    )  # fmt: skip
    assert (compounds.quota, compounds.started, compounds.completed) == (
        figures.quota_compounds, figures.started_compounds, figures.completed_compounds
    )  # fmt: skip
    assert (compounds.start_rate, compounds.completion_rate) == (figures.start_rate, figures.completion_rate)
    assert (households.quota, households.started, households.completed) == (
        figures.quota_households, figures.started_households, figures.completed_households
    )  # fmt: skip
    assert (area.quota, area.started, area.completed) == (
        in_wan(figures.quota_floor_area), in_wan(figures.started_floor_area), in_wan(figures.completed_floor_area)
    )  # fmt: skip
    assert (investment.quota, investment.completed, investment.completion_rate) == (
        in_wan(figures.quota_investment), in_wan(figures.completed_investment), figures.investment_rate
    )  # fmt: skip
    assert (compounds.started_change, compounds.completed_change) == (
        figures.started_compounds - before.started_compounds,
        figures.completed_compounds - before.completed_compounds,
    )
    assert (households.started_change, households.completed_change) == (
        figures.started_households - before.started_households,
        figures.completed_households - before.completed_households,
    )
    assert (area.started_change, area.completed_change) == (
        in_wan(figures.started_floor_area) - in_wan(before.started_floor_area),
        in_wan(figures.completed_floor_area) - in_wan(before.completed_floor_area),
    )
    assert investment.completed_change == in_wan(figures.completed_investment) - in_wan(
        before.completed_investment
    )
    # The cards' table holds the same numbers as the cards.
    table = sections["kpis"].tables[0]
    assert [row[2:] for row in table.rows] == [
        [
            c.quota,
            c.started,
            c.start_rate,
            c.completed,
            c.completion_rate,
            c.started_change,
            c.completed_change,
        ]
        for c in (compounds, households, area, investment)
    ]


def assert_districts_equal_ranking(sections, ranking):
    """The districts compared are the report's ranking: same order, ranks, figures and marks."""
    section = sections["compare"]
    table = section.tables[0]
    expected = [
        [
            row["figures"]["region_name"],
            row["rank"],
            row["figures"]["quota_compounds"],
            row["figures"]["started_compounds"],
            None if row["figures"]["start_rate"] is None else Decimal(row["figures"]["start_rate"]),
            row["figures"]["completed_compounds"],
            None if row["figures"]["completion_rate"] is None else Decimal(row["figures"]["completion_rate"]),
            in_wan(Decimal(row["figures"]["completed_investment"])),
            bool(row["last"]),
        ]
        for row in ranking
    ]
    shown = [[*cells[:-1], bool(cells[-1])] for cells in table.rows]
    assert shown == expected
    bars = section.chart["bars"]
    assert [(bar["name"], bar["rank"], bar["last"]) for bar in bars] == [
        (row["figures"]["region_name"], row["rank"], row["last"]) for row in ranking
    ]
    assert [(bar["start_rate"], bar["completion_rate"]) for bar in bars] == [
        (
            None if row["figures"]["start_rate"] is None else float(row["figures"]["start_rate"]),
            None if row["figures"]["completion_rate"] is None else float(row["figures"]["completion_rate"]),
        )
        for row in ranking
    ]


def assert_trend_equals_reports(sections, city, as_of, region):
    """Each month's point is the report's figure of the area as of that month's end."""
    chart = sections["trend"].chart
    ends = month_ends(as_of)
    assert chart["months"] == [f"{end:%Y-%m}" for end in ends]
    expected = [row_named(report_of(city, end)[0], region) for end in ends]
    assert chart["started"] == [figures.started_compounds for figures in expected]
    assert chart["completed"] == [figures.completed_compounds for figures in expected]
    assert chart["quota"] == (row_named(report_of(city, as_of)[0], region).quota_compounds or None)
    table = sections["trend"].tables[0]
    assert [(row[2], row[3]) for row in table.rows] == list(
        zip(chart["started"], chart["completed"], strict=True)
    )


def assert_indicators_equal_report(sections, figures):
    """The national indicators of the mix are the report's cells, every indicator in its order."""
    rows = sections["mix"].tables[1].rows
    assert [row[1] for row in rows] == [figures.indicator(code) for code, _label, _unit in indicators()]


def assert_money_equals_report(sections, figures):
    """The money received and paid out (every source) are the report's funds received and disbursed."""
    money = sections["money"]
    assert (money.data["received"], money.data["released"]) == (
        figures.funds_received,
        figures.funds_disbursed,
    )
    if money.tables[0].total is not None:
        assert money.tables[0].total[2:4] == [in_wan(figures.funds_received), in_wan(figures.funds_disbursed)]
    else:
        assert figures.funds_received == figures.funds_disbursed == 0


def assert_dashboard_equals_report(user, city, as_of, region=None):
    region = region or city
    sections = dashboard(user, city, as_of, region if region.pk != city.pk else None)
    progress, ranking = report_of(city, as_of)
    before, _ranking = report_of(city, previous_end(as_of))
    assert_cards_equal_report(sections, row_named(progress, region), row_named(before, region))
    if region.level == Region.Level.CITY:
        assert_districts_equal_ranking(sections, ranking)
    assert_trend_equals_reports(sections, city, as_of, region)
    if "mix" in sections:
        assert_indicators_equal_report(sections, row_named(progress, region))
    if "money" in sections:
        assert_money_equals_report(sections, row_named(progress, region))
    return sections, progress


# --- The demo city --------------------------------------------------------------------------------


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", password="Demo#2026zb", stdout=io.StringIO())
    return Region.objects.get(code="370300")


def test_the_demo_leaders_dashboard_shows_the_monthly_reports_numbers_today(demo):
    leader = User.objects.get(username="leader")
    today = timezone.localdate()
    sections, progress = assert_dashboard_equals_report(leader, demo, today)
    # Not an empty city: the comparison compares something.
    assert progress.total.started_compounds > 0 and progress.total.quota_compounds > 0
    assert len(sections["compare"].tables[0].rows) == len(progress.rows) > 1


def test_the_demo_leaders_dashboard_shows_the_reports_numbers_at_a_past_month_end(demo):
    leader = User.objects.get(username="leader")
    # The last day of last month (in January, of last year's plan: the year follows the date).
    assert_dashboard_equals_report(leader, demo, previous_end(timezone.localdate()))


def test_the_demo_city_staffs_dashboard_shows_the_reports_numbers(demo):
    assert_dashboard_equals_report(User.objects.get(username="city_admin"), demo, timezone.localdate())


def test_the_demo_district_staffs_dashboard_is_the_reports_row_of_their_district(demo):
    user = User.objects.get(username="district_staff")
    today = timezone.localdate()
    scope_region = Region.objects.get(path=next(iter(user.get_scope_paths())))
    assert scope_region.level == Region.Level.DISTRICT
    sections, progress = assert_dashboard_equals_report(user, demo, today, scope_region)
    assert row_named(progress, scope_region).started_compounds > 0
    # Its streets add up to the district's row.
    streets = sections["compare"].tables[0].rows
    figures = row_named(progress, scope_region)
    assert sum(row[2] for row in streets) == figures.started_compounds
    assert sum(row[3] for row in streets) == figures.completed_compounds
    assert sum(row[4] for row in streets) == figures.started_households
    assert sum(row[5] for row in streets) == figures.completed_households


def test_the_demo_dashboard_page_shows_the_reports_numbers(demo, client):
    """Through the page as the leader lands on it (the home of the scope chosen from the query)."""
    leader = User.objects.get(username="leader")
    client.force_login(leader)
    today = timezone.localdate()
    response = client.get("/dashboard/", {"city": demo.pk, "year": today.year, "as_of": today.isoformat()})
    assert response.status_code == 200
    sections = {section.key: section for section in response.context["sections"]}
    progress, ranking = report_of(demo, today)
    before, _ranking = report_of(demo, previous_end(today))
    assert_cards_equal_report(sections, progress.total, before.total)
    assert_districts_equal_ranking(sections, ranking)


# --- A city made by hand --------------------------------------------------------------------------

AS_OF = datetime.date(2026, 10, 31)


def district_b_community(world):
    return Region.objects.filter(
        path__startswith=world.district_b.path, level=Region.Level.COMMUNITY
    ).order_by("path")[0]


@pytest.fixture
def made(world):
    """Two districts with quotas (张店区 4 compounds, 500 households, 20,000 m², ¥3,000,000; 淄川区
    2, 300, 10,000 m², ¥1,000,000) and four projects of 2026:

    - P1 over A1 (120 households, 9,000 m²) and A2 (80, 6,000 m²) in 张店区: started 03-10, completed
      09-20; reports ¥400,000 on 06-30 and ¥900,000 on 09-20; 10 lifts; ¥600,000 received 05-10 and
      ¥100,000 paid 05-10 (another ¥50,000 still in review);
    - P2 over A3 (50, 3,000 m²) in 张店区: started 10-08; ¥100,000 reported 10-20, ¥200,000 on 11-20
      (after the date);
    - P3 over B1 (100, 5,000 m²) in 淄川区: started 05-15; ¥300,000 reported 08-01; ¥200,000 received
      06-01 and ¥70,000 more on 11-05 (after the date);
    - P4 over B2 (60, 4,000 m²) in 淄川区: not started.
    """
    for region, (compounds, households, area, investment) in (
        (world.district_a, (4, 500, "20000.00", "3000000.00")),
        (world.district_b, (2, 300, "10000.00", "1000000.00")),
    ):
        AnnualQuota.objects.update_or_create(
            region=region, year=2026,
            defaults={"compounds": compounds, "households": households, "buildings": 10,
                      "floor_area": Decimal(area), "investment": Decimal(investment)},
        )  # fmt: skip
    b = district_b_community(world)
    a1 = compound_in(world.community_a, household_count=120, building_count=3, floor_area=Decimal("9000.00"))
    a2 = compound_in(world.community_a, household_count=80, building_count=2, floor_area=Decimal("6000.00"))
    a3 = compound_in(world.community_b, household_count=50, building_count=1, floor_area=Decimal("3000.00"))
    b1 = compound_in(b, household_count=100, building_count=2, floor_area=Decimal("5000.00"))
    b2 = compound_in(b, household_count=60, building_count=2, floor_area=Decimal("4000.00"))
    d = datetime.date
    p1 = project_in(a1, a2, stage="handover")
    p2 = project_in(a3, stage="construction")
    p3 = project_in(b1, stage="construction")
    p4 = project_in(b2, stage="design")
    Project.objects.filter(pk=p1.pk).update(started_on=d(2026, 3, 10), completed_on=d(2026, 9, 20))
    Project.objects.filter(pk=p2.pk).update(started_on=d(2026, 10, 8))
    Project.objects.filter(pk=p3.pk).update(started_on=d(2026, 5, 15))
    city = world["city"]
    for project, on, amount in (
        (p1, d(2026, 6, 30), "400000.00"),
        (p1, d(2026, 9, 20), "900000.00"),
        (p2, d(2026, 10, 20), "100000.00"),
        (p2, d(2026, 11, 20), "200000.00"),
        (p3, d(2026, 8, 1), "300000.00"),
    ):
        ProgressReport.objects.create(
            project=project, reported_on=on, percent=50, investment_to_date=Decimal(amount), reported_by=city
        )
    lifts = renovation_item(indicator="lifts", unit="部")
    ProjectItem.objects.create(project=p1, item=lifts, quantity=Decimal("10"))
    ProjectItem.objects.create(project=p3, item=lifts, quantity=Decimal("4"))  # not completed: no count
    receipt_in(p1, city, amount="600000.00", on=d(2026, 5, 10))
    receipt_in(p3, city, amount="200000.00", on=d(2026, 6, 1))
    receipt_in(p3, city, amount="70000.00", on=d(2026, 11, 5))
    disbursement_in(p1, city, amount="100000.00", paid_on=d(2026, 5, 10))
    disbursement_in(p1, city, amount="50000.00", state="requested")
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4}


def test_the_made_citys_dashboard_shows_the_figures_worked_out_by_hand(world, made):
    sections = dashboard(world["leader"], world.city, AS_OF)
    cards = cards_of(sections)
    compounds, households, area, investment = (
        cards["compounds"], cards["households"], cards["floor_area"], cards["investment"]
    )  # fmt: skip
    # Quota 4 + 2; started A1, A2, A3, B1; completed A1, A2; at the end of September A3 had not started.
    assert (compounds.quota, compounds.started, compounds.completed) == (6, 4, 2)
    assert (compounds.start_rate, compounds.completion_rate) == (Decimal("66.7"), Decimal("33.3"))
    assert (compounds.started_change, compounds.completed_change) == (1, 0)
    assert (households.quota, households.started, households.completed) == (800, 350, 200)
    assert (households.start_rate, households.completion_rate) == (Decimal("43.8"), Decimal("25.0"))
    assert (households.started_change, households.completed_change) == (50, 0)
    assert (area.quota, area.started, area.completed) == (Decimal("3.00"), Decimal("2.30"), Decimal("1.50"))
    assert (area.started_change, area.completed_change) == (Decimal("0.30"), Decimal("0.00"))
    # P1's latest report by the date (¥900,000), P2's (¥100,000), P3's (¥300,000) of ¥4,000,000.
    assert (investment.quota, investment.completed, investment.completion_rate) == (
        Decimal("400.00"), Decimal("130.00"), Decimal("32.5")
    )  # fmt: skip
    assert investment.completed_change == Decimal("10.00")  # P2's ¥100,000 reported in October

    ranked = {row[0]: row for row in sections["compare"].tables[0].rows}
    assert ranked["张店区"][1:8] == [1, 4, 3, Decimal("75.0"), 2, Decimal("50.0"), Decimal("100.00")]
    assert ranked["淄川区"][1:8] == [2, 2, 1, Decimal("50.0"), 0, Decimal("0.0"), Decimal("30.00")]
    # The city has eight districts: the last two with a rate are marked, here both.
    assert ranked["张店区"][8] and ranked["淄川区"][8]
    assert all(row[1] == 3 and not row[8] for name, row in ranked.items() if name not in ("张店区", "淄川区"))

    trend = sections["trend"].chart
    assert trend["months"] == [f"2026-{month:02d}" for month in range(1, 11)]
    assert trend["started"] == [0, 0, 2, 2, 3, 3, 3, 3, 3, 4]
    assert trend["completed"] == [0, 0, 0, 0, 0, 0, 0, 0, 2, 2]
    assert trend["quota"] == 6

    # And the report says the same.
    progress, _ranking = report_of(world.city, AS_OF)
    assert progress.total.funds_received == Decimal("800000.00")
    assert progress.total.funds_disbursed == Decimal("100000.00")
    assert progress.total.indicators == {"lifts": Decimal("10.00")}
    assert_dashboard_equals_report(world["leader"], world.city, AS_OF)
    if "mix" in sections:
        codes = [code for code, _label, _unit in indicators()]
        quantities = dict(zip(codes, (row[1] for row in sections["mix"].tables[1].rows), strict=True))
        assert quantities["lifts"] == Decimal("10.00")
        assert all(quantity == 0 for code, quantity in quantities.items() if code != "lifts")
    if "money" in sections:
        assert (sections["money"].data["received"], sections["money"].data["released"]) == (
            Decimal("800000.00"), Decimal("100000.00")
        )  # fmt: skip


@pytest.mark.parametrize("persona", ["leader", "city"])
def test_a_city_users_dashboard_of_the_made_city_equals_the_report(world, made, persona):
    assert_dashboard_equals_report(world[persona], world.city, AS_OF)


def test_the_district_users_dashboard_of_the_made_city_is_the_reports_row_of_their_district(world, made):
    sections, _progress = assert_dashboard_equals_report(
        world["district"], world.city, AS_OF, world.district_a
    )
    cards = cards_of(sections)
    assert (cards["compounds"].quota, cards["compounds"].started, cards["compounds"].completed) == (4, 3, 2)
    assert cards["investment"].completed == Decimal("100.00")
    assert sections["trend"].chart["started"] == [0, 0, 2, 2, 2, 2, 2, 2, 2, 3]


def test_the_dashboard_drilled_into_a_district_is_the_reports_row_of_that_district(world, made):
    for district in (world.district_a, world.district_b):
        assert_dashboard_equals_report(world["leader"], world.city, AS_OF, district)
