"""Amounts typed in the browser read back in the unit and figure they were typed in (万元)."""

import datetime

from playwright.sync_api import expect

from projects.models import ProgressReport, Project, ProjectItem
from tests.factories import compound_in, project_in, renovation_item


def test_amounts_typed_in_the_item_grid_and_progress_form_read_back_as_typed(world, page, log_in):
    project = project_in(
        compound_in(world.community_a), stage=Project.Stage.CONSTRUCTION,
        started_on=datetime.date.today() - datetime.timedelta(days=30),
    )  # fmt: skip
    water = renovation_item(name="供水管网改造", unit="公里")
    log_in("clerk_a")
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="编辑改造内容").click()
    page.wait_for_load_state()

    first = page.locator("#item-grid tbody tr.item-row").first
    first.locator("select[name$='-item']").select_option(value=str(water.pk))
    first.locator("input[name$='-quantity']").fill("1.5")
    box = first.locator("input[name$='-estimated_cost']")
    unit = box.locator("xpath=following-sibling::span[1]")
    expect(unit).to_have_text("万元")
    assert unit.bounding_box()["x"] >= box.bounding_box()["x"] + box.bounding_box()["width"] - 1  # beside
    expect(page.locator("#item-grid thead")).to_contain_text("估算金额（万元）")
    box.fill("24")
    first.locator("input[name$='-bid_price']").fill("30.5")
    first.locator("input[name$='-actual_cost']").fill("0.0024")
    page.get_by_role("button", name="全部保存").click()

    expect(page.get_by_role("alert").filter(has_text="改造内容已保存")).to_be_visible()
    item_row = page.locator("#project-items tbody tr").filter(has_text=water.name)
    expect(item_row.locator("td.numeric").nth(1)).to_have_text("24.00")
    expect(item_row.locator("td.numeric").nth(2)).to_have_text("30.50")
    expect(item_row.locator("td.numeric").nth(3)).to_have_text("0.0024")  # 24 元, not 0.00
    saved = ProjectItem.objects.get(project=project)
    assert (str(saved.estimated_cost), str(saved.bid_price), str(saved.actual_cost)) == (
        "240000.00", "305000.00", "24.00",
    )  # fmt: skip

    page.get_by_role("link", name="编辑改造内容").click()
    first = page.locator("#item-grid tbody tr.item-row").first
    expect(first.locator("input[name$='-estimated_cost']")).to_have_value("24")
    expect(first.locator("input[name$='-bid_price']")).to_have_value("30.5")
    expect(first.locator("input[name$='-actual_cost']")).to_have_value("0.0024")

    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="填报进度").click()
    page.get_by_label("完成（%）").fill("40")
    invested = page.get_by_label("累计完成投资")
    expect(invested.locator("xpath=following-sibling::span[1]")).to_have_text("万元")
    invested.fill("24.5")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#progress")).to_contain_text("累计完成投资 24.50 万元")
    assert str(ProgressReport.objects.get(project=project).investment_to_date) == "245000.00"
    assert page.console_errors == [], page.console_errors
