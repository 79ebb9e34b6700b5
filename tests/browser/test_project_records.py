"""A project's items grid, inspection and archive in the browser: the work a programme office does
between the start of construction and completion acceptance."""

import datetime

from playwright.sync_api import expect

from projects.models import Finding, Project, ProjectItem
from tests.factories import compound_in, project_in, renovation_item


def test_city_staff_fill_the_item_grid_and_see_totals_per_category(world, page, log_in):
    project = project_in(compound_in(world.community_a), stage=Project.Stage.DESIGN)
    # Browser tests empty the tables between tests, the catalogue's fixture included.
    water = renovation_item(name="供水管网改造", unit="公里")
    lift = renovation_item(name="加装电梯", unit="部")
    log_in("city")
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="编辑改造内容").click()
    page.wait_for_load_state()  # the grid's script is deferred

    rows = page.locator("#item-grid tbody tr.item-row")
    rows.nth(0).locator("select[name$='-item']").select_option(value=str(water.pk))
    expect(rows.nth(0).locator(".unit-cell")).to_have_text(water.unit)
    rows.nth(0).locator("input[name$='-quantity']").fill("1.5")
    rows.nth(0).locator("input[name$='-estimated_cost']").fill("30")  # 万元
    # A bad cell: the whole grid is refused, naming the row, and what was typed stays.
    rows.nth(1).locator("select[name$='-item']").select_option(value=str(lift.pk))
    rows.nth(1).locator("input[name$='-quantity']").fill("-2")
    page.get_by_role("button", name="全部保存").click()
    expect(page.locator("#grid-errors")).to_contain_text("第2行")
    assert not ProjectItem.objects.filter(project=project).exists()

    rows = page.locator("#item-grid tbody tr.item-row")
    rows.nth(1).locator("input[name$='-quantity']").fill("2")
    rows.nth(1).locator("input[name$='-estimated_cost']").fill("90")
    # More rows come from the template and count in the management form.
    page.get_by_role("button", name="增加行").click()
    expect(page.locator("#item-grid tbody tr.item-row")).to_have_count(8)
    page.get_by_role("button", name="全部保存").click()

    expect(page.get_by_role("alert").filter(has_text="改造内容已保存")).to_be_visible()
    items = page.locator("#project-items")
    expect(items).to_contain_text(water.name)
    expect(items.locator("#items-grand-total")).to_contain_text("120.00")  # 万元
    assert ProjectItem.objects.filter(project=project).count() == 2
    assert page.console_errors == [], page.console_errors


def test_an_open_critical_finding_blocks_acceptance_until_it_is_closed(world, page, log_in):
    project = project_in(compound_in(world.community_a), stage=Project.Stage.ACCEPTANCE)
    log_in("city")
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="登记督导检查").click()
    today = datetime.date.today()
    page.get_by_label("检查日期").fill(today.isoformat())
    page.get_by_label("检查单位").fill("市住建局督导组")
    first = page.locator("#findings-grid tbody tr").first
    first.locator("input[name$='-description']").fill("消防通道被占用")
    first.locator("select[name$='-severity']").select_option("critical")
    first.locator("input[name$='-deadline']").fill((today + datetime.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").filter(has_text="督导检查已登记")).to_be_visible()

    step = page.locator("#next-step")
    expect(step.locator("#step-blockers")).to_contain_text("消防通道被占用")
    expect(step.get_by_role("button", name="登记竣工验收")).to_be_disabled()
    # The archive's missing document types are listed at the acceptance step.
    expect(step.locator("#step-warnings")).to_contain_text("竣工验收记录")

    finding = page.locator("#inspections .finding").first
    finding.locator("summary").click()
    finding.get_by_label("整改情况").fill("已清理通道并设置禁停标识")
    finding.get_by_role("button", name="整改销号").click()
    expect(page.get_by_role("alert").filter(has_text="问题整改销号")).to_be_visible()
    assert Finding.objects.get().closed_on == today

    page.locator("#attachment-kind").select_option("acceptance")
    page.locator("#attachment-file").set_input_files(
        {"name": "竣工验收记录.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    page.locator("#attachments").get_by_role("button", name="上传").click()
    expect(page.locator("#attachments")).to_contain_text("竣工验收记录.pdf")
    expect(page.locator("#step-warnings")).not_to_contain_text("竣工验收记录")

    step = page.locator("#next-step")
    step.get_by_label("竣工验收日期").fill(today.isoformat())
    step.get_by_role("button", name="登记竣工验收").click()
    expect(page.locator("#stages [aria-current=step]")).to_have_text("移交管理")
    assert page.console_errors == [], page.console_errors
