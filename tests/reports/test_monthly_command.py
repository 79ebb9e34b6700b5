"""manage.py monthly_report builds the month (or reuses the submitted one) and writes its files."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from reports.models import MonthlyReport
from reports.monthly.services import monthly_report_submit
from tests.reports.monthly_factories import MONTH, another_started_project, october

pytestmark = pytest.mark.django_db

XLSX = "淄博市2026年10月城镇老旧小区改造进度月报（第1版）.xlsx"
PDF = "淄博市2026年10月城镇老旧小区改造进度月报（第1版）.pdf"


def run(*args):
    out = io.StringIO()
    call_command("monthly_report", *args, stdout=out)
    return out.getvalue()


def test_the_command_builds_the_month_and_writes_its_spreadsheet_and_pdf(world, tmp_path):
    october(world)
    output = run("--city", "淄博市", "--month", "2026-10", "--out", str(tmp_path))
    report = MonthlyReport.objects.get(city=world.city, month=MONTH)
    assert report.built_by is None and report.status == "draft" and "built" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([XLSX, PDF])
    sheet = openpyxl.load_workbook(tmp_path / XLSX).worksheets[0]
    assert sheet["A1"].value == "淄博市2026年10月城镇老旧小区改造进度月报表"
    assert (tmp_path / PDF).read_bytes().startswith(b"%PDF")


def test_the_command_reuses_a_submitted_report_and_its_kept_files(world, tmp_path):
    october(world)
    run("--city", "370300", "--month", "2026-10", "--out", str(tmp_path / "first"))
    report = monthly_report_submit(report=MonthlyReport.objects.get(month=MONTH), user=world["city"])
    another_started_project(world)  # the data moves on; the submitted report does not
    output = run("--city", "淄博市", "--month", "2026-10", "--out", str(tmp_path / "again"))
    assert "reused" in output
    assert MonthlyReport.objects.filter(month=MONTH).count() == 1
    assert (tmp_path / "again" / XLSX).read_bytes() == report.xlsx_file.read()
    assert (tmp_path / "again" / PDF).read_bytes() == report.pdf_file.read()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--city", "淄博市", "--month", "2026/10"), "YYYY-MM"),
        (("--city", "没有这个市", "--month", "2026-10"), "No single city"),
        (("--city", "淄博市", "--month", "2099-01"), "尚未开始"),
    ],
)
def test_the_command_refuses_a_bad_month_or_city(world, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "--out", str(tmp_path))
