"""A reviewer opens the inbox and the request, returns it with a reason; the submitter resubmits;
the reviewer sees what changed since the last round and approves."""

from playwright.sync_api import expect

from approvals.models import ApprovalRequest
from org.models import Region
from tests.approvals.conftest import decisions, flow, subject_registered, submit  # noqa: F401
from tests.factories import PASSWORD


def logged_in(chromium, live_server, username):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
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


def test_return_resubmit_and_approve_through_the_pages(world, flow, chromium, live_server):  # noqa: F811
    request = submit(world.community_a, world["district"])
    reviewer = logged_in(chromium, live_server, "clerk_a")

    reviewer.get_by_role("link", name="待办").first.click()
    expect(reviewer.locator("[data-menu-badge]")).to_contain_text("1")
    reviewer.get_by_role("link", name="华光路社区").click()
    expect(reviewer.locator("#stages")).to_contain_text("街道审核")
    # The reason is required: the browser keeps an empty return from being sent.
    reviewer.locator("#form-return textarea").fill("社区名称与批复文件不一致")
    reviewer.get_by_role("button", name="退回修改").click()
    expect(reviewer.get_by_role("alert").filter(has_text="已退回提交人修改")).to_be_visible()
    expect(reviewer.locator("#request-state")).to_have_text("退回修改")

    Region.objects.filter(pk=world.community_a.pk).update(name="华光路第一社区")
    submitter = logged_in(chromium, live_server, "district")
    submitter.goto("/approvals/sent/")
    submitter.get_by_role("link", name="华光路社区").click()
    expect(submitter.locator("#timeline")).to_contain_text("社区名称与批复文件不一致")
    submitter.locator("#form-resubmit textarea").fill("已按批复文件更正名称")
    submitter.get_by_role("button", name="重新提交").click()
    expect(submitter.get_by_role("alert").filter(has_text="已重新提交")).to_be_visible()

    reviewer.goto("/approvals/")
    reviewer.get_by_role("link", name="华光路第一社区").click()
    changes = reviewer.locator("#changes")
    expect(changes).to_contain_text("与上一轮相比的变化")
    expect(changes.locator("del")).to_have_text("华光路社区")
    expect(changes.locator("ins")).to_have_text("华光路第一社区")
    reviewer.locator("#form-approve textarea").fill("同意")
    reviewer.get_by_role("button", name="同意").click()
    expect(reviewer.get_by_role("alert").filter(has_text="已同意")).to_be_visible()

    request = ApprovalRequest.objects.select_related("current_stage").get(pk=request.pk)
    assert (request.current_stage.name, request.round) == ("联合审查", 2)
    assert reviewer.console_errors == [] and submitter.console_errors == []
