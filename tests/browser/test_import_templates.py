"""A street clerk imports the portal's own template in a real browser: she reads the column guide,
downloads the template, fills it in, saves it in a spreadsheet program (LibreOffice, which keeps
the drop-down lists as Excel and WPS do), uploads it and saves it."""

import io
import re
import subprocess

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.models import ImportBatch
from projects.models import Compound

pytestmark = [pytest.mark.browser, pytest.mark.services]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def policy(world):
    from tests.factories import city_policy

    return city_policy(world.city)


def test_clerk_fills_the_downloaded_template_saves_it_in_libreoffice_and_imports_it(
    world, policy, page, log_in, needs_soffice, tmp_path
):
    log_in("clerk_a")
    page.goto("/projects/compounds/")
    page.get_by_role("link", name=re.compile(r"^\s*(导入|Import)\s*$")).click()
    page.wait_for_url("**/imports/compounds/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("导入小区")
    guide = page.locator("#import-guide tbody tr")
    expect(guide).to_have_count(19)
    expect(guide.filter(has_text="物业管理")).to_contain_text("专业物业、单位自管、无物业")

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("下载导入模板|Download the template")).click()
    download = info.value
    assert download.suggested_filename == "小区导入模板.xlsx"
    with open(download.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    second = [cell.value for cell in sheet[2]]
    second[headers.index("小区编码")], second[headers.index("小区名称")] = "ZD-CZ-002", "华光路二号院"
    second[headers.index("物业管理")] = "单位自管"
    for column, value in enumerate(second, start=1):
        sheet.cell(row=3, column=column, value=value)
    filled = tmp_path / "小区.xlsx"
    workbook.save(filled)
    out = tmp_path / "saved"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(filled)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    content = (out / "小区.xlsx").read_bytes()

    page.set_input_files("#id_file", files=[{"name": "小区.xlsx", "mimeType": XLSX, "buffer": content}])
    page.get_by_role("button", name=re.compile("上传|Upload")).click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    expect(page.locator("#import-summary [data-count=new]")).to_have_text("2")
    expect(page.locator("#import-summary [data-count=rejected]")).to_have_text("0")
    expect(page.locator("#import-errors")).to_have_count(0)
    page.get_by_role("button", name=re.compile("确认|Confirm")).click()
    expect(page.get_by_role("status")).to_contain_text(re.compile("保存|Saved"))
    assert ImportBatch.objects.latest("pk").status == ImportBatch.Status.COMMITTED
    saved = Compound.objects.filter(code__in=["ZD-CZ-001", "ZD-CZ-002"]).order_by("code")
    assert [(c.code, c.name, c.property_management) for c in saved] == [
        ("ZD-CZ-001", "华光路小区", Compound.PropertyManagement.NONE),
        ("ZD-CZ-002", "华光路二号院", Compound.PropertyManagement.EMPLOYER),
    ]
    assert page.console_errors == [], page.console_errors
