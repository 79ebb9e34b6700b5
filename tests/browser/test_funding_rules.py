"""Funding rules in the browser, on a tablet: the city bureau adds 芒市's contribution rule on the
policy page; on a 芒市-style project's money page the district reads the proposal with its figures,
adjusts it with a reason, then accepts it as proposed. Every button is big enough to tap."""

import datetime
import importlib
from decimal import Decimal

from django.apps import apps
from django.urls import reverse
from playwright.sync_api import expect

from funding.models import FundingPlanLine, FundingRule, FundingSource
from projects.models import Building
from tests.factories import city_policy, compound_in, project_in

from .test_tablet import SMALL_TARGETS

TABLET = {"width": 768, "height": 1024}
BASIS = "单元楼小区 120 户 × 1,500 元 = 180,000 元，依据淄政办字〔2020〕49号"


def sources():
    if not FundingSource.objects.exists():  # a transactional test emptied the tables migrations filled
        importlib.import_module("funding.migrations.0002_the_funding_sources").add_sources(apps, None)


def test_a_rule_added_on_the_policy_page_proposes_a_line_that_is_adjusted_then_accepted(world, page, log_in):
    sources()
    policy = city_policy(world.city).policy
    compound = compound_in(world.community_a, household_count=120, name="华光路单元楼小区")
    for number in (1, 2):
        Building.objects.create(compound=compound, number=f"{number}号楼", storeys=6)
    project = project_in(compound, approved_on=datetime.date(2026, 3, 1))
    page.set_viewport_size(TABLET)

    # The city bureau adds the rule from the policy page.
    log_in("city")
    page.goto(reverse("org:citypolicy_detail", args=[policy.pk]))
    section = page.locator("#policy-funding")
    expect(section).to_contain_text("本政策未设定资金规则")
    section.get_by_role("button", name="新增规则").click()
    section.get_by_role("link", name="按小区类型每户出资").click()
    page.get_by_label("计入资金来源").select_option(label="居民出资（现金）")
    page.get_by_label("单元楼小区每户出资").fill("1500")
    page.get_by_label("其他小区每户出资").fill("2000")
    assert page.evaluate(SMALL_TARGETS) == []
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").filter(has_text="已保存")).to_be_visible()
    rule = page.locator("#policy-funding [id^=funding-rule-]").first
    expect(rule).to_contain_text("按小区类型每户出资 → 居民出资（现金）")
    expect(rule).to_contain_text("1,500 元/户")
    expect(rule).to_contain_text("淄政办字〔2020〕49号")
    expect(page.locator("#history")).to_contain_text("新增资金规则")
    assert page.evaluate(SMALL_TARGETS) == []
    page.context.clear_cookies()

    # The district reads the proposal on the project's money page and adjusts it.
    log_in("district")
    page.goto(reverse("funding:project_funding", args=[project.pk]))
    proposal = page.locator("#proposals li").first
    expect(proposal).to_contain_text(BASIS)
    expect(proposal).to_contain_text("18.00 万元")
    assert page.evaluate(SMALL_TARGETS) == []
    proposal.locator("summary", has_text="调整").click()
    proposal.get_by_label("计划金额").fill("15")
    proposal.get_by_label("原因").fill("部分住户已预缴维修资金")
    proposal.get_by_role("button", name="按此金额列入计划").click()
    expect(page.get_by_role("alert").filter(has_text="已按调整后的金额列入计划")).to_be_visible()
    proposal = page.locator("#proposals li").first
    expect(proposal).to_contain_text("已调整")
    expect(proposal).to_contain_text("部分住户已预缴维修资金")
    line = FundingPlanLine.objects.get(project=project)
    assert (line.amount, line.note, line.rule) == (
        Decimal("150000.00"),
        "部分住户已预缴维修资金",
        FundingRule.objects.get(),
    )

    # Then accepts the proposed figure after all; the plan's line carries the basis.
    proposal.get_by_role("button", name="采纳").click()
    expect(page.locator("#proposals li").first).to_contain_text("已采纳")
    page.locator("#plan-lines > summary").click()
    expect(page.locator("#plan-lines")).to_contain_text(BASIS)
    assert FundingPlanLine.objects.get(project=project).amount == Decimal("180000.00")
    assert page.console_errors == [], page.console_errors
