"""City staff build October's report in the browser (a job with its progress bar, run by a real
worker under CI), open it, submit it and download its .xlsx and PDF; the files read back as the
provincial table of the frozen snapshot."""

import io
from pathlib import Path

import openpyxl
from playwright.sync_api import expect

from reports.models import MonthlyReport
from tests.reports.monthly_factories import MONTH, october


def test_city_staff_build_submit_and_download_a_monthly_report(world, page, log_in, jobs_run, settings):
    settings.JOBS_IN_THREAD = True  # in-process: the page answers at once, as in the demo
    october(world)
    log_in("city")
    page.goto("/reports/monthly/")
    page.get_by_label("月份").fill("2026-10")
    page.get_by_role("button", name="生成月报").click()
    # The list comes back with the job's progress, then shows the month once it is built.
    link = page.locator("#monthly-list").get_by_role("link", name="2026-10")
    expect(link).to_be_visible(timeout=60000)
    expect(page.locator("#monthly-list")).to_contain_text("草稿")
    link.click()

    expect(page.locator("#monthly-table")).to_contain_text("张店区")
    expect(page.locator("#monthly-table")).to_contain_text("合计")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#monthly-locked")).to_be_visible()
    expect(page.get_by_role("button", name="重新生成")).to_have_count(0)
    report = MonthlyReport.objects.get(city=world.city, month=MONTH)
    assert report.is_submitted and report.submitted_by == world["city"]

    with page.expect_download() as download:
        page.locator("#monthly-xlsx").click()
    assert download.value.suggested_filename == "淄博市2026年10月城镇老旧小区改造进度月报（第1版）.xlsx"
    content = Path(download.value.path()).read_bytes()
    assert content == report.xlsx_file.read()
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["A1"].value == "淄博市2026年10月城镇老旧小区改造进度月报表"
    zhangdian = next(row for row in sheet.iter_rows(min_row=5, values_only=True) if row[1] == "张店区")
    assert zhangdian[2:11] == (4, 500, 20000, 2, 50, 0, 0, 200, 60)

    with page.expect_download() as download:
        page.locator("#monthly-pdf").click()
    assert download.value.suggested_filename.endswith("（第1版）.pdf")
    assert Path(download.value.path()).read_bytes() == report.pdf_file.read()
    assert page.console_errors == [], page.console_errors
