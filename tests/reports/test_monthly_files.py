"""The monthly report's .xlsx in the provincial layout (merged two-row headers, a row per district,
合计, the sign-off line) read back cell by cell, and its PDF read back as text."""

import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest

from reports.monthly.documents import monthly_pdf, monthly_xlsx, report_filename
from reports.monthly.services import monthly_report_build, monthly_report_submit
from reports.progress import indicators
from tests.reports.monthly_factories import MONTH, october

pytestmark = pytest.mark.django_db

FIXED = ["quota_compounds", "quota_households", "quota_floor_area", "started_compounds", "start_rate",
         "completed_compounds", "completion_rate", "started_households", "completed_investment"]  # fmt: skip


@pytest.fixture
def report(world):
    october(world)
    built = monthly_report_build(city=world.city, month=MONTH, user=world["city"])
    return monthly_report_submit(report=built, user=world["city"])


def expected_cell(figures, key):
    """A figure as the sheet must hold it, worked out from the snapshot here: counts as integers,
    m² and indicators as numbers, rates in percent, money in 万元 with two places."""
    if key.startswith("indicator:"):
        return float(Decimal(figures["indicators"].get(key.split(":", 1)[1], "0")))
    value = figures[key]
    if key == "completed_investment":
        return float((Decimal(value) / 10000).quantize(Decimal("0.01")))
    if key in ("start_rate", "completion_rate"):
        return None if value is None else float(Decimal(value))
    if key == "quota_floor_area":
        return float(Decimal(value))
    return int(value)


def test_the_spreadsheet_has_the_provincial_layout_and_every_number(world, report):
    workbook = openpyxl.load_workbook(io.BytesIO(monthly_xlsx(report)))
    sheet = workbook.worksheets[0]
    codes = [code for code, _label, _unit in indicators()]
    width = 2 + len(FIXED) + len(codes)
    assert sheet["A1"].value == "淄博市2026年10月城镇老旧小区改造进度月报表"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    last = openpyxl.utils.get_column_letter(width)
    assert {f"A1:{last}1", "A3:A4", "B3:B4", "C3:E3", "F3:G3", "H3:I3", "J3:J4", "K3:K4"} <= merged
    assert f"L3:{last}3" in merged  # the indicators under one group header
    top = [sheet.cell(row=3, column=c).value for c in range(1, 12)]
    assert top == [
        "序号",
        "区县",
        "年度任务",
        None,
        None,
        "开工",
        None,
        "完工",
        None,
        "惠及户数（户）",
        "完成投资（万元）",
    ]
    below = [sheet.cell(row=4, column=c).value for c in range(3, 10)]
    assert below == [
        "小区（个）",
        "户数（户）",
        "面积（m²）",
        "开工数（个）",
        "开工率（%）",
        "完工数（个）",
        "完工率（%）",
    ]
    assert sheet["L3"].value == "完成改造内容（全国指标）"
    assert [sheet.cell(row=4, column=12 + i).value for i in range(len(codes))] == [
        str(label) for _code, label, _unit in indicators()
    ]

    progress = report.numbers["progress"]
    keys = FIXED + [f"indicator:{code}" for code in codes]
    for offset, figures in enumerate([*progress["rows"], progress["total"]]):
        row = 5 + offset
        is_total = offset == len(progress["rows"])
        assert sheet.cell(row=row, column=1).value == (None if is_total else offset + 1)
        assert sheet.cell(row=row, column=2).value == ("合计" if is_total else figures["region_name"])
        for index, key in enumerate(keys):
            found = sheet.cell(row=row, column=3 + index).value
            assert found == expected_cell(figures, key), (figures["region_name"], key, found)
    zhangdian = next(
        r for r in range(5, 5 + len(progress["rows"])) if sheet.cell(row=r, column=2).value == "张店区"
    )
    assert [sheet.cell(row=zhangdian, column=c).value for c in range(3, 12)] == [
        4,
        500,
        20000.0,
        2,
        50.0,
        0,
        0.0,
        200,
        60.0,
    ]
    total_row = 5 + len(progress["rows"])
    assert [sheet.cell(row=total_row, column=c).value for c in (3, 6, 10, 11)] == [6, 2, 200, 60.0]

    sign = [sheet.cell(row=total_row + 2, column=c).value for c in range(1, width + 1)]
    sign = [text for text in sign if text]
    assert sign[0] == "填报单位：淄博市住房和城乡建设局"
    assert sign[1].startswith("填报人：") and sign[2].startswith("审核人：")
    assert sign[3] == f"填报日期：{report.submitted_at.astimezone().date().isoformat()}" or sign[
        3
    ].startswith("填报日期：2")
    assert [ws.title for ws in workbook.worksheets] == ["月报", "较上月变化", "排名", "滞后项目"]
    # A lagging project's place is its street or community, not a district.
    assert [c.value for c in workbook["滞后项目"][1]] == ["序号", "所在区域", "项目", "原因"]


def test_the_kept_spreadsheet_is_the_one_downloaded(world, report, client_for):
    response = client_for("leader").get(f"/reports/monthly/{report.pk}/xlsx/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == report.xlsx_file.read()
    assert "attachment; filename*=utf-8''" in response["Content-Disposition"].lower()
    assert report_filename(report, "xlsx") == "淄博市2026年10月城镇老旧小区改造进度月报（第1版）.xlsx"


def test_the_pdf_is_a_landscape_a4_of_the_same_table(world, report, needs_poppler, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(monthly_pdf(report))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in ("淄博市2026年10月城镇老旧小区改造进度月报表", "序号", "区县", "年度任务", "开工率", "完工率",
                  "张店区", "淄川区", "合计", "填报单位：淄博市住房和城乡建设局", "审核人", "统计截至：2026年10月31日"):  # fmt: skip
        assert words in text, words
    zhangdian = next(line for line in text.splitlines() if "张店区" in line).split()
    assert zhangdian[2:11] == ["4", "500", "20,000.00", "2", "50.0", "0", "0.0", "200", "60.00"]
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(v) for v in size.split(":")[1].split("pts")[0].split(" x "))
    assert round(width) == 842 and round(height) == 595  # A4 landscape
