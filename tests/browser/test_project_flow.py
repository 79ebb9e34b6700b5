"""A project through its declaration and joint review, in the browser, each desk from its own inbox:
the street clerk declares; the district, the city programme office and the city government pass the
declaration; the five departments review jointly, the finance bureau sends it back once, the clerk
puts it right and resubmits, every department reviews again (the finance bureau seeing what
changed); the city bureau issues the 批复 with its 文号 and the project moves on."""

import datetime

from playwright.sync_api import expect

from approvals.seeding import seed_city_flows
from org.models import Organisation
from org.roles import DEPT_REVIEWER
from projects.models import Project
from tests.factories import compound_in, make_user, project_in

from .test_approvals import logged_in

JOINT_REVIEWERS = ("city", "reviewer_ndrc", "finance", "reviewer_nr", "reviewer_approval")


def decide_from_inbox(chromium, live_server, username, project_name, *, record=""):
    """``username`` opens 待办, the project's request, and approves it (with the 文号, if asked)."""
    page = logged_in(chromium, live_server, username)
    page.get_by_role("link", name="待办").first.click()
    page.get_by_role("link", name=project_name).click()
    if record:
        page.locator("#form-approve input[name=record]").fill(record)
    page.locator("#form-approve textarea").fill("同意。")
    page.locator("#form-approve").get_by_role("button", name="同意").click()
    expect(page.get_by_role("alert").filter(has_text="已同意")).to_be_visible()
    page.context.close()


def test_a_project_through_declaration_and_joint_review_desk_by_desk(world, chromium, live_server):
    seed_city_flows(world.city)
    for username, name in (
        ("reviewer_ndrc", "淄博市发展和改革委员会"),
        ("reviewer_nr", "淄博市自然资源和规划局"),
        ("reviewer_approval", "淄博市行政审批服务局"),
    ):
        make_user(username, Organisation.objects.get(name=name), DEPT_REVIEWER)
    project = project_in(
        compound_in(world.community_a), stage=Project.Stage.DECLARATION, name="福禄小区综合整治"
    )
    today = datetime.date.today().isoformat()

    # The street clerk declares the project: its declaration starts, her street office's stage passed.
    clerk = logged_in(chromium, live_server, "clerk_a")
    clerk.goto(project.get_absolute_url())
    clerk.locator("#next-step input[type=date]").fill(today)
    clerk.get_by_role("button", name="申报年度计划").click()
    expect(clerk.locator("#step-flow")).to_contain_text("年度计划申报")
    expect(clerk.locator("#step-flow")).to_contain_text("张店区住房和城乡建设局")

    for username in ("district", "city", "leader"):
        decide_from_inbox(chromium, live_server, username, "福禄小区综合整治")

    # The joint review started by itself; the finance bureau sends it back.
    finance = logged_in(chromium, live_server, "finance")
    finance.get_by_role("link", name="待办").first.click()
    finance.get_by_role("link", name="福禄小区综合整治").click()
    expect(finance.locator("#stages")).to_contain_text("联合审查")
    finance.locator("#form-return textarea").fill("施工单位未明确，请补充")
    finance.get_by_role("button", name="退回修改").click()
    expect(finance.locator("#request-state")).to_have_text("退回修改")

    # The clerk reads why on the project page, names the contractor and resubmits.
    clerk.goto(project.get_absolute_url())
    expect(clerk.locator("#approval-refusal")).to_contain_text("施工单位未明确，请补充")
    clerk.goto(f"/projects/{project.pk}/edit/")
    clerk.get_by_label("施工单位").fill("淄博建工集团有限公司")
    clerk.get_by_role("button", name="保存").click()
    clerk.goto(project.get_absolute_url())
    clerk.locator("#approval-refusal").get_by_role("link", name="修改后重新提交").click()
    clerk.locator("#form-resubmit textarea").fill("已明确施工单位")
    clerk.get_by_role("button", name="重新提交").click()
    expect(clerk.get_by_role("alert").filter(has_text="已重新提交")).to_be_visible()

    # Round 2: every department reviews again; the finance bureau sees what changed.
    finance.goto("/approvals/")
    finance.get_by_role("link", name="福禄小区综合整治").click()
    expect(finance.locator("#changes")).to_contain_text("施工单位")
    expect(finance.locator("#changes ins")).to_contain_text("淄博建工集团有限公司")
    finance.context.close()
    for username in JOINT_REVIEWERS:
        decide_from_inbox(chromium, live_server, username, "福禄小区综合整治")
    decide_from_inbox(chromium, live_server, "city", "福禄小区综合整治", record="淄建改批〔2026〕7号")

    clerk.goto(project.get_absolute_url())
    expect(clerk.locator("#stages [aria-current=step]")).to_contain_text("招投标")
    expect(clerk.locator("#overview")).to_contain_text("淄建改批〔2026〕7号")
    project.refresh_from_db()
    assert (project.stage, project.approval_number) == (Project.Stage.PROCUREMENT, "淄建改批〔2026〕7号")
    assert clerk.console_errors == []
