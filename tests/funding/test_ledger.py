"""The ledger (资金台账): its sums per district, source and project for a year, what each role sees,
its warnings, its page and its .xlsx export, each in a constant number of queries."""

import datetime
import io
from decimal import Decimal
from itertools import count

import openpyxl
import pytest
from django.utils import timezone

from core.models import AuditEntry
from funding.ledger import city_ledger, ledger_projects, ledger_rows, project_blocks, sources_for, sums_by
from funding.ledger_warnings import Kind, ledger_warnings
from funding.models import Disbursement, FundingPlanLine, FundingPolicy, FundReceipt
from funding.selectors import balance_of
from projects.models import ProjectItem, RenovationItem
from tests.factories import city_policy, compound_in, project_in
from tests.helpers import assert_list_queries_constant

from .conftest import wan

LEDGER = "/funding/ledger/"
TODAY = timezone.localdate()
_keys = count(1)


def day(text):
    return datetime.date.fromisoformat(text)


def ago(days):
    return TODAY - datetime.timedelta(days=days)


# Rows written directly, as the services leave them (the services are tested on their own).
def plan(project, source, year, figure):
    return FundingPlanLine.objects.create(project=project, source=source, year=year, amount=wan(figure))


def receipt(project, source, figure, on, user, reverses=None):
    return FundReceipt.objects.create(
        project=project, city_id=project.city_id, source=source, amount=wan(figure), received_on=on,
        recorded_by=user, reverses=reverses, reason="金额录错" if reverses else "",
    )  # fmt: skip


def payment(project, source, figure, user, *, paid_on=None, state="released", reverses=None, items=()):
    disbursement = Disbursement.objects.create(
        project=project, city_id=project.city_id, source=source, amount=wan(figure), payee="淄博建工集团有限公司",
        purpose="工程款", state=state, paid_on=paid_on, reverses=reverses, reason="重复拨付" if reverses else "",
        idempotency_key=f"k{next(_keys)}", recorded_by=user,
    )  # fmt: skip
    disbursement.items.set(items)
    return disbursement


def item(project, code, *, bid=None, estimate=None, progress=0):
    catalogue = RenovationItem.objects.get(code=code)
    return ProjectItem.objects.create(
        project=project, item=catalogue, quantity=1, bid_price=bid, estimated_cost=estimate, progress=progress,
        payer=catalogue.default_payer,
    )  # fmt: skip


def other_district_community(world):
    from org.models import Region

    return Region.objects.filter(path__startswith=world.district_b.path, level=Region.Level.COMMUNITY).first()


@pytest.fixture
def books(world, sources):
    """Two projects: 车站街道's (张店区) with two years of the city budget, a reversed receipt, a
    reversed payment, a request under review and a refused one, and the residents' cash; 淄川区's
    with the provincial subsidy."""
    finance = world["finance"]
    city, residents, province = (
        sources["city_budget"],
        sources["residents_cash"],
        sources["provincial_subsidy"],
    )
    a = project_in(compound_in(world.community_a), stage="construction", name="车站街道华光路片区改造")
    plan(a, city, 2025, 50)
    plan(a, city, 2026, 100)
    receipt(a, city, 40, day("2025-06-01"), finance)
    receipt(a, city, 60, day("2026-03-01"), finance)
    wrong = receipt(a, city, 10, day("2026-04-01"), finance)
    receipt(a, city, -10, day("2026-04-02"), finance, reverses=wrong)
    payment(a, city, 30, finance, paid_on=day("2025-09-01"))
    twice = payment(a, city, 20, finance, paid_on=day("2026-05-01"))
    payment(a, city, -20, finance, paid_on=day("2026-05-03"), reverses=twice)
    payment(a, city, 15, finance, paid_on=day("2026-06-01"))
    payment(a, city, 5, world["district"], state="requested")
    payment(a, city, 8, world["district"], state="refused")
    plan(a, residents, 2026, 12)
    receipt(a, residents, 6, day("2026-07-01"), finance)
    b = project_in(compound_in(other_district_community(world)), stage="construction", name="般阳路片区改造")
    plan(b, province, 2026, 200)
    receipt(b, province, 80, day("2026-08-01"), finance)
    return a, b


def figures(sums):
    return tuple(
        getattr(sums, name) / 10000
        for name in ("planned", "carried", "received", "released", "requested", "available")
    )


def ledger_for(user, **choice):
    rows = ledger_rows(user, **choice)
    return rows, city_ledger(rows, {s.pk: s for s in sources_for(user)})


# --- Sums ----------------------------------------------------------------------------------------


def test_a_years_ledger_carries_the_balance_and_counts_counter_entries_on_their_dates(world, books, sources):
    a, b = books
    rows, ledger = ledger_for(world["city"], year=2026)
    sums = sums_by(rows, "project", "source")
    #                                               planned carried received released requested available
    assert figures(sums[(a.pk, sources["city_budget"].pk)]) == (100, 10, 60, 15, 5, 50)
    assert figures(sums[(a.pk, sources["residents_cash"].pk)]) == (12, 0, 6, 0, 0, 6)
    assert figures(sums[(b.pk, sources["provincial_subsidy"].pk)]) == (200, 0, 80, 0, 0, 80)
    assert figures(ledger.total) == (312, 10, 146, 15, 5, 136)
    # The year's available money is what a new request may take: the services' own balance.
    assert (
        sums[(a.pk, sources["city_budget"].pk)].available == balance_of(a, sources["city_budget"]).available
    )
    city_row = sums[(a.pk, sources["city_budget"].pk)]
    assert (city_row.receipt_rate, city_row.release_rate) == (Decimal("60.0"), Decimal("21.4"))  # 15 / 70


def test_an_earlier_year_and_every_year_add_up_their_own_rows(world, books, sources):
    a, _b = books
    city = sources["city_budget"]
    rows, _ledger = ledger_for(world["city"], year=2025)
    # The request under review was made this year: not in 2025.
    assert figures(sums_by(rows, "project", "source")[(a.pk, city.pk)]) == (50, 0, 40, 30, 0, 10)
    rows, ledger = ledger_for(world["city"])
    assert figures(sums_by(rows, "project", "source")[(a.pk, city.pk)]) == (150, 0, 100, 45, 5, 50)
    assert figures(ledger.total) == (362, 0, 186, 45, 5, 136)


def test_the_ledger_sums_per_district_and_source_with_subtotals(world, books, sources):
    _rows, ledger = ledger_for(world["city"], year=2026)
    assert [(block.district.name, [r.source.code for r in block.rows]) for block in ledger.districts] == [
        ("淄川区", ["provincial_subsidy"]),
        ("张店区", ["city_budget", "residents_cash"]),
    ]
    zhangdian = ledger.districts[1]
    assert figures(zhangdian.subtotal) == (112, 10, 66, 15, 5, 56)
    assert [(r.source.code, r.sums.received / 10000) for r in ledger.by_source] == [
        ("provincial_subsidy", 80), ("city_budget", 60), ("residents_cash", 6),
    ]  # fmt: skip


def test_filters_narrow_to_a_district_and_a_source(world, books, sources):
    _rows, ledger = ledger_for(world["city"], year=2026, district=world.district_b)
    assert figures(ledger.total) == (200, 0, 80, 0, 0, 80)
    _rows, ledger = ledger_for(world["city"], year=2026, source=sources["residents_cash"])
    assert figures(ledger.total) == (12, 0, 6, 0, 0, 6)


def test_a_district_sees_its_own_districts_money(world, books):
    _rows, ledger = ledger_for(world["district"], year=2026)
    assert [block.district.name for block in ledger.districts] == ["张店区"]


def test_a_street_clerk_sums_only_the_residents_money_of_her_street(world, books, sources):
    a, _b = books
    rows, ledger = ledger_for(world["clerk_a"], year=2026)
    assert [r.source.code for r in ledger.by_source] == ["residents_cash"]
    assert figures(ledger.total) == (12, 0, 6, 0, 0, 6)
    assert [p.pk for p in ledger_projects(rows)] == [a.pk]
    _rows, ledger = ledger_for(world["clerk_b"], year=2026)
    assert ledger.districts == [] and figures(ledger.total) == (0,) * 6


def test_a_project_whose_money_was_spent_in_earlier_years_is_not_in_this_years_list(world, books, sources):
    a, b = books
    done = project_in(compound_in(world.community_a), stage="closed", name="已结清项目")
    plan(done, sources["city_budget"], 2024, 10)
    receipt(done, sources["city_budget"], 10, day("2024-03-01"), world["finance"])
    payment(done, sources["city_budget"], 10, world["finance"], paid_on=day("2024-09-01"))
    rows, _ledger = ledger_for(world["city"], year=2026)
    assert {p.pk for p in ledger_projects(rows)} == {a.pk, b.pk}
    rows, _ledger = ledger_for(world["city"], year=2024)
    assert {p.pk for p in ledger_projects(rows)} == {done.pk}
    rows, _ledger = ledger_for(world["city"])
    assert {p.pk for p in ledger_projects(rows)} == {a.pk, b.pk, done.pk}


def test_project_blocks_give_each_projects_sources_and_subtotal(world, books, sources):
    a, _b = books
    rows, _ledger = ledger_for(world["city"], year=2026)
    projects = list(ledger_projects(rows))
    # By area: 淄川区 (370302) before 张店区 (370303).
    assert [(p.name, p.district_name) for p in projects] == [
        ("般阳路片区改造", "淄川区"),
        ("车站街道华光路片区改造", "张店区"),
    ]
    blocks = project_blocks(projects, sums_by(rows.for_projects([a.pk]), "project", "source"), {
        s.pk: s for s in sources_for(world["city"])
    })  # fmt: skip
    assert blocks[0].rows == []  # its sums were not asked for
    assert [r.source.code for r in blocks[1].rows] == ["city_budget", "residents_cash"]
    assert figures(blocks[1].subtotal) == (112, 10, 66, 15, 5, 56)


# --- Warnings ------------------------------------------------------------------------------------


def kinds(warnings, *only):
    return sorted((w.kind, w.project_name) for w in warnings if not only or w.kind in only)


def test_money_received_above_plan_is_a_warning(world, sources):
    project = project_in(compound_in(world.community_a), name="超计划项目")
    plan(project, sources["city_budget"], 2026, 100)
    receipt(project, sources["city_budget"], 120, ago(5), world["finance"])
    fine = project_in(compound_in(world.community_a), name="按计划项目")
    plan(fine, sources["city_budget"], 2026, 100)
    receipt(fine, sources["city_budget"], 100, ago(5), world["finance"])
    warnings = ledger_warnings(world["city"])
    assert kinds(warnings) == [(Kind.OVER_PLAN, "超计划项目")]
    assert "120.00 万元" in warnings[0].text and "100.00 万元" in warnings[0].text
    assert warnings[0].url == f"/funding/projects/{project.pk}/"


def test_paying_out_ahead_of_the_works_is_a_warning(world, sources):
    """Built: (100 万 × 20 % + 100 万 × 60 %) ÷ 200 万 = 40 %, the estimate counting where no contract
    price was entered."""
    city = sources["city_budget"]
    ahead = project_in(compound_in(world.community_a), stage="construction", name="超进度拨付项目")
    behind = project_in(compound_in(world.community_a), stage="construction", name="按进度拨付项目")
    for project, paid in ((ahead, 50), (behind, 40)):
        item(project, "roads", bid=wan(100), estimate=wan(120), progress=20)
        item(project, "parking", estimate=wan(100), progress=60)
        plan(project, city, 2026, 100)
        receipt(project, city, 100, ago(20), world["finance"])
        payment(project, city, paid, world["finance"], paid_on=ago(3))
    warnings = ledger_warnings(world["city"])
    assert kinds(warnings) == [(Kind.PAID_AHEAD, "超进度拨付项目")]
    assert "50.0%" in warnings[0].text and "40.0%" in warnings[0].text


def test_a_project_without_priced_items_is_built_as_far_as_its_items_on_average(world, sources):
    city = sources["city_budget"]
    project = project_in(compound_in(world.community_a), stage="construction", name="未计价项目")
    item(project, "roads", progress=30)
    item(project, "parking", progress=50)
    plan(project, city, 2026, 100)
    receipt(project, city, 100, ago(20), world["finance"])
    payment(project, city, 40, world["finance"], paid_on=ago(3))
    assert kinds(ledger_warnings(world["city"])) == []  # 40 % paid, 40 % built
    payment(project, city, 1, world["finance"], paid_on=ago(2))
    assert kinds(ledger_warnings(world["city"])) == [(Kind.PAID_AHEAD, "未计价项目")]


def test_money_lying_idle_longer_than_the_citys_days_is_a_warning(world, sources):
    city = sources["city_budget"]
    idle = project_in(compound_in(world.community_a), name="资金闲置项目")
    plan(idle, city, 2026, 100)
    receipt(idle, city, 60, ago(120), world["finance"])
    receipt(idle, city, 10, ago(10), world["finance"])  # recent: not idle yet
    moving = project_in(compound_in(world.community_a), name="正常拨付项目")
    plan(moving, city, 2026, 100)
    receipt(moving, city, 60, ago(120), world["finance"])
    payment(moving, city, 10, world["finance"], paid_on=ago(30))
    recent = project_in(compound_in(world.community_a), name="新到位项目")
    plan(recent, city, 2026, 100)
    receipt(recent, city, 60, ago(45), world["finance"])
    warnings = [w for w in ledger_warnings(world["city"]) if w.kind == Kind.IDLE]
    assert kinds(warnings) == [(Kind.IDLE, "资金闲置项目")]
    assert "60.00 万元" in warnings[0].text and "90" in warnings[0].text
    # The city's policy says 30 days: 新到位项目's money is idle too, 正常拨付项目's paid 30 days ago.
    FundingPolicy.objects.create(policy=city_policy(world.city).policy, funds_idle_days=30)
    assert kinds(ledger_warnings(world["city"]), Kind.IDLE) == [
        (Kind.IDLE, "新到位项目"),
        (Kind.IDLE, "资金闲置项目"),
    ]


def test_money_spent_or_requested_lately_is_not_idle(world, sources):
    city = sources["city_budget"]
    project = project_in(compound_in(world.community_a), name="申请中项目")
    plan(project, city, 2026, 100)
    receipt(project, city, 60, ago(200), world["finance"])
    payment(project, city, 10, world["district"], state="requested")
    spent = project_in(compound_in(world.community_a), name="已拨完项目")
    plan(spent, city, 2026, 100)
    receipt(spent, city, 60, ago(200), world["finance"])
    payment(spent, city, 60, world["finance"], paid_on=ago(150))
    assert kinds(ledger_warnings(world["city"]), Kind.IDLE) == []


def test_earmarked_subsidy_paying_for_an_item_of_another_category_is_a_warning(world, sources):
    central = sources["central_subsidy"]
    project = project_in(compound_in(world.community_a), stage="construction", name="中央资金项目")
    roads = item(project, "roads", bid=wan(100), progress=100)
    upgrades = [
        item(project, code, bid=wan(10), progress=100)
        for code in RenovationItem.objects.filter(category__code="upgrade").values_list("code", flat=True)[:1]
    ]
    plan(project, central, 2026, 100)
    receipt(project, central, 100, ago(20), world["finance"])
    payment(project, central, 30, world["finance"], paid_on=ago(3), items=[roads])
    wrong = payment(project, central, 10, world["finance"], paid_on=ago(2), items=[roads, *upgrades])
    reversed_ = payment(project, central, 5, world["finance"], paid_on=ago(2), items=upgrades)
    payment(project, central, -5, world["finance"], paid_on=ago(1), reverses=reversed_)
    payment(project, sources["social_capital"], 1, world["finance"], paid_on=ago(1), items=upgrades)
    warnings = ledger_warnings(world["city"])
    assert kinds(warnings) == [(Kind.EARMARK, "中央资金项目")]
    assert upgrades[0].item.name in warnings[0].text and "10.00 万元" in warnings[0].text
    assert wrong.payee in warnings[0].text


def test_a_street_clerk_is_warned_about_the_residents_money_only(world, sources):
    project = project_in(compound_in(world.community_a), name="居民出资项目")
    plan(project, sources["residents_cash"], 2026, 10)
    receipt(project, sources["residents_cash"], 12, ago(5), world["finance"])
    plan(project, sources["city_budget"], 2026, 10)
    receipt(project, sources["city_budget"], 12, ago(5), world["finance"])
    assert len(ledger_warnings(world["city"])) == 2
    assert ["居民出资（现金）" in w.text for w in ledger_warnings(world["clerk_a"])] == [True]
    assert ledger_warnings(world["clerk_b"]) == []


# --- The page and the export ---------------------------------------------------------------------


def funded_project(world, sources, name=None):
    """A project with a bit of everything: plan, receipt, payment for items, a request, a warning."""
    project = project_in(compound_in(world.community_a), stage="construction", name=name or "测试项目")
    roads = item(project, "roads", bid=wan(50), progress=10)
    for source in (sources["city_budget"], sources["residents_cash"]):
        plan(project, source, TODAY.year, 20)
        receipt(project, source, 10, ago(1), world["finance"])
        payment(project, source, 4, world["finance"], paid_on=TODAY, items=[roads])
        payment(project, source, 1, world["district"], state="requested")
    return project


@pytest.fixture
def rows(world, sources):
    for n in range(3):
        project = project_in(compound_in(other_district_community(world)), name=f"淄川项目{n}")
        plan(project, sources["provincial_subsidy"], TODAY.year, 5)

    def add(number):
        for _ in range(number):
            funded_project(world, sources)

    return add


@pytest.mark.parametrize("persona", ["city", "clerk_a", "finance"])
def test_the_page_runs_the_same_queries_for_one_and_twenty_projects(client_for, rows, persona):
    assert_list_queries_constant(client_for(persona), LEDGER, rows)


def test_the_export_runs_the_same_queries_for_one_and_twenty_projects(client_for, rows):
    assert_list_queries_constant(client_for("city"), LEDGER, rows, export="xlsx")


def test_the_page_shows_the_sums_the_warnings_and_links_to_each_projects_money(client_for, world, books):
    a, _b = books
    response = client_for("finance").get(LEDGER, {"year": "2026"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "资金台账" in page and "上年结转" in page
    assert figures(response.context["ledger"].total) == (312, 10, 146, 15, 5, 136)
    assert f'href="/funding/projects/{a.pk}/"' in page
    assert [b.project.pk for b in response.context["project_blocks"]] == [_b.pk, a.pk]


def test_the_page_opens_on_this_year_and_offers_every_year(client_for, world, books):
    response = client_for("city").get(LEDGER)
    assert response.context["choice"]["year"] == TODAY.year
    choices = [value for value, _label in response.context["filterset"].form.fields["year"].choices]
    assert choices[0] == "" and "2025" in choices and str(TODAY.year) in choices
    assert client_for("city").get(LEDGER, {"year": ""}).context["choice"]["year"] is None


@pytest.mark.parametrize(
    "params", [{"year": "abc"}, {"year": "1900"}, {"district": "x"}, {"source": "99999"}, {"page": "99"}]
)
def test_junk_filters_are_refused_on_the_page_not_with_an_error(client_for, world, books, params):
    response = client_for("city").get(LEDGER, params)
    assert response.status_code == 200


def test_the_menu_offers_funding_to_whoever_reads_money(client_for, world):
    for persona, shown in (("finance", True), ("clerk_a", True), ("leader", True), ("sysadmin", False)):
        response = client_for(persona).get("/")
        assert ('href="/funding/ledger/"' in response.content.decode()) is shown, persona


def workbook_of(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_is_a_finance_bureaus_sheet_of_the_same_rows(client_for, world, books):
    response = client_for("finance").get(LEDGER, {"year": "2026", "export": "xlsx"})
    book = workbook_of(response)
    assert book.sheetnames == ["资金台账", "按区县和资金来源", "预警"]
    rows = values(book["资金台账"])
    assert rows[0][0] == "淄博市老旧小区改造资金台账（2026年度）"
    assert rows[1][-1] == "单位：万元" and "年度：2026" in rows[1][0]
    assert rows[2] == [
        "区县",
        "项目",
        "资金来源",
        "计划",
        "上年结转",
        "到位",
        "已拨付",
        "审核中",
        "可用",
        "到位率",
        "拨付率",
    ]
    assert rows[3] == ["淄川区", "般阳路片区改造", "省级补助资金", 200, 0, 80, 0, 0, 80, 0.4, 0]
    assert rows[4] == ["淄川区", "小计", None, 200, 0, 80, 0, 0, 80, 0.4, 0]
    assert rows[5][:9] == ["张店区", "车站街道华光路片区改造", "市级财政资金", 100, 10, 60, 15, 5, 50]
    assert rows[5][9:] == [0.6, pytest.approx(0.214)]
    assert rows[7][:2] == ["张店区", "小计"] and rows[8][:9] == ["合计", None, None, 312, 10, 146, 15, 5, 136]
    assert (
        book["资金台账"]["D4"].number_format == "#,##0.00" and book["资金台账"]["J4"].number_format == "0.0%"
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert "年度：2026" in entry.object_repr and entry.actor == world["finance"]


def test_the_export_of_every_year_has_no_carried_column_and_lists_the_warnings(
    client_for, world, books, sources
):
    a, _b = books
    receipt(a, sources["residents_cash"], 20, ago(3), world["finance"])  # above its plan of 12
    book = workbook_of(client_for("city").get(LEDGER, {"year": "", "export": "xlsx"}))
    rows = values(book["资金台账"])
    assert "全部年度" in rows[0][0] and "上年结转" not in rows[2]
    warnings = values(book["预警"])
    assert warnings[2] == ["预警", "项目", "情况"]
    assert warnings[3][:2] == ["到位超计划", "车站街道华光路片区改造"]


def test_a_clerks_export_holds_the_residents_money_of_her_street_only(client_for, world, books):
    rows = values(
        workbook_of(client_for("clerk_a").get(LEDGER, {"export": "xlsx", "year": "2026"}))["资金台账"]
    )
    assert rows[0][0].startswith("车站街道")
    assert [r[2] for r in rows[3:-1] if r[1] != "小计"] == ["居民出资（现金）"]


def test_a_cell_that_would_run_as_a_formula_is_written_as_text(client_for, world, sources):
    project = project_in(compound_in(world.community_a), name='=HYPERLINK("http://x")')
    plan(project, sources["city_budget"], TODAY.year, 5)
    rows = values(workbook_of(client_for("city").get(LEDGER, {"export": "xlsx"}))["资金台账"])
    assert rows[3][1] == '\'=HYPERLINK("http://x")'


def test_a_clerks_page_says_she_sees_the_residents_share_only(client_for, world, books):
    page = client_for("clerk_a").get(LEDGER).content.decode()
    assert (
        "您只能看到资金中的居民出资部分" in page and "居民出资（现金）" in page and "市级财政资金" not in page
    )
    assert "您只能看到" not in client_for("district").get(LEDGER).content.decode()
