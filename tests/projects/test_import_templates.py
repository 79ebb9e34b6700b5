"""The import templates import, as a user uses them: downloaded from the portal, filled in, saved
again by a spreadsheet program (LibreOffice here; Excel and WPS keep drop-downs the same way), and
uploaded through the import page. Each import page explains its columns, and a file's errors all
come out in one pass."""

import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from core.importing import importer_for, importer_kinds
from core.models import ImportBatch
from projects.models import Building, Compound, Project, ProjectItem
from tests.factories import compound_in


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def soffice_profile(tmp_path_factory):
    """A LibreOffice profile of this test run's own, so parallel runs do not share one."""
    return tmp_path_factory.mktemp("soffice-profile").as_uri()


@pytest.fixture
def resave(needs_soffice, soffice_profile, tmp_path):
    """resave(content, "xlsx") → the bytes LibreOffice writes after opening and saving the file."""

    def convert(content, target="xlsx", name="模板.xlsx"):
        source = tmp_path / "in" / name
        source.parent.mkdir(exist_ok=True)
        source.write_bytes(content)
        out = tmp_path / "out"
        subprocess.run(
            ["soffice", f"-env:UserInstallation={soffice_profile}", "--headless", "--convert-to", target,
             "--outdir", str(out), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        extension = target.split(":")[0]
        return (out / f"{source.stem}.{extension}").read_bytes()

    return convert


def template(client, kind):
    response = client.get(f"/imports/{kind}/template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def saved(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, kind, content, name):
    response = client.post(f"/imports/{kind}/new/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("pk")


def commit(client, batch):
    client.post(f"/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    return batch


def add_second_compound(workbook):
    """The clerk keeps the template's example row and types a second compound under it."""
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    row[headers.index("小区编码")] = "ZD-CZ-002"
    row[headers.index("小区名称")] = "华光路二号院"
    row[headers.index("物业管理")] = "专业物业"
    for letter_index, value in enumerate(row, start=1):
        sheet.cell(row=3, column=letter_index, value=value)
    return workbook


def keep(workbook):
    return workbook


# The order a new city fills its registry in; each template's example row refers to the rows the
# templates before it create (ZD-CZ-001, ZD-CZ-002, ZD-2026-01, water_supply).
CHAIN = (
    ("compounds", add_second_compound, lambda: Compound.objects.filter(code__in=["ZD-CZ-001", "ZD-CZ-002"])),
    ("buildings", keep, lambda: Building.objects.filter(compound__code="ZD-CZ-001", number="3号楼")),
    ("projects", keep, lambda: Project.objects.filter(code="ZD-2026-01")),
    ("project_items", keep, lambda: ProjectItem.objects.filter(project__code="ZD-2026-01")),
)
EXPECTED = {"compounds": 2, "buildings": 1, "projects": 1, "project_items": 1}


def test_every_kind_of_import_has_a_template_in_the_chain():
    from tests.funding.test_imports import CHAIN as MONEY  # a project's money, imported after it
    from tests.projects.test_quota_import import CHAIN as QUOTAS  # the city's annual quotas
    from tests.residents.test_households_import import CHAIN as HOUSEHOLDS  # the buildings' households
    from tests.residents.test_surveys_import import CHAIN as SURVEYS  # answers to a survey campaign

    assert (
        sorted(kind for kind, *_rest in (*CHAIN, *MONEY, *QUOTAS, *HOUSEHOLDS, *SURVEYS)) == importer_kinds()
    )


def test_each_template_filled_in_with_openpyxl_imports(world, client_for, zibo_policy):
    client = client_for("clerk_a")
    for kind, fill, created in CHAIN:
        batch = upload(client, kind, saved(fill(template(client, kind))), f"{kind}.xlsx")
        assert batch.errors == [], (kind, batch.errors)
        assert batch.summary["new"] == EXPECTED[kind]
        assert commit(client, batch).status == ImportBatch.Status.COMMITTED
        assert created().count() == EXPECTED[kind], kind


def test_each_template_saved_again_by_libreoffice_imports(world, client_for, zibo_policy, resave):
    client = client_for("clerk_a")
    for kind, fill, created in CHAIN:
        content = resave(saved(fill(template(client, kind))), name=f"{kind}.xlsx")
        assert b"<formula1>" in _sheet_xml(content)  # the drop-downs survived the save
        batch = upload(client, kind, content, f"{kind}.xlsx")
        assert batch.errors == [], (kind, batch.errors)
        assert commit(client, batch).status == ImportBatch.Status.COMMITTED
        assert created().count() == EXPECTED[kind], kind


def _sheet_xml(content):
    import zipfile

    from core.spreadsheets import first_sheet_xml

    archive = zipfile.ZipFile(io.BytesIO(content))
    return archive.read(first_sheet_xml(archive))


def test_a_template_saved_as_xls_is_refused_with_a_clear_chinese_message(world, client_for, resave):
    client = client_for("clerk_a")
    content = resave(saved(template(client, "compounds")), target="xls", name="小区.xlsx")
    batch = upload(client, "compounds", content, "小区.xls")
    [error] = batch.errors
    assert ".xls" in error["message"] and "另存为" in error["message"]
    page = client.get(batch.get_absolute_url()).content.decode()
    assert error["message"] in page
    assert not Compound.objects.filter(code="ZD-CZ-001").exists()


def test_a_template_saved_as_gbk_csv_imports(world, client_for, zibo_policy, resave):
    client = client_for("clerk_a")
    # LibreOffice's character set 85 is GB 18030, which writes Chinese as GBK does.
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,85"
    content = resave(saved(add_second_compound(template(client, "compounds"))), target=csv_filter)
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    assert content.decode("gbk").startswith("区县,街道（镇）,社区")
    batch = upload(client, "compounds", content, "小区.csv")
    assert batch.errors == [] and batch.summary["new"] == 2
    commit(client, batch)
    assert (
        Compound.objects.get(code="ZD-CZ-002").property_management == Compound.PropertyManagement.PROFESSIONAL
    )


def with_formula_in_c3(workbook):
    add_second_compound(workbook)
    workbook.worksheets[0]["C3"] = '=C2&""'
    return workbook


def test_a_real_formula_is_refused_naming_its_cell(world, client_for):
    client = client_for("clerk_a")
    batch = upload(client, "compounds", saved(with_formula_in_c3(template(client, "compounds"))), "小区.xlsx")
    [error] = batch.errors
    assert "C3" in error["message"] and "?" not in error["message"]


def test_a_real_formula_saved_by_libreoffice_is_refused_naming_its_cell(world, client_for, resave):
    client = client_for("clerk_a")
    content = resave(saved(with_formula_in_c3(template(client, "compounds"))))
    batch = upload(client, "compounds", content, "小区.xlsx")
    [error] = batch.errors
    assert "C3" in error["message"]


# --- the import pages explain themselves ---------------------------------------------------------

TITLES = {
    "compounds": "导入小区",
    "buildings": "导入楼栋",
    "projects": "导入改造项目",
    "project_items": "导入改造内容",
}


@pytest.mark.parametrize("kind", sorted(TITLES))
def test_each_import_page_is_titled_by_its_kind_and_explains_every_column(world, client_for, kind):
    response = client_for("city").get(f"/imports/{kind}/new/")
    page = response.content.decode()
    assert TITLES[kind] in page.split("<h1")[1].split("</h1>")[0]
    guide = page.split('id="import-guide"')[1].split("</table>")[0]
    rows = guide.split("<tbody>")[1].split("</tr>")[:-1]
    columns = importer_for(kind).columns
    assert len(rows) == len(columns)
    for row, column in zip(rows, columns, strict=True):
        assert column.header in row
        cells = row.split("<td")[1:]
        meaning, required, format_text, allowed, example = cells
        assert "—" not in meaning, (column.header, meaning)  # every column says what it means
        assert ("必填" if column.required else "选填") in required
        assert "—" not in format_text, (column.header, format_text)
        for label in column.choices or ():
            assert label in allowed  # the drop-down's list, word for word
        if column.example not in (None, ""):
            assert str(column.example) in example


def test_the_guide_reads_the_parsers_options(world, client_for):
    page = client_for("city").get("/imports/compounds/new/").content.decode()
    assert "文本，不超过32个字" in page  # 小区编码, partial(text, max_length=32)
    assert "整数，1至100" in page  # 最高层数
    assert "数字，最多2位小数，大于0" in page  # 建筑面积
    assert "专业物业、单位自管、无物业" in page


def test_the_template_carries_the_same_guide_on_a_second_sheet(world, client_for):
    workbook = template(client_for("clerk_a"), "projects")
    assert workbook.sheetnames[0] == "改造项目"
    notes = workbook["填写说明"]
    rows = list(notes.iter_rows(values_only=True))
    assert rows[0] == ("列", "含义", "必填", "格式", "可选值", "示例")
    by_header = {row[0]: row for row in rows[1:]}
    assert list(by_header) == [column.header for column in importer_for("projects").columns]
    assert by_header["项目库"][4] == "储备、谋划、实施"
    assert by_header["项目名称"][2] == "是"
    assert by_header["计划开工"][3].startswith("日期")


# --- every error in one pass ---------------------------------------------------------------------


def test_a_rows_bad_cells_and_its_unknown_compound_are_reported_at_once(world, client_for):
    compound_in(world.community_a, code="C-A1")
    client = client_for("clerk_a")
    workbook = template(client, "projects")
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("项目库") + 1, value="在建")
    sheet.cell(row=2, column=headers.index("计划开工") + 1, value="明年春天")
    sheet.cell(row=2, column=headers.index("小区编号") + 1, value="ZB-NOPE")
    batch = upload(client, "projects", saved(workbook), "项目.xlsx")
    assert [error["column"] for error in batch.errors] == ["项目库", "计划开工", "小区编号"]
    assert "ZB-NOPE" in batch.errors[2]["message"]
    assert batch.summary["rejected"] == 1 and batch.summary["new"] == 0


def test_errors_come_row_by_row_in_the_order_of_the_columns(world, client_for, xlsx):
    from tests.projects.conftest import compound_row

    client = client_for("clerk_a")
    rows = [
        compound_row("P-1", community=("张店区", "车站街道", "没有的社区"), 楼栋数=0),
        compound_row("P-2", 建成年份=2099),
    ]
    batch = upload(client, "compounds", xlsx(*rows), "小区.xlsx")
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "社区"), (2, "楼栋数"), (3, "建成年份")]


def test_a_street_that_does_not_exist_is_named_as_not_existing(world, client_for, xlsx):
    from tests.projects.conftest import compound_row

    batch = upload(
        client_for("city"), "compounds", xlsx(compound_row("P-1", community=("张店区", "不存在街道", "共青团路社区"))),
        "小区.xlsx",
    )  # fmt: skip
    [error] = batch.errors
    assert error["column"] == "街道（镇）"
    assert error["message"] == "张店区没有名为“不存在街道”的街道（镇）。"


@pytest.mark.parametrize(
    "place, column, message",
    [
        (("高新区", "车站街道", "华光路社区"), "区县", "没有名为“高新区”的区县。"),
        (("张店区", "车站街道", "幸福社区"), "社区", "张店区／车站街道没有名为“幸福社区”的社区。"),
    ],
)
def test_a_place_that_does_not_exist_is_named_at_its_level(world, client_for, xlsx, place, column, message):
    from tests.projects.conftest import compound_row

    batch = upload(client_for("city"), "compounds", xlsx(compound_row("P-1", community=place)), "小区.xlsx")
    assert [(e["column"], e["message"]) for e in batch.errors] == [(column, message)]


def test_a_community_outside_the_users_area_is_said_to_be_outside_it(world, client_for, xlsx):
    from tests.projects.conftest import compound_row

    other = (world.community_b.parent.parent.name, world.community_b.parent.name, world.community_b.name)
    batch = upload(
        client_for("clerk_a"), "compounds", xlsx(compound_row("P-1", community=other)), "小区.xlsx"
    )
    [error] = batch.errors
    assert (error["column"], error["message"]) == ("社区", "公园社区不在您的管辖范围内。")


# --- the errors workbook ------------------------------------------------------------------------


def test_the_errors_workbook_keeps_the_sheet_name_and_fills_bad_cells_red(world, client_for):
    from core.spreadsheets import MARK_FILL

    client = client_for("clerk_a")
    workbook = add_second_compound(template(client, "compounds"))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=headers.index("楼栋数") + 1, value=0)
    batch = upload(client, "compounds", saved(workbook), "小区.xlsx")
    response = client.get(f"/imports/{batch.pk}/errors.xlsx")
    marked = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert marked.title == "小区"
    column = headers.index("楼栋数") + 2  # after the errors column
    assert marked.cell(row=3, column=column).fill.fgColor.rgb.endswith(MARK_FILL)
    assert marked.cell(row=3, column=1).fill.fgColor.rgb.endswith(MARK_FILL)
    assert marked.cell(row=3, column=column - 1).fill.fill_type is None
    assert marked.cell(row=2, column=column).fill.fill_type is None


def test_an_empty_drop_down_cell_takes_the_default_the_guide_names(world, client_for, xlsx, zibo_policy):
    from tests.projects.conftest import compound_row

    client = client_for("clerk_a")
    batch = upload(
        client,
        "compounds",
        xlsx(compound_row("P-1", 物业管理=None, 产权来源=None, 入库状态=None)),
        "小区.xlsx",
    )
    assert commit(client, batch).status == ImportBatch.Status.COMMITTED
    compound = Compound.objects.get(code="P-1")
    assert (compound.property_management, compound.origin, compound.pool) == (
        Compound.PropertyManagement.NONE,
        Compound.Origin.OTHER,
        Compound.Pool.RESERVE,
    )
    page = client.get("/imports/compounds/new/").content.decode()
    assert "留空为“无物业”" in page and "留空为“其他”" in page and "留空为“储备”" in page

    # On a compound that exists, an empty cell keeps what was saved: the pool a project set stays.
    Compound.objects.filter(pk=compound.pk).update(
        pool=Compound.Pool.IMPLEMENTATION, property_management=Compound.PropertyManagement.PROFESSIONAL
    )
    batch = upload(client, "compounds", xlsx(compound_row("P-1", 物业管理=None, 入库状态=None)), "小区.xlsx")
    assert commit(client, batch).status == ImportBatch.Status.COMMITTED
    compound.refresh_from_db()
    assert (compound.pool, compound.property_management) == (
        Compound.Pool.IMPLEMENTATION,
        Compound.PropertyManagement.PROFESSIONAL,
    )


def test_a_refused_file_counts_no_rejected_row(world, client_for):
    batch = upload(client_for("clerk_a"), "compounds", b"%PDF-1.4 not a sheet", "通知.pdf")
    assert batch.errors and batch.summary["rejected"] == 0
