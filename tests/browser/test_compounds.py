"""A street clerk works the compound registry in a real browser: imports a spreadsheet (errors
first), filters, searches and exports the list, and adds a compound and a building by hand.

Many strings of the projects app may still be untranslated, so the selectors lean on ids, data
attributes and regexes that accept either language.
"""

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from projects.models import Building, Compound
from projects.registry.importers import CompoundImporter
from tests.factories import compound_in, region

pytestmark = [pytest.mark.browser, pytest.mark.services]

HEADERS = [column.header for column in CompoundImporter.columns]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded workbooks land in a temporary folder, not in the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def policy(world):
    from tests.factories import city_policy

    return city_policy(world.city)


def compound_row(code, name, year):
    """A row of the import template for a compound of 张店区/车站街道/华光路社区."""
    values = {
        "区县": "张店区", "街道（镇）": "车站街道", "社区": "华光路社区", "小区编码": code, "小区名称": name,
        "地址": f"{name}路1号", "建成年份": year, "建筑面积（平方米）": 15800.5, "楼栋数": 5, "户数": 180,
        "最高层数": 6, "物业管理": "无物业", "产权来源": "房改房", "棚户区改造范围": "否", "自建房": "否",
        "入库状态": "储备",
    }  # fmt: skip
    return [values.get(header) for header in HEADERS]


def workbook_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def downloaded_sheet(download):
    with open(download.path(), "rb") as handle:
        return load_workbook(io.BytesIO(handle.read())).worksheets[0]


def upload(page, name, content):
    """From the compound list: the import button, the file, and the check."""
    page.goto("/projects/compounds/")
    page.get_by_role("link", name=re.compile(r"^\s*(导入|Import)\s*$")).click()
    page.wait_for_url("**/imports/compounds/new/")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": XLSX, "buffer": content}])
    page.get_by_role("button", name=re.compile("上传|Upload")).click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))


def summary(page):
    return {
        kind: page.locator(f"#import-summary [data-count={kind}]").inner_text().strip()
        for kind in ("new", "updated", "unchanged", "rejected")
    }


CONFIRM = re.compile("确认|Confirm")


def test_clerk_uploads_a_file_with_an_error_reads_it_fixes_it_and_commits(world, policy, page, log_in):
    good = [compound_row("BT-001", "华光路一号院", 1988), compound_row("BT-002", "华光路二号院", 1996)]
    wrong = compound_row("BT-003", "华光路三号院", 2099)
    codes = ["BT-001", "BT-002", "BT-003"]
    log_in("clerk_a")

    upload(page, "车站街道小区.xlsx", workbook_bytes([*good, wrong]))
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.locator("td").nth(0)).to_have_text("4")
    expect(errors.locator("td").nth(1)).to_have_text("建成年份")
    expect(errors.locator("td").nth(2)).to_contain_text("2099")
    assert summary(page)["rejected"] == "1"
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"(?<!\d)1(?!\d)"))
    expect(page.get_by_role("button", name=CONFIRM)).to_have_count(0)
    assert not Compound.objects.filter(code__in=codes).exists()

    with page.expect_download() as info:
        page.locator("a[href$='/errors.xlsx']").click()
    download = info.value
    assert download.suggested_filename == "车站街道小区-错误标注.xlsx"
    sheet = downloaded_sheet(download)
    assert re.fullmatch("错误|Errors", sheet["A1"].value)
    assert [cell.value for cell in sheet[1]][1:] == HEADERS
    assert sheet["A2"].value is None and sheet["A3"].value is None
    assert sheet["A4"].value.startswith("建成年份：") and "2099" in sheet["A4"].value
    assert (sheet["E4"].value, sheet["F4"].value) == ("BT-003", "华光路三号院")  # the wrong row, not shifted

    # The third compound is not built yet: the clerk takes its row out and uploads the file again.
    fixed = workbook_bytes(good)
    upload(page, "车站街道小区.xlsx", fixed)
    assert summary(page) == {"new": "2", "updated": "0", "unchanged": "0", "rejected": "0"}
    expect(page.locator("#import-errors")).to_have_count(0)
    assert not Compound.objects.filter(code__in=codes).exists()  # a dry run saves nothing

    page.get_by_role("button", name=CONFIRM).click()
    expect(page.get_by_role("alert").filter(has_text=re.compile("保存|saved"))).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(re.compile("保存|Saved"))
    expect(page.get_by_role("button", name=CONFIRM)).to_have_count(0)
    saved = Compound.objects.filter(code__in=codes).select_related("community").order_by("code")
    assert [(c.code, c.name, c.community.name, c.year_built) for c in saved] == [
        ("BT-001", "华光路一号院", "华光路社区", 1988),
        ("BT-002", "华光路二号院", "华光路社区", 1996),
    ]
    assert {c.community for c in saved} == {world.community_a}
    assert {c.eligibility for c in saved} == {Compound.Eligibility.ELIGIBLE}

    upload(page, "车站街道小区.xlsx", fixed)
    assert summary(page) == {"new": "0", "updated": "0", "unchanged": "2", "rejected": "0"}
    assert Compound.objects.filter(code__in=codes).count() == 2
    assert page.console_errors == [], page.console_errors  # a CSP violation would show here


def test_clerk_filters_searches_and_exports_compounds(world, page, log_in):
    xiwulu = region("西五路社区", world.street_a)
    compound_in(world.community_a, name="华光路东小区", code="HG-01", year_built=1985, household_count=100)
    compound_in(
        world.community_a, name="华光路北小区", code="HG-02", year_built=1992, household_count=120,
        building_count=4, floor_area="12000.00",
    )  # fmt: skip
    compound_in(
        xiwulu, name="华光路南小区", code="HG-03", year_built=2003, household_count=200,
        building_count=7, floor_area="23456.78",
    )  # fmt: skip
    compound_in(world.community_a, name="西五路小区", code="XW-01", year_built=1995)
    compound_in(world.community_b, name="华光路西小区", code="PK-01", year_built=1996)  # clerk_b's street
    log_in("clerk_a")

    page.goto("/projects/compounds/")
    rows = page.locator("table.table-hover tbody tr")
    expect(rows).to_have_count(4)  # the compound of 公园街道 is out of scope
    page.locator("#id_q").fill("华光路")
    page.get_by_role("button", name=re.compile("筛选|Filter")).click()
    expect(rows).to_have_count(3)
    page.locator("#id_year_from").fill("1988")
    page.locator("#id_year_to").fill("2005")
    page.get_by_role("button", name=re.compile("筛选|Filter")).click()
    page.wait_for_url(re.compile(r"year_from=1988"))
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("华光路北小区")
    expect(rows.nth(1)).to_contain_text("华光路南小区")
    expect(page.locator("table.table-hover tbody")).not_to_contain_text("华光路东小区")
    totals = page.locator("#totals .h3")
    expect(totals).to_have_text(["2", "320", "11", "3.55"])  # compounds, households, buildings, 万m²

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"Excel|\.xlsx")).click()
    assert "q=%E5%8D%8E%E5%85%89%E8%B7%AF" in info.value.url  # the export keeps the page's filters
    sheet = downloaded_sheet(info.value)
    page.get_by_role("link", name=re.compile(r"^\s*(导入|Import)\s*$")).click()
    with page.expect_download() as info:
        page.locator("a[href$='/template.xlsx']").click()
    template = downloaded_sheet(info.value)
    exported = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert exported[0] == [cell.value for cell in template[1]] == HEADERS
    assert [(row[3], row[4], row[6]) for row in exported[1:]] == [
        ("HG-02", "华光路北小区", 1992),
        ("HG-03", "华光路南小区", 2003),
    ]
    assert exported[2][:3] == ["张店区", "车站街道", "西五路社区"]
    assert page.console_errors == [], page.console_errors


def test_clerk_adds_a_compound_and_a_building_through_the_forms(world, policy, page, log_in):
    log_in("clerk_a")
    page.goto("/projects/compounds/")
    page.get_by_role("link", name=re.compile(r"新增|Add")).click()
    page.wait_for_url("**/projects/compounds/add/")

    def fill(year):
        page.locator("#id_community").select_option(label="张店区 / 车站街道 / 共青团路社区")
        page.locator("#id_name").fill("共青团路小区")
        page.locator("#id_year_built").fill(str(year))
        page.locator("#id_floor_area").fill("21500.50")
        page.locator("#id_building_count").fill("6")
        page.locator("#id_household_count").fill("216")
        page.get_by_role("button", name=re.compile("保存|Save")).click()

    fill(2099)
    year = page.locator("#id_year_built")
    expect(year).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_year_built + .invalid-feedback")).to_contain_text("2099")
    expect(page.locator(".invalid-feedback")).to_have_count(1)
    expect(page.locator("#id_name")).to_have_value("共青团路小区")  # the form keeps what was typed
    assert not Compound.objects.filter(name="共青团路小区").exists()

    fill(1994)
    page.wait_for_url(re.compile(r"/projects/compounds/\d+/$"))
    compound = Compound.objects.get(name="共青团路小区")
    assert page.url.endswith(compound.get_absolute_url())
    expect(page.get_by_role("alert")).to_contain_text("已保存共青团路小区")
    assert compound.community.name == "共青团路社区"
    assert (compound.year_built, compound.building_count, compound.household_count) == (1994, 6, 216)
    expect(page.get_by_role("heading", level=1)).to_have_text("共青团路小区")
    eligibility = page.locator("#eligibility")
    expect(eligibility).to_have_class(re.compile("border-success"))
    expect(eligibility).to_contain_text("1994")
    expect(eligibility).to_contain_text("2005-12-31")
    expect(eligibility).to_contain_text("张店区 / 车站街道 / 共青团路社区")
    expect(page.locator("#buildings tbody tr")).to_have_count(1)  # the "none yet" row

    page.locator("#buildings").get_by_role("link", name=re.compile("楼|building", re.I)).click()
    page.wait_for_url(f"**/projects/compounds/{compound.pk}/buildings/add/")
    page.locator("#id_number").fill("3号楼")
    page.locator("#id_storeys").fill("6")
    page.locator("#id_units").fill("3")
    page.locator("#id_household_count").fill("36")
    page.locator("#id_year_built").fill("1994")
    page.get_by_role("button", name=re.compile("保存|Save")).click()
    page.wait_for_url(re.compile(rf"/projects/compounds/{compound.pk}/(#buildings)?$"))
    buildings = page.locator("#buildings tbody tr")
    expect(buildings).to_have_count(1)
    cells = ["3号楼", "6", "3", "36", "1994", re.compile("否|No"), re.compile(".*")]
    expect(buildings.locator("td")).to_have_text(cells)
    expect(page.locator("#buildings .badge")).to_have_text("1 / 6")
    building = Building.objects.get(compound=compound)
    assert (building.number, building.storeys, building.units, building.has_lift) == ("3号楼", 6, 3, False)
    assert page.console_errors == [], page.console_errors
