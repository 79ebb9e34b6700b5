"""The portal on a tablet (768×1024 portrait, 1024×768 landscape) and a laptop (1366×900).

Tables keep each cell on one line and scroll sideways with their first column fixed; every button
and row action of the page is at least 44×44 px where a finger presses it; the project page has an
in-page menu that stays at the top; the navigation bar is one line at 1366 px in both languages.
"""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects.models import ProgressReport, Project, ProjectItem
from projects.registry.services import compound_create
from tests.factories import attachment_in, city_policy, compound_in, finding_in, project_in, renovation_item

TABLET = [(768, 1024), (1024, 768)]
SIZES = [*TABLET, (1366, 900)]
LONG_NAME = "华光路北段橡胶厂职工宿舍小区"

# Every list page of the portal and who reads it.
LISTS = [
    ("projects:compound_list", "city"),
    ("projects:project_list", "city"),
    ("projects:renovationitem_list", "city"),
    ("org:region_list", "city"),
    ("org:organisation_list", "city"),
    ("org:citypolicy_list", "city"),
    ("core:auditentry_list", "auditor"),
]

# Name cells: the first cell of each table row (and each name of the region tree), its text
# measured against its line height.
NAMES = """() => [
  ...[...document.querySelectorAll("main table tbody tr")].map(tr => tr.cells[0]),
  ...document.querySelectorAll("main .region-tree a"),
].filter(cell => cell && !(cell.colSpan > 1) && cell.textContent.trim())"""
WRAPPED_NAME_CELLS = (
    """() => ("""
    + NAMES
    + """)().flatMap(cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const lineHeight = parseFloat(getComputedStyle(cell).lineHeight);
  const height = range.getBoundingClientRect().height;
  return height > lineHeight * 1.5 ? [`${cell.textContent.trim()}: ${height}px, line ${lineHeight}px`] : [];
})"""
)

# Buttons, links styled as buttons, pagination and the section menu inside <main>, as shown.
SMALL_TARGETS = """() => [...document.querySelectorAll(
  "main button, main .btn, main .page-link, main input[type=submit], main .section-nav .nav-link, main summary"
)].flatMap(el => {
  const box = el.getBoundingClientRect();
  if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") return [];
  return box.height < 43.5 || box.width < 43.5
    ? [`${el.textContent.trim() || el.outerHTML.slice(0, 60)}: ${box.width}×${box.height}`] : [];
})"""


@pytest.fixture
def filled(world):
    """Rows with long Chinese names in every list, and a project with every section filled."""
    policy = city_policy(world.city)
    compound_create(
        actor=world["city"], community=world.community_a, name=LONG_NAME, code="ZD-0001", year_built=1990,
        floor_area="35800.50", building_count=6, household_count=216,
    )  # fmt: skip
    compounds = [compound_in(world.community_a, name=f"{LONG_NAME}{n}期") for n in range(1, 4)]
    project = project_in(*compounds, name="华光路片区老旧小区综合改造项目", stage=Project.Stage.CONSTRUCTION)
    item = renovation_item(name="小区内道路及停车设施改造", unit="平方米")
    ProjectItem.objects.create(project=project, item=item, quantity="1800", estimated_cost="396000.00")
    ProgressReport.objects.create(
        project=project, reported_on=datetime.date(2026, 8, 1), percent=40,
        investment_to_date="150000.00", reported_by=world["clerk_a"],
    )  # fmt: skip
    finding_in(project)
    attachment_in(project, world["clerk_a"], name="华光路片区改造方案（报批稿）.pdf")
    return {"project": project, "policy": policy}


def open_as(page, log_in, persona, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    log_in(persona)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_list_pages_keep_names_on_one_line_and_buttons_big_enough(filled, page, log_in, size):
    for persona in ("city", "auditor"):
        open_as(page, log_in, persona, size)
        for url_name, reader in LISTS:
            if reader != persona:
                continue
            page.goto(reverse(url_name))
            assert page.evaluate(f"() => ({NAMES})().length") > 0, url_name
            assert page.evaluate(WRAPPED_NAME_CELLS) == [], (url_name, size)
            if size in TABLET:
                assert page.evaluate(SMALL_TARGETS) == [], (url_name, size)
        page.context.clear_cookies()
    assert page.console_errors == [], page.console_errors


@pytest.mark.parametrize("size", TABLET, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_wide_list_scrolls_sideways_with_its_first_column_fixed(filled, page, log_in, size):
    open_as(page, log_in, "city", size)
    page.goto(reverse("projects:compound_list"))
    wrapper = page.locator("main .table-responsive").first
    assert wrapper.evaluate("el => el.scrollWidth > el.clientWidth")  # wider than the screen: it scrolls
    name = page.locator("main table tbody tr").first.locator("td").first
    left = name.bounding_box()["x"]
    wrapper.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert abs(name.bounding_box()["x"] - left) < 1  # the name stays where it was
    expect(name).to_contain_text(LONG_NAME)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_project_page_has_a_sticky_section_menu_and_big_enough_buttons(filled, page, log_in, size):
    open_as(page, log_in, "clerk_a", size)
    page.goto(filled["project"].get_absolute_url())
    menu = page.locator("#section-nav")
    for label in ("概况", "下一步", "改造内容", "进度", "检查", "档案", "小区", "变更记录"):
        expect(menu.get_by_role("link", name=label, exact=True)).to_be_visible()
    assert page.evaluate(WRAPPED_NAME_CELLS) == []
    if size in TABLET:
        assert page.evaluate(SMALL_TARGETS) == []
    # One tap reaches the archive; the menu stays at the top of the screen.
    menu.get_by_role("link", name="档案", exact=True).click()
    page.wait_for_url("**#attachments")
    expect(page.locator("#attachments")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 500
    page.wait_for_function(
        "() => Math.abs(document.querySelector('#section-nav').getBoundingClientRect().top) < 1"
    )
    # The district closes findings and uploads files: its forms' buttons are as big.
    page.context.clear_cookies()
    log_in("district")
    page.goto(filled["project"].get_absolute_url())
    assert page.evaluate(WRAPPED_NAME_CELLS) == []
    if size in TABLET:
        assert page.evaluate(SMALL_TARGETS) == []
    assert page.console_errors == [], page.console_errors


@pytest.mark.parametrize("language", ["中文", "English"])
def test_navigation_bar_is_one_line_at_1366_and_the_demo_badge_covers_nothing(filled, page, log_in, language):
    open_as(page, log_in, "city", (1366, 900))
    if language == "English":
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("button", name="中文")).to_be_visible()
    page.goto(reverse("projects:compound_list"))
    tops = page.locator("#mainnav .navbar-nav > .nav-item").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    # Nothing pushed beyond the right edge either.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    bar = page.locator("nav.navbar .container-fluid")
    assert bar.evaluate("el => el.scrollWidth <= el.clientWidth")
    switch = page.locator("button[name=language]")
    line = switch.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert (
        switch.evaluate(
            "el => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect().height; }"
        )
        < line * 1.5
    )
    # The demo mode note sits above the menu, not on the page's tables.
    badge = page.get_by_text("演示/开发模式" if language == "中文" else "Demo / development mode")
    expect(badge).to_be_visible()
    assert badge.evaluate("el => getComputedStyle(el).position") == "static"
    main_top = page.locator("main").bounding_box()["y"]
    assert badge.bounding_box()["y"] + badge.bounding_box()["height"] <= main_top


def test_the_template_download_is_a_normal_button(filled, page, log_in):
    open_as(page, log_in, "city", (1366, 900))
    page.goto(reverse("core:import_start", args=["compounds"]))
    link = page.get_by_role("link", name="下载导入模板")
    assert "btn-secondary" in link.get_attribute("class").split()
