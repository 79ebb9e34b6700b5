"""The dashboard's wall screen and print layout in Chromium: the wall fits one 1920×1080 screen
without scrolling, its charts drawn and its clock running; printing gives A4 pages, a section a
page, every chart drawn and its tables unfolded; the export button downloads the workbook."""

import subprocess

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, compound_in, project_in

# Every chart drawn (dashboard.js marks one once its first rendering and animation are over).
UNDRAWN = ".dash-chart:not([data-drawn])"


@pytest.fixture
def project(world):
    return project_in(compound_in(world.community_a), stage="construction", name="车站街道在建项目")


def _logged_in(chromium, live_server, username, viewport):
    context = chromium.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    return page


def test_the_wall_screen_fits_one_full_hd_screen_without_scrolling(world, chromium, live_server, project):
    page = _logged_in(chromium, live_server, "leader", {"width": 1920, "height": 1080})
    page.goto("/dashboard/wall/")
    expect(page.locator(UNDRAWN)).to_have_count(0)
    assert page.evaluate("document.scrollingElement.scrollHeight") <= 1080
    charts = page.locator(".dash-chart")
    assert charts.count() == page.locator(".dash-chart[data-drawn=true]").count() > 0
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box["height"] >= 150 and box["y"] + box["height"] <= 1080, charts.nth(index).get_attribute(
            "id"
        )
    first = page.locator("[data-wall-clock]").text_content()
    page.wait_for_timeout(1100)
    assert page.locator("[data-wall-clock]").text_content() != first
    assert page.console_errors == []


def test_printing_gives_a_section_a_page_with_charts_and_tables(
    world, chromium, live_server, project, needs_poppler, tmp_path
):
    page = _logged_in(chromium, live_server, "leader", {"width": 1366, "height": 900})
    page.goto("/dashboard/")
    expect(page.locator(UNDRAWN)).to_have_count(0)
    titles = page.locator(".dash-section h2").all_text_contents()
    page.emulate_media(media="print")
    assert page.locator("#dashboard-tools").is_hidden() and page.locator(".navbar").is_hidden()
    assert page.locator(".dash-tables").first.is_visible()  # the tables unfolded
    widths = page.evaluate("Array.from(document.querySelectorAll('.dash-chart canvas')).map(c => c.width)")
    assert widths and all(width > 0 for width in widths)
    pdf = tmp_path / "dashboard.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages >= len(titles)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    tops = {
        next((line.strip() for line in sheet.splitlines() if line.strip()), "") for sheet in text.split("\f")
    }
    for title in titles[1:]:  # every section but the first (with the page's heading) starts a page
        assert title in tops, title
    assert page.console_errors == []


def test_the_export_button_downloads_the_workbook(world, chromium, live_server, project):
    page = _logged_in(chromium, live_server, "district", {"width": 768, "height": 1024})
    page.goto("/dashboard/")
    with page.expect_download() as download:
        page.locator("#dashboard-export").click()
    assert download.value.suggested_filename.startswith("张店区老旧小区改造驾驶舱")
    assert download.value.suggested_filename.endswith(".xlsx")
