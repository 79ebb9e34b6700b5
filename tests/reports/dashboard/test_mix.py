"""The item mix and the national indicators. The mix over hand-made projects of the demo city's
regions, plan year 2026 (the catalogue's own categories):

    张店区  A  基础类 ¥100,000.00 · 完善类 ¥50,000.00
            B  基础类 (no estimate)
            P  基础类 ¥999,999.00, plan year 2025: not counted
    淄川区  G  提升类 ¥200,000.00

The indicators over the hand-made city of tests/reports/test_progress.py: they must be the monthly
report's own cells (reports.progress for the same date), never summed again."""

import datetime
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import translation

from org.models import Region
from projects.models import ItemCategory, ProjectItem, RenovationItem
from projects.works.selectors import estimated_total
from reports.dashboard import mix
from reports.dashboard.scope import choose
from reports.progress import indicators, progress
from tests.factories import compound_in, project_in
from tests.reports.test_progress import AFTER, City

pytestmark = pytest.mark.django_db

D = Decimal


def scope_for(user, year=2026, as_of=datetime.date(2026, 6, 30), **query):
    request = RequestFactory().get("/dashboard/", {"year": year, "as_of": as_of.isoformat(), **query})
    request.user = user
    scope = choose(request)
    # The user's scope and the area's progress are read once, for every section.
    assert scope.projects is not None and scope.progress is not None
    return scope


def item_of(code):
    return RenovationItem.objects.filter(category__code=code).order_by("order", "code")


def add_item(project, item, estimated=None):
    return ProjectItem.objects.create(
        project=project, item=item, quantity=D("1.00"), estimated_cost=estimated, payer="government"
    )


@pytest.fixture
def made(world):
    a = world.community_a
    b = Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=world.district_b.path).first()
    basic = item_of("basic")
    first = project_in(compound_in(a))
    add_item(first, basic[0], D("100000.00"))
    add_item(first, item_of("improve")[0], D("50000.00"))
    second = project_in(compound_in(a))
    add_item(second, basic[1])
    last_year = project_in(compound_in(a), plan_year=2025)
    add_item(last_year, basic[0], D("999999.00"))
    other = project_in(compound_in(b))
    add_item(other, item_of("upgrade")[0], D("200000.00"))
    return first, second, other


def categories_of(section):
    return {row[0]: row[1:] for row in section.tables[0].rows}


def test_the_mix_sums_the_years_items_by_category_in_10000_yuan(world, made):
    section = mix.build(scope_for(world["leader"]))
    rows = categories_of(section)
    assert list(rows) == list(ItemCategory.objects.values_list("name", flat=True))  # every category, in order
    assert rows["基础类"] == [2, D("10.00")]  # B's item has no estimate
    assert rows["完善类"] == [1, D("5.00")]
    assert rows["提升类"] == [1, D("20.00")]
    assert rows["室内装修类"] == [0, None]
    assert section.tables[0].total[1:] == [4, D("35.00")]
    slices = {s["name"]: s for s in section.chart["slices"]}
    assert (slices["提升类"]["value"], slices["提升类"]["items"]) == (20.0, 1)


def test_the_mixs_total_is_the_project_lists_estimated_total(world, made):
    scope = scope_for(world["leader"])
    total = mix.build(scope).tables[0].total[2]
    assert total * 10000 == estimated_total(scope.projects)


def test_district_staff_see_only_their_districts_items(world, made):
    rows = categories_of(mix.build(scope_for(world["district"])))
    assert rows["提升类"] == [0, None]  # G lies in 淄川区
    assert rows["基础类"] == [2, D("10.00")]


def test_a_category_opens_the_years_projects_with_its_items(world, made, client_for):
    section = mix.build(scope_for(world["leader"]))
    upgrade = next(s for s in section.chart["slices"] if s["name"] == "提升类")
    category = ItemCategory.objects.get(code="upgrade")
    assert upgrade["url"] == f"/projects/?plan_year=2026&item_category={category.pk}"
    page = client_for("leader").get(upgrade["url"]).content.decode()
    assert made[2].name in page and made[0].name not in page


def test_the_indicators_are_the_monthly_reports_own_cells(world):
    town = City(world)
    for user in (town.staff, town.jia_staff):
        section = mix.build(scope_for(user, year=2025, as_of=AFTER))
        report = progress(city=town.city, year=2025, as_of=AFTER, user=user).total
        quantities = [row[1] for row in section.tables[1].rows]
        assert quantities == [report.indicator(code) for code, _label, _unit in indicators()]
        assert {code: q for (code, _l, _u), q in zip(indicators(), quantities, strict=True) if q} == {
            code: q for code, q in report.indicators.items() if q
        }
    assert report.indicators  # the hand-made city's completed project has indicators to compare


def test_the_indicators_name_their_units_in_chinese(world):
    with translation.override("zh-hans"):
        section = mix.build(scope_for(world["leader"]))
        labels = [row[0] for row in section.tables[1].rows]
        assert "加装电梯（部）" in labels
        assert all("（" in label for label in labels)  # each names its unit
        assert [str(c) for c in section.tables[1].columns] == ["指标", "数量"]
        assert [str(c) for c in section.tables[0].columns] == ["类别", "改造内容项数", "估算投资（万元）"]
        assert str(section.title) == "改造内容构成与主要指标"


def test_the_mix_runs_the_same_queries_for_one_project_or_many(world, django_assert_num_queries):
    basic = item_of("basic")
    add_item(project_in(compound_in(world.community_a)), basic[0], D("1.00"))
    scope = scope_for(world["leader"])
    with django_assert_num_queries(2):  # the categories; the items by category
        mix.build(scope)
    for n in range(12):
        project = project_in(compound_in(world.community_a))
        add_item(project, basic[n % 3], D("10.00"))
        add_item(project, item_of("improve")[0])
    scope = scope_for(world["leader"])
    with django_assert_num_queries(2):
        section = mix.build(scope)
    assert section.tables[0].total[1] == 25


def test_the_dashboard_shows_the_indicators_and_draws_the_mix(world, made, client_for):
    html = client_for("leader").get("/dashboard/", {"year": 2026, "as_of": "2026-06-30"}).content.decode()
    assert 'id="dash-chart-mix"' in html
    assert "reports/dashboard/mix.js" in html
    assert html.count('data-figure="indicator"') == len(indicators())
