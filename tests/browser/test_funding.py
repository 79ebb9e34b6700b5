"""A project's money in the browser: the finance bureau records what arrived; the district requests
a disbursement from the project's money page; the finance bureau approves it from its 待办 with the
voucher number (记账凭证号); the money page shows it released and less available."""

import datetime
import importlib

from django.apps import apps
from playwright.sync_api import expect

from approvals.seeding import seed_city_flows
from funding.models import Disbursement, FundingSource, FundReceipt
from funding.services import plan_line_save
from projects.models import Project
from tests.factories import compound_in, project_in

from .test_approvals import logged_in


def city_budget():
    if not FundingSource.objects.exists():  # a transactional test emptied the tables migrations filled
        importlib.import_module("funding.migrations.0002_the_funding_sources").add_sources(apps, None)
    return FundingSource.objects.get(code="city_budget")


def test_a_receipt_a_disbursement_request_and_its_approval_change_the_money_page(
    world, chromium, live_server
):
    seed_city_flows(world.city)
    source = city_budget()
    project = project_in(
        compound_in(world.community_a), stage=Project.Stage.CONSTRUCTION, name="嘉和小区雨污分流改造"
    )
    plan_line_save(actor=world["city"], project=project, source=source, year=2026, amount=1_000_000)
    money_page = f"/funding/projects/{project.pk}/"

    # The finance bureau records 60 万 received.
    finance = logged_in(chromium, live_server, "finance")
    finance.goto(money_page)
    finance.locator("#receipt-add summary").click()
    form = finance.locator("#receipt-form")
    form.get_by_label("到位日期").fill(datetime.date.today().isoformat())
    form.get_by_label("资金来源").select_option(label="市级财政资金")
    amount = form.get_by_label("金额")
    expect(amount.locator("xpath=following-sibling::span[1]")).to_have_text("万元")
    amount.fill("60")
    form.get_by_label("文号").fill("淄财建〔2026〕8号")
    form.get_by_role("button", name="登记", exact=True).click()
    expect(finance.get_by_role("alert").filter(has_text="已登记")).to_be_visible()
    expect(finance.locator("#receipt-table")).to_contain_text("淄财建〔2026〕8号")
    expect(finance.locator("#total-received")).to_have_text("60.00")
    assert FundReceipt.objects.get(project=project).amount == 600_000

    # The district requests 40 万 from the project page's link to its money.
    district = logged_in(chromium, live_server, "district")
    district.goto(project.get_absolute_url())
    district.locator("#main").get_by_role("link", name="资金").click()
    expect(district.locator("#total-available")).to_have_text("60.00")
    district.locator("#disbursement-add summary").click()
    form = district.locator("#disbursement-form")
    form.get_by_label("资金来源").select_option(label="市级财政资金")
    form.get_by_label("金额").fill("40")
    form.get_by_label("收款单位").fill("淄博建工集团有限公司")
    form.get_by_label("用途").fill("首期工程款")
    form.get_by_role("button", name="提交审核").click()
    expect(district.get_by_role("alert").filter(has_text="正在审核")).to_be_visible()
    expect(district.locator("#disbursement-table")).to_contain_text("审批中")
    expect(district.locator("#total-available")).to_have_text("20.00")

    # The finance bureau approves it from its inbox, writing the voucher number.
    finance.get_by_role("link", name="待办").first.click()
    finance.get_by_role("link", name="淄博建工集团有限公司").first.click()
    finance.locator("#form-approve input[name=record]").fill("记-2026-0001")
    finance.locator("#form-approve").get_by_role("button", name="同意").click()
    expect(finance.get_by_role("alert").filter(has_text="已同意")).to_be_visible()

    finance.goto(money_page)
    expect(finance.locator("#total-released")).to_have_text("40.00")
    expect(finance.locator("#total-available")).to_have_text("20.00")
    row = finance.locator("#disbursement-table tbody tr").first
    expect(row).to_contain_text("已拨付")
    expect(row).to_contain_text("记-2026-0001")
    expect(finance.locator("#money-chart rect[data-bar=released]").first).to_have_attribute("width", "144")
    assert Disbursement.objects.get(project=project).state == "released"
    assert finance.console_errors == [] and district.console_errors == []
