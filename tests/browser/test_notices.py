"""Notices in the browser: district staff open a project under construction, follow its 公文 link,
issue a 施工告知书 in their district bureau's name, and find it in the register with its number and
its PDF; city staff void it with a reason and the register keeps the number, struck through."""

import subprocess

import pytest
from playwright.sync_api import expect

from config.celery import app as celery_app
from reports.models import Notice
from tests.reports.notices.factories import construction_in, notice_issuers

from .test_approvals import logged_in


@pytest.fixture
def eager_tasks():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # the render job runs in the server, as a worker would
    yield
    celery_app.conf.task_always_eager = previous


def test_district_staff_issue_a_construction_notice_and_city_staff_void_it(
    world, chromium, live_server, eager_tasks, needs_poppler
):
    notice_issuers()
    project = construction_in(world.community_a, name="嘉和小区改造项目", supervisor="山东正信监理有限公司")

    district = logged_in(chromium, live_server, "district")
    district.goto(project.get_absolute_url())
    district.locator("#main").get_by_role("link", name="公文").click()
    district.get_by_role("link", name="施工告知书").click()
    expect(district.get_by_label("发文机关")).to_have_value(str(notice_issuers()["张建"].pk))
    expect(district.get_by_label("标题")).to_have_value("嘉和小区改造项目施工告知书")
    district.get_by_label("联系人及电话").fill("李敏 0533-2286110")
    district.get_by_role("button", name="签发", exact=True).click()
    expect(district.get_by_role("alert").filter(has_text="张建〔2026〕1号已签发")).to_be_visible()
    expect(district.get_by_role("heading", level=1)).to_contain_text(
        "张建〔2026〕1号 嘉和小区改造项目施工告知书"
    )

    district.get_by_role("link", name="发文登记簿").click()
    row = district.locator("tbody tr").filter(has_text="张建〔2026〕1号")
    expect(row).to_contain_text("施工告知书")
    expect(row).to_contain_text("已签发")
    response = district.request.get(row.locator("a[href$='/pdf/']").get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.body(), capture_output=True, check=True
    ).stdout
    text = "".join(text.decode().split())
    assert "张建〔2026〕1号" in text and "山东正信监理有限公司" in text and "李敏0533-2286110" in text
    assert not district.console_errors

    city = logged_in(chromium, live_server, "city")
    city.goto(Notice.objects.get().get_absolute_url())
    city.get_by_label("作废原因").fill("监理单位名称有误，重新发文")
    city.get_by_role("button", name="作废", exact=True).click()
    expect(city.get_by_role("alert").filter(has_text="张建〔2026〕1号已作废")).to_be_visible()
    expect(city.locator("main, #main").first).to_contain_text("监理单位名称有误，重新发文")
    city.goto("/reports/notices/?status=voided")
    expect(city.locator("tbody tr s")).to_have_text("张建〔2026〕1号")
    assert not city.console_errors
