"""import_data quotas and export_data quotas: the template downloaded from the portal imports (also
after LibreOffice saved it again), each wrong cell is named by row and column in Chinese, a file is
saved whole or not at all, and the same file imported twice changes nothing."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from core.importing import importer_for
from core.imports import import_commit, import_upload
from core.models import AuditEntry, ImportBatch
from core.spreadsheets import write_xlsx
from projects.models import AnnualQuota
from projects.quotas.services import quota_save
from tests.projects.test_import_templates import commit, resave, saved, soffice_profile, template, upload  # noqa: F401

HEADERS = [column.header for column in importer_for("quotas").columns]
# The template's example row is 张店区's 2026 share (the chain of test_import_templates).
CHAIN = (("quotas", "city", lambda: AnnualQuota.objects.filter(region__name="张店区", year=2026)),)


def quota_row(**changes):
    row = {"年度": 2020, "行政区划": "淄博市", "小区数（个）": 34, "户数（户）": 19900, "楼栋数（栋）": 420,
           "建筑面积（m²）": 2056700, "投资（万元）": 61600, "备注": "淄政办字〔2020〕49号"}  # fmt: skip
    return {**row, **changes}


def sheet(*rows, headers=HEADERS):
    return write_xlsx(headers, [[row.get(header) for header in headers] for row in rows])


def check(user, *rows, content=None):
    content = content or sheet(*rows)
    return import_upload(
        actor=user, kind="quotas", uploaded=SimpleUploadedFile("quotas.xlsx", content), background=False
    )


def imported(user, *rows, content=None):
    batch = check(user, *rows, content=content)
    assert batch.errors == [], batch.errors
    return import_commit(actor=user, batch=batch, background=False)


def errors(batch):
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


def test_a_year_of_quotas_is_checked_saved_and_imported_again_without_change(world):
    rows = [
        quota_row(),
        quota_row(行政区划="张店区", **{"小区数（个）": 20, "户数（户）": 12000, "楼栋数（栋）": 250,
                                     "建筑面积（m²）": 1200000, "投资（万元）": 36000}, 备注=""),
        quota_row(行政区划="370302", **{"小区数（个）": 14, "户数（户）": 7900, "楼栋数（栋）": 170,
                                      "建筑面积（m²）": 856700.5, "投资（万元）": 25600.0024}, 备注=""),
    ]  # fmt: skip
    batch = check(world["city"], *rows)
    assert (batch.status, batch.summary["new"]) == (ImportBatch.Status.CHECKED, 3)
    assert not AnnualQuota.objects.exists()  # the dry run saved nothing

    assert import_commit(actor=world["city"], batch=batch, background=False).is_committed
    zichuan = AnnualQuota.objects.get(region=world.district_b, year=2020)
    assert (zichuan.compounds, zichuan.floor_area, zichuan.investment) == (
        14, Decimal("856700.50"), Decimal("256000024.00"),
    )  # fmt: skip
    assert AnnualQuota.objects.get(region=world.city).note == "淄政办字〔2020〕49号"
    assert AuditEntry.objects.filter(content_type__model="annualquota").count() == 3

    again = imported(world["city"], *rows)
    assert (again.summary["new"], again.summary["updated"], again.summary["unchanged"]) == (0, 0, 3)
    assert AuditEntry.objects.filter(content_type__model="annualquota").count() == 3

    changed = imported(world["city"], quota_row(**{"小区数（个）": 35}))
    assert changed.summary["updated"] == 1
    assert AnnualQuota.objects.get(region=world.city, year=2020).compounds == 35


def test_each_wrong_cell_is_named_in_chinese_and_nothing_is_saved(world):
    rows = [
        quota_row(),
        quota_row(年度=1999, 行政区划="张店区"),
        quota_row(行政区划="车站街道"),
        quota_row(行政区划="北京市"),
        quota_row(行政区划="淄川区", **{"小区数（个）": -1, "户数（户）": 1.5, "投资（万元）": "许多"}),
        quota_row(),
    ]
    batch = check(world["city"], *rows)
    assert errors(batch) == [
        (3, "年度", "不能小于2000。"),
        (4, "行政区划", "您的辖区内没有这个名称的市或区县。"),
        (5, "行政区划", "您的辖区内没有这个名称的市或区县。"),
        (6, "小区数（个）", "不能小于0。"),
        (6, "户数（户）", "“1.5”不是整数。"),
        (6, "投资（万元）", "“许多”不是数字。"),
        (7, "行政区划", "与第 2 行是同一项任务。"),
    ], errors(batch)
    assert (
        import_commit(actor=world["city"], batch=batch, background=False).status
        != ImportBatch.Status.COMMITTED
    )
    assert not AnnualQuota.objects.exists()


def test_headers_typed_with_half_width_brackets_are_read(world):
    headers = [h.replace("（", "(").replace("）", ")") for h in HEADERS]
    row = quota_row()
    content = write_xlsx(headers, [[row[h] for h in HEADERS]])
    imported(world["city"], content=content)
    assert AnnualQuota.objects.get(region=world.city, year=2020).households == 19900


def test_an_empty_figure_counts_zero_and_a_missing_column_changes_nothing(world):
    quota_save(
        actor=world["city"], region=world.city, year=2020, compounds=34, investment=Decimal("616000000")
    )
    imported(world["city"], quota_row(**{"投资（万元）": None}))
    assert AnnualQuota.objects.get(region=world.city).investment == 0
    headers = [h for h in HEADERS if h != "楼栋数（栋）"]
    imported(world["city"], content=sheet(quota_row(**{"户数（户）": 20000}), headers=headers))
    quota = AnnualQuota.objects.get(region=world.city)
    assert (quota.households, quota.buildings) == (20000, 420)


@pytest.mark.parametrize("persona", ["district", "clerk_a", "finance", "leader", "auditor"])
def test_only_the_city_imports_quotas(world, client_for, persona):
    assert client_for(persona).get("/imports/quotas/new/").status_code == 403


def test_the_template_imports_as_downloaded(world, client_for):
    client = client_for("city")
    workbook = template(client, "quotas")
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADERS
    batch = upload(client, "quotas", saved(workbook), "年度任务.xlsx")
    assert batch.errors == [] and batch.summary["new"] == 1
    assert commit(client, batch).status == ImportBatch.Status.COMMITTED
    assert CHAIN[0][2]().get().households == 3600


def test_the_template_saved_again_by_libreoffice_imports(world, client_for, resave):  # noqa: F811
    client = client_for("city")
    content = resave(saved(template(client, "quotas")), name="年度任务.xlsx")
    batch = upload(client, "quotas", content, "年度任务.xlsx")
    assert batch.errors == [], batch.errors
    assert commit(client, batch).status == ImportBatch.Status.COMMITTED
    quota = CHAIN[0][2]().get()
    assert (quota.compounds, quota.floor_area, quota.investment) == (
        12,
        Decimal("280000.00"),
        Decimal("84000000.00"),
    )


def test_an_export_imports_again_unchanged(world, tmp_path, capsys):
    quota_save(actor=world["city"], region=world.city, year=2021, compounds=98, households=29100,
               floor_area=Decimal("2982300"), investment=Decimal("894690000.50"), note="=不是公式")  # fmt: skip
    quota_save(actor=world["city"], region=world.district_a, year=2021, compounds=60)
    out = tmp_path / "quotas.xlsx"
    call_command("export_data", "quotas", "--as", "city", "--out", str(out))
    assert "2 rows written" in capsys.readouterr().out
    call_command("import_data", "quotas", str(out), "--as", "city", "--commit")
    assert "new 0, updated 0, unchanged 2, rejected 0 of 2 rows" in capsys.readouterr().out
    assert AnnualQuota.objects.get(region=world.city).note == "=不是公式"


def test_a_district_exports_only_what_it_reads(world, tmp_path, capsys):
    quota_save(actor=world["city"], region=world.city, year=2021, compounds=98)
    quota_save(actor=world["city"], region=world.district_a, year=2021, compounds=60)
    quota_save(actor=world["city"], region=world.district_b, year=2021, compounds=38)
    call_command("export_data", "quotas", "--as", "district", "--out", str(tmp_path / "q.xlsx"))
    assert "2 rows written" in capsys.readouterr().out
