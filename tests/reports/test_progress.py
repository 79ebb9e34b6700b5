"""Progress of a small hand-made city, every cell worked out by hand below (not with the code under
test): two districts, five compounds with known households, buildings and floor areas, projects at
several stages with their dates, progress reports, receipts and payments (with counter-entries),
items counted by national indicators, and the year's quotas.

The city (测试市, plan year 2025):

    甲区 compounds  C1 100 户 3 栋 8000.00 m²   C2 200 户 5 栋 15000.50 m²   C3 50 户 2 栋 4000.25 m²
    乙区 compounds  C4 300 户 6 栋 20000.00 m²  C5 80 户 1 栋 5000.00 m²

    P1 甲区 {C1, C2}  started 03-01, completed 06-30; reports 04-15 50% ¥400,000, 06-30 100% ¥900,000
    P2 甲区 {C2, C3}  started 05-10 (planned 05-01 → 10-31); reports 06-15 40% ¥300,000, 08-20 50% ¥500,000
    P3 乙区 {C4}      started 04-01, completed 09-15 (planned completion 09-30); reports 05-01 30% ¥200,000,
                     09-10 100% ¥1,200,000
    P4 乙区 {C5}      not started; its next milestone was due 05-31
    P5 甲区 {C1}      plan year 2024, completed: counts in no 2025 figure
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from funding.models import Disbursement
from org.models import Organisation, Region
from org.roles import CITY_STAFF, DISTRICT_STAFF
from projects.models import AnnualQuota, ProgressReport, Project, ProjectItem
from reports.lagging import lagging_projects
from reports.progress import Figures, Progress, indicators, progress
from reports.ranking import district_ranking
from tests.factories import compound_in, make_user, project_in, renovation_item
from tests.funding.factories import disbursement_in, receipt_in

D = Decimal
AFTER = datetime.date(2025, 8, 31)
LATER = datetime.date(2025, 9, 30)
BEFORE = datetime.date(2025, 3, 15)


def day(month, dd, year=2025):
    return datetime.date(year, month, dd)


def _region(code, name, level, parent):
    region = Region(code=code, name=name, level=level, parent=parent)
    region.path = region.build_path()
    region.save()
    return region


class City:
    """The hand-made city, its users and its projects."""

    def __init__(self, world):
        province = world.city.parent
        self.city = _region("379900", "测试市", Region.Level.CITY, province)
        self.jia = _region("379901", "甲区", Region.Level.DISTRICT, self.city)
        self.yi = _region("379902", "乙区", Region.Level.DISTRICT, self.city)
        jia_street = _region("379901001", "甲街道", Region.Level.STREET, self.jia)
        yi_street = _region("379902001", "乙街道", Region.Level.STREET, self.yi)
        jia_community = _region("379901001001", "甲社区", Region.Level.COMMUNITY, jia_street)
        yi_community = _region("379902001001", "乙社区", Region.Level.COMMUNITY, yi_street)

        city_bureau = Organisation.objects.create(name="测试市住建局", kind="city_bureau", region=self.city)
        jia_bureau = Organisation.objects.create(name="甲区住建局", kind="district_bureau", region=self.jia)
        self.staff = make_user("test_city_staff", city_bureau, CITY_STAFF)
        self.jia_staff = make_user("test_jia_staff", jia_bureau, DISTRICT_STAFF)

        def compound(community, households, buildings, area):
            return compound_in(
                community, household_count=households, building_count=buildings, floor_area=D(area)
            )

        c1 = compound(jia_community, 100, 3, "8000.00")
        c2 = compound(jia_community, 200, 5, "15000.50")
        c3 = compound(jia_community, 50, 2, "4000.25")
        c4 = compound(yi_community, 300, 6, "20000.00")
        c5 = compound(yi_community, 80, 1, "5000.00")

        def project(*compounds, **fields):
            made = project_in(*compounds, plan_year=2025)
            Project.objects.filter(pk=made.pk).update(**fields)
            made.refresh_from_db()
            return made

        self.p1 = project(
            c1, c2, stage="handover", started_on=day(3, 1), completed_on=day(6, 30),
            planned_start=day(3, 1), planned_completion=day(7, 31),
        )  # fmt: skip
        self.p2 = project(
            c2, c3, stage="construction", started_on=day(5, 10),
            planned_start=day(5, 1), planned_completion=day(10, 31),
        )  # fmt: skip
        self.p3 = project(
            c4,
            stage="acceptance",
            started_on=day(4, 1),
            completed_on=day(9, 15),
            planned_completion=day(9, 30),
        )
        self.p4 = project(c5, stage="design", next_milestone="design", next_due_on=day(5, 31))
        self.p5 = project(
            c1, stage="closed", plan_year=2024, started_on=day(3, 1, 2024), completed_on=day(9, 1, 2024)
        )
        self.projects = (self.p1, self.p2, self.p3, self.p4, self.p5)

        for p, on, percent, invested in (
            (self.p1, day(4, 15), 50, "400000.00"),
            (self.p1, day(6, 30), 100, "900000.00"),
            (self.p2, day(6, 15), 40, "300000.00"),
            (self.p2, day(8, 20), 50, "500000.00"),
            (self.p3, day(5, 1), 30, "200000.00"),
            (self.p3, day(9, 10), 100, "1200000.00"),
        ):
            ProgressReport.objects.create(
                project=p,
                reported_on=on,
                percent=percent,
                investment_to_date=D(invested),
                reported_by=self.staff,
            )

        who = self.staff
        receipt_in(self.p1, who, amount="1000000.00", on=day(2, 1))
        wrong = receipt_in(self.p1, who, amount="50000.00", on=day(3, 1))
        receipt_in(self.p1, who, amount="-50000.00", on=day(9, 5), reverses=wrong, reason="重复登记")
        receipt_in(self.p3, who, amount="600000.00", on=day(4, 10))
        receipt_in(self.p2, who, amount="300000.00", on=day(9, 1))
        receipt_in(self.p5, who, amount="777000.00", on=day(3, 1, 2024))
        disbursement_in(self.p1, who, amount="400000.00", paid_on=day(4, 20))
        disbursement_in(self.p1, who, amount="100000.00", state="requested")
        disbursement_in(self.p3, who, amount="250000.00", paid_on=day(8, 31))
        disbursement_in(self.p3, who, amount="70000.00", state="refused", paid_on=None, voucher_number="")
        taken_back = disbursement_in(self.p3, who, amount="30000.00", paid_on=day(6, 1))
        disbursement_in(
            self.p3, who, amount="-30000.00", paid_on=day(6, 5), reverses=taken_back, reason="收款账户错误"
        )
        disbursement_in(self.p2, who, amount="80000.00", paid_on=day(9, 2))
        assert Disbursement.objects.filter(project__in=self.projects).count() == 7

        water = renovation_item(indicator="pipelines_water_km", unit="km")
        lifts = renovation_item(indicator="lifts", unit="部")
        fitness = renovation_item(indicator="fitness_m2", unit="m²")
        plain = renovation_item(indicator="")
        for p, item, quantity in (
            (self.p1, water, "1.50"),
            (self.p1, lifts, "2"),
            (self.p1, plain, "10"),
            (self.p2, lifts, "4"),
            (self.p3, water, "0.75"),
            (self.p3, fitness, "300"),
            (self.p5, lifts, "9"),
        ):
            ProjectItem.objects.create(project=p, item=item, quantity=D(quantity), payer="government")

        for region, figures in (
            (self.city, (8, 900, 22, "65000.00", "6000000.00")),
            (self.jia, (3, 400, 10, "30000.00", "3000000.00")),
            (self.yi, (3, 400, 10, "30000.00", "2000000.00")),
        ):
            compounds, households, buildings, area, investment = figures
            AnnualQuota.objects.create(
                region=region, year=2025, compounds=compounds, households=households, buildings=buildings,
                floor_area=D(area), investment=D(investment),
            )  # fmt: skip


@pytest.fixture
def town(world):
    return City(world)


def figures(region, **values):
    """Figures of ``region`` with the given values, every other one zero."""
    row = Figures(region_id=region.pk, region_name=region.name)
    for name, value in values.items():
        setattr(row, name, value)
    return row


def quotas(compounds, households, buildings, area, investment):
    return {
        "quota_compounds": compounds, "quota_households": households, "quota_buildings": buildings,
        "quota_floor_area": D(area), "quota_investment": D(investment),
    }  # fmt: skip


JIA_QUOTA = quotas(3, 400, 10, "30000.00", "3000000.00")
YI_QUOTA = quotas(3, 400, 10, "30000.00", "2000000.00")
CITY_QUOTA = quotas(8, 900, 22, "65000.00", "6000000.00")


def assert_same(found, expected):
    """Every cell: field by field, so a failure names the cell."""
    for name, value in expected.to_dict().items():
        assert found.to_dict()[name] == value, (
            f"{expected.region_name} {name}: {found.to_dict()[name]!r} ≠ {value!r}"
        )


def test_every_cell_after_the_summer(town):
    result = progress(city=town.city, year=2025, as_of=AFTER)

    # 甲区: C1, C2 (P1) and C3 (P2) started; C2 is in P1 and P2 and counts once. C1, C2 completed (P1).
    jia = figures(
        town.jia, **JIA_QUOTA,
        started_compounds=3, started_households=350, started_buildings=10, started_floor_area=D("27000.75"),
        completed_compounds=2, completed_households=300, completed_buildings=8, completed_floor_area=D("23000.50"),
        completed_investment=D("1400000.00"),  # P1 900,000 (06-30) + P2 500,000 (08-20)
        funds_received=D("1050000.00"),  # 1,000,000 + 50,000 (its counter-entry is dated 09-05)
        funds_disbursed=D("400000.00"),  # the request under review does not count
        indicators={"pipelines_water_km": D("1.50"), "lifts": D("2.00")},  # P1 only: P2 is not completed
        start_rate=D("100.0"), completion_rate=D("66.7"), investment_rate=D("46.7"),
    )  # fmt: skip
    # 乙区: C4 started (P3, completed only 09-15); P4 not started.
    yi = figures(
        town.yi, **YI_QUOTA,
        started_compounds=1, started_households=300, started_buildings=6, started_floor_area=D("20000.00"),
        completed_investment=D("200000.00"),  # P3's report of 05-01; that of 09-10 is after the date
        funds_received=D("600000.00"),
        funds_disbursed=D("250000.00"),  # 250,000 paid on the date itself; 30,000 paid and taken back
        start_rate=D("33.3"), completion_rate=D("0.0"), investment_rate=D("10.0"),
    )  # fmt: skip
    total = figures(
        town.city, **CITY_QUOTA,  # the province's quota to the city, not the districts' sum
        started_compounds=4, started_households=650, started_buildings=16, started_floor_area=D("47000.75"),
        completed_compounds=2, completed_households=300, completed_buildings=8, completed_floor_area=D("23000.50"),
        completed_investment=D("1600000.00"), funds_received=D("1650000.00"), funds_disbursed=D("650000.00"),
        indicators={"pipelines_water_km": D("1.50"), "lifts": D("2.00")},
        start_rate=D("50.0"), completion_rate=D("25.0"), investment_rate=D("26.7"),
    )  # fmt: skip

    assert (result.city_id, result.city_name, result.year, result.as_of) == (
        town.city.pk,
        "测试市",
        2025,
        AFTER,
    )
    assert [row.region_name for row in result.rows] == ["甲区", "乙区"]
    assert_same(result.rows[0], jia)
    assert_same(result.rows[1], yi)
    assert_same(result.total, total)


def test_every_cell_a_month_later(town):
    result = progress(city=town.city, year=2025, as_of=LATER)

    jia = figures(
        town.jia, **JIA_QUOTA,
        started_compounds=3, started_households=350, started_buildings=10, started_floor_area=D("27000.75"),
        completed_compounds=2, completed_households=300, completed_buildings=8, completed_floor_area=D("23000.50"),
        completed_investment=D("1400000.00"),
        funds_received=D("1300000.00"),  # 1,000,000 + 50,000 − 50,000 (09-05) + P2's 300,000 (09-01)
        funds_disbursed=D("480000.00"),  # 400,000 + P2's 80,000 (09-02)
        indicators={"pipelines_water_km": D("1.50"), "lifts": D("2.00")},
        start_rate=D("100.0"), completion_rate=D("66.7"), investment_rate=D("46.7"),
    )  # fmt: skip
    yi = figures(
        town.yi, **YI_QUOTA,
        started_compounds=1, started_households=300, started_buildings=6, started_floor_area=D("20000.00"),
        completed_compounds=1, completed_households=300, completed_buildings=6, completed_floor_area=D("20000.00"),
        completed_investment=D("1200000.00"), funds_received=D("600000.00"), funds_disbursed=D("250000.00"),
        indicators={"pipelines_water_km": D("0.75"), "fitness_m2": D("300.00")},
        start_rate=D("33.3"), completion_rate=D("33.3"), investment_rate=D("60.0"),
    )  # fmt: skip
    total = figures(
        town.city, **CITY_QUOTA,
        started_compounds=4, started_households=650, started_buildings=16, started_floor_area=D("47000.75"),
        completed_compounds=3, completed_households=600, completed_buildings=14, completed_floor_area=D("43000.50"),
        completed_investment=D("2600000.00"), funds_received=D("1900000.00"), funds_disbursed=D("730000.00"),
        indicators={"pipelines_water_km": D("2.25"), "lifts": D("2.00"), "fitness_m2": D("300.00")},
        start_rate=D("50.0"), completion_rate=D("37.5"), investment_rate=D("43.3"),
    )  # fmt: skip
    assert_same(result.rows[0], jia)
    assert_same(result.rows[1], yi)
    assert_same(result.total, total)


def test_before_the_work_only_the_first_start_and_the_early_money_count(town):
    result = progress(city=town.city, year=2025, as_of=BEFORE)

    jia = figures(
        town.jia, **JIA_QUOTA,
        started_compounds=2, started_households=300, started_buildings=8, started_floor_area=D("23000.50"),
        funds_received=D("1050000.00"),
        start_rate=D("66.7"), completion_rate=D("0.0"), investment_rate=D("0.0"),
    )  # fmt: skip
    yi = figures(town.yi, **YI_QUOTA, start_rate=D("0.0"), completion_rate=D("0.0"), investment_rate=D("0.0"))
    total = figures(
        town.city, **CITY_QUOTA,
        started_compounds=2, started_households=300, started_buildings=8, started_floor_area=D("23000.50"),
        funds_received=D("1050000.00"),
        start_rate=D("25.0"), completion_rate=D("0.0"), investment_rate=D("0.0"),
    )  # fmt: skip
    assert_same(result.rows[0], jia)
    assert_same(result.rows[1], yi)
    assert_same(result.total, total)


def test_a_year_without_quotas_has_no_rates(town):
    result = progress(city=town.city, year=2024, as_of=AFTER)

    # P5 (2024): C1 started and completed, its lifts, its receipt; no quota for 2024.
    jia = figures(
        town.jia,
        started_compounds=1, started_households=100, started_buildings=3, started_floor_area=D("8000.00"),
        completed_compounds=1, completed_households=100, completed_buildings=3, completed_floor_area=D("8000.00"),
        funds_received=D("777000.00"), indicators={"lifts": D("9.00")},
    )  # fmt: skip
    assert_same(result.rows[0], jia)
    assert result.total.start_rate is None and result.total.investment_rate is None


def test_a_district_user_sees_only_their_district(town):
    result = progress(city=town.city, year=2025, as_of=AFTER, user=town.jia_staff)

    assert [row.region_name for row in result.rows] == ["甲区"]
    # The total is the district's own: its quota share, not the city's.
    assert result.total.to_dict() | {"region_id": None, "region_name": ""} == result.rows[0].to_dict() | {
        "region_id": None, "region_name": "",
    }  # fmt: skip
    assert result.total.quota_compounds == 3
    assert result.total.funds_received == D("1050000.00")


def test_city_staff_see_what_the_city_job_sees(town):
    as_staff = progress(city=town.city, year=2025, as_of=AFTER, user=town.staff)
    as_job = progress(city=town.city, year=2025, as_of=AFTER)
    assert as_staff.to_dict() == as_job.to_dict()


def test_progress_round_trips_through_a_dict(town):
    import json

    result = progress(city=town.city, year=2025, as_of=LATER)
    data = json.loads(json.dumps(result.to_dict()))
    back = Progress.from_dict(data)
    assert back == result
    assert back.to_dict() == result.to_dict()
    assert isinstance(back.total.funds_received, Decimal) and back.total.funds_received == D("1900000.00")
    assert back.rows[0].indicators["lifts"] == D("2.00")


def test_pipes_typed_in_metres_count_in_kilometres_rounded_half_up(town):
    """供水管网改造 is typed in 米; the indicator reads 公里: 1,234.5 m + 0.75 km = 1.98 km (1.9845)."""
    metres = renovation_item(indicator="pipelines_water_km", unit="米")
    ProjectItem.objects.create(project=town.p1, item=metres, quantity=D("1234.50"), payer="government")
    ProjectItem.objects.filter(project=town.p1, item__unit="km").update(quantity=D("0.75"))
    found = progress(city=town.city, year=2025, as_of=day(12, 31))
    assert found.rows[0].indicators["pipelines_water_km"] == D("1.98")


def test_indicators_are_the_catalogues_with_the_units_their_labels_name(town):
    codes = [code for code, _label, _unit in indicators()]
    assert "pipelines_water_km" in codes and "accessibility" in codes and "" not in codes
    with translation.override("zh-hans"):
        units = {code: unit for code, _label, unit in indicators()}
    assert (
        units["pipelines_water_km"] == "公里" and units["lifts"] == "部" and units["fitness_m2"] == "平方米"
    )


# --- Queries ---------------------------------------------------------------------------------------


def _grow(town, extra_districts, extra_projects):
    """More districts, compounds and projects (with reports, money and items) in the city."""
    item = renovation_item(indicator="lifts")
    for n in range(extra_districts):
        district = _region(f"3799{10 + n:02d}", f"增{n}区", Region.Level.DISTRICT, town.city)
        street = _region(f"{district.code}001", f"增{n}街道", Region.Level.STREET, district)
        community = _region(f"{district.code}001001", f"增{n}社区", Region.Level.COMMUNITY, street)
        AnnualQuota.objects.create(region=district, year=2025, compounds=5)
        for _k in range(extra_projects):
            p = project_in(compound_in(community), plan_year=2025)
            Project.objects.filter(pk=p.pk).update(started_on=day(4, 1), completed_on=day(6, 1))
            ProgressReport.objects.create(
                project=p,
                reported_on=day(6, 1),
                percent=100,
                investment_to_date=D("1000"),
                reported_by=town.staff,
            )
            receipt_in(p, town.staff, amount="500.00", on=day(4, 2))
            disbursement_in(p, town.staff, amount="100.00", paid_on=day(4, 3))
            ProjectItem.objects.create(project=p, item=item, quantity=D("1"), payer="government")


PROGRESS_QUERIES = 8


def test_progress_runs_the_same_queries_whatever_the_size(town, django_assert_num_queries):
    with django_assert_num_queries(PROGRESS_QUERIES):
        small = progress(city=town.city, year=2025, as_of=AFTER)
    _grow(town, extra_districts=4, extra_projects=3)
    with django_assert_num_queries(PROGRESS_QUERIES):
        large = progress(city=town.city, year=2025, as_of=AFTER)
    assert len(small.rows) == 2 and len(large.rows) == 6
    assert large.total.completed_compounds == 2 + 12


def test_a_users_progress_runs_the_same_queries_whatever_the_size(town):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counted():
        user = type(town.staff).objects.get(pk=town.staff.pk)  # fresh caches, as a request has
        with CaptureQueriesContext(connection) as captured:
            progress(city=town.city, year=2025, as_of=AFTER, user=user)
        return len(captured)

    small = counted()
    _grow(town, extra_districts=3, extra_projects=4)
    assert counted() == small


# --- Ranking and lagging ---------------------------------------------------------------------------


def test_the_hand_made_city_ranks_jia_first_and_marks_yi(town):
    ranking = district_ranking(progress(city=town.city, year=2025, as_of=AFTER))
    assert [(row.rank, row.region_name, row.last) for row in ranking] == [
        (1, "甲区", False),
        (2, "乙区", True),
    ]


def _rated(name, start, completion, investment_rate="0.0", investment="0.00", order=[0]):  # noqa: B006
    order[0] += 1
    row = Figures(region_id=order[0], region_name=name, completed_investment=D(investment))
    row.start_rate = None if start is None else D(start)
    row.completion_rate = None if completion is None else D(completion)
    row.investment_rate = None if start is None else D(investment_rate)
    return row


def _progress_of(rows):
    return Progress(city_id=1, city_name="市", year=2025, as_of=AFTER, rows=rows, total=Figures(None, "市"))


def test_ranking_orders_by_start_then_completion_then_investment_and_keeps_ties_in_region_order():
    rows = [
        _rated("A", "50.0", "10.0"),
        _rated("B", "80.0", "10.0"),
        _rated("C", "50.0", "20.0"),
        _rated("D", "50.0", "10.0", investment_rate="5.0"),
        _rated("E", "50.0", "10.0"),  # the same as A: after A, same rank
    ]
    ranking = district_ranking(_progress_of(rows))
    assert [(row.rank, row.region_name, row.last) for row in ranking] == [
        (1, "B", False), (2, "C", False), (3, "D", False), (4, "A", True), (4, "E", True),
    ]  # fmt: skip


def test_with_more_than_six_districts_the_last_two_are_marked_and_one_without_a_quota_never():
    rows = [_rated(f"区{n}", f"{90 - n}.0", "0.0") for n in range(7)] + [_rated("无任务区", None, None)]
    ranking = district_ranking(_progress_of(rows))
    assert [row.region_name for row in ranking][-3:] == ["区5", "区6", "无任务区"]
    assert [row.region_name for row in ranking if row.last] == ["区5", "区6"]
    alone = district_ranking(_progress_of([_rated("甲区", "10.0", "0.0")]))
    assert [(row.rank, row.last) for row in alone] == [(1, False)]
    six = district_ranking(_progress_of([_rated(f"区{n}", f"{90 - n}.0", "0.0") for n in range(6)]))
    assert [row.region_name for row in six if row.last] == ["区5"]


def test_lagging_projects_with_their_reasons(town):
    rows = lagging_projects(city=town.city, year=2025, as_of=AFTER)

    assert [row.project for row in rows] == [town.p4, town.p2, town.p3]
    reasons = {row.project: row.reasons for row in rows}
    # P4: its milestone was due 05-31, 92 days before 08-31.
    assert reasons[town.p4] == ["逾期：完成初步方案及预算的期限为2025-05-31，已逾期92天。"]
    # P2: 122 of the 183 planned days (05-01 → 10-31) have passed: 67% expected, 50% done (< 57).
    assert reasons[town.p2] == ["进度50%，低于按时序应达到的67%。"]
    # P3: last report 05-01 (122 days, > 30); planned from its start 04-01 to 09-30: 152 of 182 days,
    # 84% expected, 30% done.
    assert reasons[town.p3] == [
        "已122天未报送进度（最近一次为2025-05-01）。",
        "进度30%，低于按时序应达到的84%。",
    ]
    assert rows[0].url == town.p4.get_absolute_url()


def test_a_project_started_long_ago_without_any_report_is_lagging(town):
    ProgressReport.objects.filter(project=town.p2).delete()
    rows = {row.project: row.reasons for row in lagging_projects(city=town.city, year=2025, as_of=day(6, 15))}
    # 36 days since 05-10, more than the policy's 30; expected (05-01 → 10-31): 45 of 183 days = 25%,
    # and 0% done is more than 10 points below it.
    assert rows[town.p2] == ["开工于2025-05-10，至今36天未报送进度。", "进度0%，低于按时序应达到的25%。"]


def test_nothing_lags_before_it_starts_or_after_it_is_done(town):
    rows = {row.project for row in lagging_projects(city=town.city, year=2025, as_of=day(5, 1))}
    # 05-01: P4 not yet overdue; P1 (report 04-15, 16 days) and P3 (report 05-01) are fresh and on time:
    # P1 50% against 61/152 days = 40%; P3 30% against 30/182 = 16%.
    assert rows == set()


def test_a_district_user_sees_only_their_lagging_projects(town):
    rows = lagging_projects(city=town.city, year=2025, as_of=AFTER, user=town.jia_staff)
    assert [row.project for row in rows] == [town.p2]


def test_lagging_runs_the_same_queries_whatever_the_size(town, django_assert_num_queries):
    # The city's policy in force (the days without a report), and the projects.
    with django_assert_num_queries(2):
        lagging_projects(city=town.city, year=2025, as_of=AFTER)
    for _n in range(5):
        project_in(
            compound_in(Region.objects.get(code="379902001001")), plan_year=2025, next_due_on=day(6, 1)
        )
    with django_assert_num_queries(2):
        rows = lagging_projects(city=town.city, year=2025, as_of=AFTER)
    assert len(rows) == 8
