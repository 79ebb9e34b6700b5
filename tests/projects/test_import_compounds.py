"""Importing compounds: every problem named by row, column and message; all or nothing; idempotent."""

import io

import pytest
from openpyxl import Workbook

from core.importing import import_file
from core.models import AuditEntry
from projects.models import Compound
from projects.registry.importers import CompoundImporter
from tests.factories import compound_in
from tests.projects.conftest import HEADERS, compound_row


def run(user, data, name="compounds.xlsx", commit=False):
    return import_file(CompoundImporter(user), data, name, commit=commit)


def messages(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def test_dry_run_counts_new_rows_and_saves_nothing(world, xlsx):
    report = run(world["clerk_a"], xlsx(compound_row("IM-001"), compound_row("IM-002", name="西五路宿舍")))
    assert report.summary() == {
        "total": 2, "new": 2, "updated": 0, "unchanged": 0, "rejected": 0, "committed": False
    }  # fmt: skip
    assert not Compound.objects.exists()


def test_commit_saves_every_row_with_city_and_audit(world, xlsx):
    report = run(
        world["clerk_a"], xlsx(compound_row("IM-001"), compound_row("IM-002", name="西五路宿舍")), commit=True
    )
    assert report.committed
    compound = Compound.objects.get(code="IM-001")
    assert compound.community == world.community_a and compound.city == world.city
    assert compound.floor_area == pytest.approx(35800.5)
    assert AuditEntry.objects.filter(object_id=str(compound.pk), action=AuditEntry.Action.IMPORT).exists()


def test_importing_the_same_file_twice_changes_nothing(world, xlsx):
    data = xlsx(compound_row("IM-001"), compound_row(code="", name="无编码小区"))
    run(world["clerk_a"], data, commit=True)
    before = list(Compound.objects.order_by("pk").values())
    again = run(world["clerk_a"], data, commit=True)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert list(Compound.objects.order_by("pk").values()) == before


def test_changed_cell_updates_the_compound_found_by_its_code(world, xlsx):
    run(world["clerk_a"], xlsx(compound_row("IM-001")), commit=True)
    report = run(world["clerk_a"], xlsx(compound_row("IM-001", 户数=230)), commit=True)
    assert (report.new, report.updated) == (0, 1)
    assert Compound.objects.get(code="IM-001").household_count == 230
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).latest("at")
    assert entry.changes == {"household_count": ["216", "230"]}


def test_without_a_code_the_district_and_name_identify_the_compound(world, xlsx):
    compound_in(world.community_a, code="", name="老棉纺厂宿舍")
    report = run(world["clerk_a"], xlsx(compound_row(code="", name="老棉纺厂宿舍", 户数=99)), commit=True)
    assert (report.new, report.updated) == (0, 1)
    assert Compound.objects.get(name="老棉纺厂宿舍").household_count == 99


def test_every_bad_cell_is_reported_with_row_column_and_message(world, xlsx):
    report = run(
        world["clerk_a"],
        xlsx(
            compound_row("IM-001"),
            compound_row("IM-002", 建成年份=2099, 楼栋数=0),
            compound_row("IM-003", **{"建筑面积（平方米）": -1, "物业管理": "物业公司"}),
            compound_row("IM-004", 户数="很多", 小区名称=None),
        ),
    )
    found = {(row, column) for row, column, _message in messages(report)}
    assert found == {
        (3, "建成年份"), (3, "楼栋数"), (4, "建筑面积（平方米）"), (4, "物业管理"), (5, "户数"), (5, "小区名称"),
    }  # fmt: skip
    assert report.rejected == 3 and report.new == 1


def test_a_file_with_errors_is_not_committed_at_all(world, xlsx):
    report = run(
        world["clerk_a"], xlsx(compound_row("IM-001"), compound_row("IM-002", 楼栋数=0)), commit=True
    )
    assert not report.committed
    assert not Compound.objects.exists()


def test_rows_outside_the_users_scope_are_errors(world, xlsx):
    other_street = ("张店区", "公园街道", "公园社区")
    report = run(world["clerk_a"], xlsx(compound_row("IM-001", community=other_street)))
    [(row, column, message)] = messages(report)
    assert (row, column) == (2, "社区")
    assert "公园社区" in message


def test_a_code_of_a_compound_in_another_street_is_refused(world, xlsx):
    compound_in(world.community_b, code="IM-009")
    report = run(world["clerk_a"], xlsx(compound_row("IM-009")))
    assert messages(report)[0][:2] == (2, "小区编码")


def test_the_same_compound_twice_in_one_file_is_an_error(world, xlsx):
    report = run(world["clerk_a"], xlsx(compound_row("IM-001"), compound_row("IM-001", name="重复")))
    assert messages(report)[0][:2] == (3, "小区编码")


def test_gbk_csv_from_excel_imports(world, csv_bytes):
    data = csv_bytes(
        compound_row("IM-001"), compound_row("IM-002", name="共青团路纺织厂宿舍"), encoding="gbk"
    )
    report = run(world["clerk_a"], data, name="小区.csv", commit=True)
    assert report.committed, messages(report)
    assert Compound.objects.get(code="IM-002").name == "共青团路纺织厂宿舍"


def test_utf8_csv_imports(world, csv_bytes):
    report = run(world["clerk_a"], csv_bytes(compound_row("IM-001")), name="小区.csv", commit=True)
    assert report.committed, messages(report)


def _workbook_bytes(build):
    workbook = Workbook()
    build(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _formula(sheet):
    sheet.append(HEADERS)
    sheet.append(compound_row("IM-001"))
    sheet["I2"] = "=2+3"


def _merged_header(sheet):
    sheet.append(HEADERS)
    sheet.append(compound_row("IM-001"))
    sheet.merge_cells("A1:B1")


BAD_FILES = {
    "too large": (b"PK\x03\x04" + b"0" * (21 * 1024 * 1024), "big.xlsx", "MB"),
    "not a spreadsheet": (b"%PDF-1.7 some pdf", "notice.pdf", "not a spreadsheet"),
    "encrypted or old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "locked.xlsx", "encrypted"),
    "corrupt xlsx": (b"PK\x03\x04" + b"garbage" * 100, "broken.xlsx", "damaged"),
    "empty": (b"", "empty.csv", "empty"),
    "formula": (_workbook_bytes(_formula), "formula.xlsx", "I2"),
    "merged header": (_workbook_bytes(_merged_header), "merged.xlsx", "merged"),
    "unknown column": (None, "unknown.xlsx", "颜色"),
    "missing column": (None, "missing.xlsx", "建成年份"),
    "only headers": (None, "headers.xlsx", "no data rows"),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_bad_file_gets_one_clear_error_and_changes_nothing(world, xlsx, case, settings):
    settings.LANGUAGE_CODE = "en"
    data, name, words = BAD_FILES[case]
    if case == "unknown column":
        data = xlsx([*compound_row("IM-001"), "红"], headers=[*HEADERS, "颜色"])
    elif case == "missing column":
        index = HEADERS.index("建成年份")
        data = xlsx([v for i, v in enumerate(compound_row("IM-001")) if i != index],
                    headers=[h for h in HEADERS if h != "建成年份"])  # fmt: skip
    elif case == "only headers":
        data = xlsx()
    compound_in(world.community_a, code="KEEP-1")
    before = list(Compound.objects.values())
    from django.utils import translation

    with translation.override("en"):
        report = run(world["clerk_a"], data, name=name, commit=True)
    assert len(report.errors) == 1 and report.errors[0].row == 0
    assert words.lower() in report.errors[0].message.lower()
    assert list(Compound.objects.values()) == before


def test_export_then_import_round_trips(world, xlsx):
    from core.exports import export_content

    run(
        world["clerk_a"],
        xlsx(compound_row("IM-001"), compound_row("IM-002", name="=危险名称", 地址="-5号")),
        commit=True,
    )
    clerk = world["clerk_a"]
    exported = export_content(user=clerk, kind="compounds", queryset=Compound.objects.restrict(clerk),
                              export_format="xlsx")  # fmt: skip
    report = run(clerk, exported, commit=True)
    assert (report.new, report.updated, report.unchanged, report.rejected) == (0, 0, 2, 0), messages(report)


def test_exported_cells_cannot_run_as_formulas(world, xlsx):
    from openpyxl import load_workbook

    from core.exports import export_content

    compound_in(world.community_a, code="IM-001", name="=HYPERLINK(1)", address="＋1")
    clerk = world["clerk_a"]
    data = export_content(
        user=clerk, kind="compounds", queryset=Compound.objects.restrict(clerk), export_format="xlsx"
    )
    sheet = load_workbook(io.BytesIO(data)).active
    row = [cell.value for cell in sheet[2]]
    assert row[HEADERS.index("小区名称")].startswith("'=")
    assert row[HEADERS.index("地址")] == "'＋1"
    assert all(cell.data_type != "f" for cell in sheet[2])
    csv_text = export_content(user=clerk, kind="compounds", queryset=Compound.objects.restrict(clerk),
                              export_format="csv").decode("utf-8-sig")  # fmt: skip
    assert "'=HYPERLINK" in csv_text


def test_eligibility_is_set_from_the_city_policy_on_import(world, xlsx, zibo_policy):
    run(world["clerk_a"], xlsx(compound_row("OLD", 建成年份=2004), compound_row("NEW", name="新小区", 建成年份=2008)),
        commit=True)  # fmt: skip
    assert Compound.objects.get(code="OLD").eligibility == Compound.Eligibility.ELIGIBLE
    assert Compound.objects.get(code="NEW").eligibility == Compound.Eligibility.BUILT_AFTER_CUTOFF


def test_errors_keep_the_row_numbers_of_the_file_across_blank_rows(world, xlsx):
    blank = [None] * len(HEADERS)
    report = run(world["clerk_a"], xlsx(compound_row("IM-001"), blank, compound_row("IM-002", 建成年份=2099)))
    assert messages(report)[0][:2] == (4, "建成年份")


def test_a_file_or_cell_holding_a_nul_character_is_refused_before_any_lookup(world, csv_bytes):
    from core.importing import CellError, text

    report = run(world["clerk_a"], csv_bytes(compound_row("IM-\x00", name="华光\x00小区")), name="c.csv")
    assert [error.row for error in report.errors] == [0]  # the CSV reader refuses the file whole
    with pytest.raises(CellError):  # and a cell parser never hands one on (PostgreSQL would fail)
        text("华光\x00小区")
