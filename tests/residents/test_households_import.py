"""import_data households / export_data households: the template imports (also after LibreOffice
saved it again), a dry run saves nothing, each wrong cell is named by row and column in Chinese, a
file is saved whole or not at all, and exports mask personal data as the page does yet import back
without overwriting what was saved."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from core.importing import importer_for
from core.imports import import_commit, import_upload
from core.models import AuditEntry, ImportBatch
from core.spreadsheets import write_xlsx
from residents.models import Household
from tests.factories import compound_in
from tests.projects.test_import_templates import resave, saved, soffice_profile, template  # noqa: F401
from tests.residents.factories import building_in, household_in

# The template's example row names compound ZD-CZ-001 and its 3号楼 (the compounds' and buildings'
# templates create them, tests/projects/test_import_templates.py).
CHAIN = (("households", "clerk_a", lambda: Household.objects.filter(compound__code="ZD-CZ-001", room="301")),)


@pytest.fixture
def compound(world):
    compound = compound_in(world.community_a, code="ZD-CZ-001", name="华光路小区")
    building_in(compound, "3号楼")
    return compound


def row(**changes):
    values = {"小区编码": "ZD-CZ-001", "小区名称": "华光路小区", "楼栋号": "3号楼", "单元": "1单元", "房号": "301",
              "户主姓名": "欧阳明华", "联系电话": "13912345678", "家庭人口": 3, "有60岁以上老人": "是",
              "有残疾人": "否", "自有或租住": "自有", "备注": ""}  # fmt: skip
    return {**values, **changes}


def sheet(*rows):
    headers = [column.header for column in importer_for("households").columns]
    return write_xlsx(headers, [[r.get(header) for header in headers] for r in rows])


def check(user, *rows, content=None):
    return import_upload(
        actor=user,
        kind="households",
        uploaded=SimpleUploadedFile("住户.xlsx", content or sheet(*rows)),
        background=False,
    )


def test_the_template_imports_after_libreoffice_saved_it_again(world, client_for, compound, resave):  # noqa: F811
    client = client_for("clerk_a")
    content = resave(saved(template(client, "households")), name="households.xlsx")
    batch = check(world["clerk_a"], content=content)
    assert batch.errors == [] and batch.summary["new"] == 1
    assert (
        import_commit(actor=world["clerk_a"], batch=batch, background=False).status
        == ImportBatch.Status.COMMITTED
    )
    household = Household.objects.get()
    assert (household.room, household.unit, household.has_elderly, household.size) == (
        "301",
        "1单元",
        True,
        3,
    )


def test_a_dry_run_saves_nothing_and_names_each_wrong_cell_in_chinese(world, compound):
    household_in(compound, building=compound.buildings.get(), unit="1单元", room="101")
    batch = check(
        world["clerk_a"],
        row(),
        row(房号="302", 联系电话="23912345678"),
        row(房号="303", 楼栋号="99号楼"),
        row(房号="304", 小区编码="NO-SUCH"),
        row(房号="301"),
        row(房号="305", 家庭人口=0),
    )
    errors = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert errors == {
        (3, "联系电话"): "手机号码应为以1开头的11位数字。",
        (4, "楼栋号"): "该小区没有登记这个楼栋号。",
        (5, "小区编码"): "您的工作区域内没有使用此编码的小区。",
        (6, "房号"): "与第2行是同一住户。",
        (7, "家庭人口"): errors[(7, "家庭人口")],
    }
    assert "1" in errors[(7, "家庭人口")]
    assert Household.objects.count() == 1
    assert (
        import_commit(actor=world["clerk_a"], batch=batch, background=False).status
        != ImportBatch.Status.COMMITTED
    )
    assert Household.objects.count() == 1


def test_a_compound_of_another_street_is_not_found(world, compound):
    other = compound_in(world.community_b, code="ZD-GY-009")
    building_in(other, "3号楼")
    batch = check(world["clerk_a"], row(小区编码="ZD-GY-009"))
    assert [(e["column"], e["message"]) for e in batch.errors] == [
        ("小区编码", "您的工作区域内没有使用此编码的小区。")
    ]


def test_a_compound_is_found_by_its_name_when_the_code_is_empty(world, compound):
    batch = check(world["clerk_a"], row(小区编码=None))
    assert batch.errors == [] and batch.summary["new"] == 1


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world, compound):
    for expected in ({"new": 1, "unchanged": 0}, {"new": 0, "unchanged": 1}):
        batch = check(world["clerk_a"], row())
        assert {k: batch.summary[k] for k in expected} == expected
        import_commit(actor=world["clerk_a"], batch=batch, background=False)
    assert Household.objects.count() == 1
    entry = AuditEntry.objects.get(
        action=AuditEntry.Action.IMPORT,
        content_type__model="household",
        object_id=str(Household.objects.get().pk),
    )
    assert entry.changes["head_name"] == "欧***" and entry.changes["phone"] == "139****5678"


def test_the_export_is_masked_for_district_staff_and_imports_back_without_overwriting(
    world, compound, tmp_path, capsys
):
    household_in(compound, building=compound.buildings.get(), unit="1单元", room="301", head_name="欧阳明华",
                 phone="13912345678")  # fmt: skip
    out = tmp_path / "households.xlsx"
    call_command("export_data", "households", "--as", "district", "--out", str(out))
    cells = [c.value for r in load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows() for c in r]
    assert "欧***" in cells and "139****5678" in cells
    assert "欧阳明华" not in cells and "13912345678" not in cells
    capsys.readouterr()
    call_command("import_data", "households", str(out), "--as", "district", "--commit")
    assert "new 0, updated 0, unchanged 1, rejected 0 of 1 rows" in capsys.readouterr().out
    household = Household.objects.get()
    assert (household.head_name, household.phone) == ("欧阳明华", "13912345678")


def test_a_masked_value_that_is_not_the_saved_one_is_refused(world, compound):
    household_in(compound, building=compound.buildings.get(), unit="1单元", room="301", head_name="欧阳明华")
    batch = check(world["district"], row(户主姓名="王*"), row(房号="302", 联系电话="139****0000"))
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "户主姓名"), (3, "联系电话")]
    assert all("脱敏" in e["message"] for e in batch.errors)


def test_the_clerks_export_has_the_full_data_and_the_page_export_masks_for_leaders(
    world, client_for, compound
):
    household_in(compound, head_name="欧阳明华", phone="13912345678")
    response = client_for("clerk_a").get("/residents/households/?export=csv")
    assert "欧阳明华" in response.content.decode("utf-8-sig")
    response = client_for("leader").get("/residents/households/?export=csv")
    text = response.content.decode("utf-8-sig")
    assert "欧阳明华" not in text and "13912345678" not in text and "139****5678" in text
