"""The dashboard in Chromium: the leader reads the whole city and drills down by clicking the charts
themselves — a district's bar, then a street's, then a project's, which opens the project's page;
a district's staff read only their own district's numbers."""

import datetime
from decimal import Decimal

from playwright.sync_api import expect

from org.models import Region
from projects.models import Project
from tests.factories import compound_in, project_in
from tests.reports.monthly_factories import october

AS_OF = "2026-10-31"
DASHBOARD = f"/dashboard/?year=2026&as_of={AS_OF}"


def zichuan_project(world):
    """A project of 淄川区 over one compound of 60 households, started in October."""
    community = Region.objects.filter(
        path__startswith=world.district_b.path, level=Region.Level.COMMUNITY
    ).first()
    compound = compound_in(community, household_count=60, building_count=1, floor_area=Decimal("4000.00"))
    project = project_in(compound, plan_year=2026)
    Project.objects.filter(pk=project.pk).update(stage="construction", started_on=datetime.date(2026, 10, 12))
    return project


def click_bar(page, chart_id, name):
    """Click the bar of category ``name`` in the chart ``chart_id``: ECharts draws on a canvas, so
    the bar's pixel is asked of the chart itself, and the mouse clicks there as a user would."""
    chart = page.locator(f"#{chart_id}")
    expect(chart).to_have_attribute("data-drawn", "true")
    chart.scroll_into_view_if_needed()
    point = page.evaluate(
        """([id, name]) => {
            const chart = echarts.getInstanceByDom(document.getElementById(id));
            const index = chart.getOption().yAxis[0].data.findIndex((label) => label.startsWith(name));
            const bar = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(index);
            return [bar.x + bar.width / 2, bar.y + bar.height / 2];
        }""",
        [chart_id, name],
    )
    box = chart.bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def test_the_leader_drills_from_the_city_to_a_project_by_clicking_the_charts(world, page, log_in):
    project = october(world)
    zichuan_project(world)
    log_in("leader")
    page.goto(DASHBOARD)
    expect(page.locator('[data-kpi="compounds"] [data-figure="started"]')).to_have_text("3")
    expect(page.locator("#dash-compare-tables")).to_contain_text("淄川区")

    click_bar(page, "dash-chart-compare", "张店区")
    page.wait_for_url(f"**region={world.district_a.pk}**")
    expect(page.locator("#dashboard-trail")).to_contain_text("张店区")
    expect(page.locator('[data-kpi="compounds"] [data-figure="started"]')).to_have_text("2")

    click_bar(page, "dash-chart-compare", "车站街道")
    page.wait_for_url(f"**region={world.street_a.pk}**")

    click_bar(page, "dash-chart-compare", project.name)
    page.wait_for_url(f"**{project.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(project.name)
    assert page.console_errors == [], page.console_errors


def test_district_staff_read_only_their_districts_numbers(world, page, log_in):
    october(world)
    zichuan_project(world)
    log_in("district")
    page.goto(DASHBOARD)
    expect(page.locator("#dashboard-trail")).to_contain_text("张店区")
    # 张店区's two compounds started in October; 淄川区's is not theirs to count.
    expect(page.locator('[data-kpi="compounds"] [data-figure="started"]')).to_have_text("2")
    expect(page.locator('[data-kpi="households"] [data-figure="started"]')).to_have_text("200")
    expect(page.locator("main")).not_to_contain_text("淄川区")
    page.goto(f"{DASHBOARD}&region={world.district_b.pk}")
    expect(page.locator("main")).not_to_contain_text("淄川区")
    assert page.console_errors == [] or all("404" in error for error in page.console_errors)
