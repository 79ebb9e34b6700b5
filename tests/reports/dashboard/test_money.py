"""Money by source on the dashboard: the hand-made city of tests/reports/test_progress.py, whose
money is worked out there by hand. As of 2025-08-31 its plan-2025 projects have received
¥1,650,000 (甲区 P1 ¥1,050,000, 乙区 P3 ¥600,000; P2's receipt comes on 09-01, P1's counter-entry
on 09-05, P5 is of plan year 2024) and paid out ¥650,000 (P1 ¥400,000, P3 ¥250,000 and a payment
of ¥30,000 taken back); all from the city budget.

Idle on 2025-08-31 (no policy: 90 days, cutoff 2025-06-02): P1's ¥1,050,000 arrived before the
cutoff, ¥400,000 of it was paid on 04-20 and nothing moved since (its request is made later, in
2026), so ¥650,000 lies idle; P3 paid on 08-31, so none of its money is idle."""

import datetime
from decimal import Decimal

import pytest

from reports.dashboard import money
from reports.dashboard.figures import in_wan
from reports.dashboard.scope import Scope
from tests.funding.factories import disbursement_in, plan_line_in, receipt_in
from tests.reports.test_progress import AFTER, City

D = Decimal


@pytest.fixture
def town(world):
    return City(world)


def scope_of(user, city, region=None, as_of=AFTER, year=2025):
    return Scope(user=user, city=city, year=year, as_of=as_of, region=region or city)


def test_money_totals_equal_the_monthly_reports_funds_received_and_disbursed(town):
    scope = scope_of(town.staff, town.city)
    section = money.build(scope)
    assert scope.progress.total.funds_received == D("1650000.00")
    assert section.data["received"] == scope.progress.total.funds_received
    assert section.data["released"] == scope.progress.total.funds_disbursed == D("650000.00")
    table = section.tables[0]
    assert table.total[2] == in_wan(scope.progress.total.funds_received)
    assert table.total[3] == in_wan(scope.progress.total.funds_disbursed)


def test_money_by_source_reads_each_source_in_its_order_with_its_idle_money(town):
    plan_line_in(town.p1, source="central_subsidy", year=2025, amount="2000000.00")
    plan_line_in(town.p1, source="city_budget", year=2025, amount="1500000.00")
    plan_line_in(town.p3, source="city_budget", year=2026, amount="500000.00")  # a later year counts too
    section = money.build(scope_of(town.staff, town.city))
    rows = {row[0]: row[1:] for row in section.tables[0].rows}
    assert list(rows) == ["中央补助资金", "市级财政资金"]
    assert rows["中央补助资金"][:4] == [D("200.00"), D("0.00"), D("0.00"), D("0.00")]
    # planned 200 万; received 165; disbursed 65; idle 65 (P1's); 82.5 % arrived; 39.4 % paid out
    assert rows["市级财政资金"] == [D("200.00"), D("165.00"), D("65.00"), D("65.00"), D("82.5"), D("39.4")]
    assert section.tables[0].total[1:5] == [D("400.00"), D("165.00"), D("65.00"), D("65.00")]
    series = {line["key"]: line["values"] for line in section.chart["series"]}
    assert series == {
        "planned": [200.0, 200.0], "received": [0.0, 165.0], "released": [0.0, 65.0], "idle": [0.0, 65.0]
    }  # fmt: skip
    assert section.chart["sources"] == ["中央补助资金", "市级财政资金"]


def test_money_dated_after_the_day_does_not_count(town):
    before = datetime.date(2025, 4, 5)  # P1's ¥1,050,000 arrived, P3's not yet; nothing paid
    scope = scope_of(town.staff, town.city, as_of=before)
    section = money.build(scope)
    assert section.data["received"] == scope.progress.total.funds_received == D("1050000.00")
    assert section.data["released"] == scope.progress.total.funds_disbursed == D("0.00")
    assert section.data["idle"] == D("0.00")  # arrived within 90 days


def test_a_district_user_sees_only_their_districts_money(town):
    scope = scope_of(town.jia_staff, town.city, region=town.jia)
    section = money.build(scope)
    assert section.data["received"] == scope.progress.total.funds_received == D("1050000.00")
    assert section.data["released"] == scope.progress.total.funds_disbursed == D("400000.00")
    assert section.data["idle"] == D("650000.00")


def test_the_city_drilled_into_a_district_reads_that_districts_money(town):
    scope = scope_of(town.staff, town.city, region=town.yi)
    section = money.build(scope)
    assert section.data["received"] == scope.progress.total.funds_received == D("600000.00")
    assert section.data["released"] == scope.progress.total.funds_disbursed == D("250000.00")
    assert section.data["idle"] == D("0.00")


def test_the_section_links_to_the_funding_ledger_for_its_readers(town):
    section = money.build(scope_of(town.jia_staff, town.city, region=town.jia))
    assert section.data["ledger_url"] == f"/funding/ledger/?year=&district={town.jia.pk}"
    assert all(link.startswith("/funding/ledger/?year=&district=") for link in section.tables[0].links)


def test_a_city_without_money_shows_no_chart(world):
    section = money.build(scope_of(world.personas["city"], world.city, year=2031))
    assert section.chart is None
    assert section.tables[0].rows == []


def assert_queries(scope, expected, django_assert_num_queries):
    money.build(scope)  # the user's roles and area, read once per request
    with django_assert_num_queries(expected):
        money.build(scope)


def test_money_runs_six_queries_with_one_row_or_many(town, django_assert_num_queries):
    assert_queries(scope_of(town.staff, town.city), 6, django_assert_num_queries)
    for project in (town.p1, town.p2, town.p3, town.p4):
        for source in ("central_subsidy", "provincial_subsidy", "district_budget", "residents_cash"):
            plan_line_in(project, source=source, year=2025, amount="300000.00")
            receipt_in(project, town.staff, source=source, amount="100000.00", on=datetime.date(2025, 3, 1))
            disbursement_in(
                project, town.staff, source=source, amount="20000.00", paid_on=datetime.date(2025, 3, 9)
            )
    many_scope = scope_of(town.staff, town.city)
    assert_queries(many_scope, 6, django_assert_num_queries)
    assert len(money.build(many_scope).tables[0].rows) == 5
