"""A person logs in through the form, sees their home page, and logs out."""

import re

from playwright.sync_api import expect


def test_clerk_logs_in_sees_home_and_logs_out(world, page, log_in):
    log_in("clerk_a")
    expect(page.get_by_role("heading", name="街道办事处")).to_be_visible()
    expect(page.get_by_role("link", name="淄博市 张店区 车站街道")).to_be_visible()

    page.get_by_role("button", name=re.compile("张丽")).click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/**")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_text("您已退出登录")).to_be_visible()
    assert page.console_errors == [], page.console_errors  # a CSP violation would show here


def test_wrong_password_shows_a_chinese_message(world, page):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("clerk_a")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("请输入")


def test_language_switch_to_english(world, page, log_in):
    log_in("leader")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("link", name="Old Compound Renovation Portal")).to_be_visible()
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("link", name="城镇老旧小区改造管理平台")).to_be_visible()


def test_sysadmin_watches_the_selfcheck_progress_to_the_end(world, page, log_in, jobs_run, settings):
    settings.JOBS_IN_THREAD = True  # in-process: the page answers at once, as in the demo
    log_in("sysadmin")
    page.goto("/system/")
    page.get_by_role("button", name="运行自检").click()
    # The job page comes at once with its progress bar, before the PDF is rendered.
    expect(page.get_by_role("progressbar")).to_be_visible(timeout=3000)
    expect(page.get_by_text("已完成")).to_be_visible(timeout=60000)
    expect(page.get_by_text("测试PDF生成用时")).to_be_visible()
    expect(page.get_by_text("pdf_bytes")).to_have_count(0)
    assert page.console_errors == [], page.console_errors
