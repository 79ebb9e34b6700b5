"""Regions, organisations and the item catalogue in the administration site: exported with Chinese
headers and labels, imported with a preview, row by row through the services' rules."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from org.models import Organisation, Region
from projects.models import RenovationItem
from tests.factories import renovation_item

XLSX_FORMAT = "0"  # the first of the admin's formats (core.admin.ReferenceImportExportMixin)


def workbook(headers, *rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_through_admin(client, model_path, content, name="导入.xlsx"):
    """Upload (the admin shows a preview), then confirm, as a user clicks through."""
    preview = client.post(
        f"/admin/{model_path}/import/",
        {"resource": "0", "format": XLSX_FORMAT, "import_file": SimpleUploadedFile(name, content)},
    )
    assert preview.status_code == 200, preview.content[:500]
    confirm = preview.context.get("confirm_form")
    if confirm is None:
        return preview, None
    done = client.post(f"/admin/{model_path}/process_import/", {**confirm.initial, "resource": "0"})
    return preview, done


def export_through_admin(client, model_path):
    """The export form as the page offers it (every column ticked), sent as .xlsx."""
    form = client.get(f"/admin/{model_path}/export/").context["form"]
    ticked = {
        name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)
    }
    assert all(not str(form.fields[name].label).isascii() for name in ticked)  # 区划代码, not "Code"
    return client.post(f"/admin/{model_path}/export/", {"resource": "0", "format": XLSX_FORMAT, **ticked})


def test_regions_export_with_chinese_headers_and_level_labels(world, client_for):
    response = export_through_admin(client_for("sysadmin"), "org/region")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("区划代码", "名称", "层级", "上级区划代码")
    street = next(row for row in rows if row[0] == world.street_a.code)
    assert street[1:] == (world.street_a.name, str(Region.Level.STREET.label), world.district_a.code)
    assert "街道" in street[2]  # the label as the user reads it, not the stored 4


def test_a_region_imported_in_the_admin_goes_through_the_service(world, client_for):
    client = client_for("sysadmin")
    content = workbook(
        ["区划代码", "名称", "层级", "上级区划代码"],
        [world.street_a.code + "901", "新华社区", "社区", world.street_a.code],
    )
    _preview, done = import_through_admin(client, "org/region", content)
    assert done is not None and done.status_code == 302
    community = Region.objects.get(code=world.street_a.code + "901")
    assert community.path == world.street_a.path + community.code + "/"  # built by region_create


def test_a_refused_row_is_shown_in_the_preview_and_nothing_is_saved(world, client_for):
    client = client_for("sysadmin")
    content = workbook(
        ["区划代码", "名称", "层级", "上级区划代码"],
        [world.street_a.code + "902", "甲社区", "社区", world.street_a.code],
        [world.street_a.code + "903", "乙社区", "区县", world.street_a.code],  # a district under a street
    )
    preview, done = import_through_admin(client, "org/region", content)
    assert done is None
    assert preview.context["result"].has_validation_errors()
    assert not Region.objects.filter(code__startswith=world.street_a.code + "90").exists()


def test_organisations_are_found_by_region_and_name(world, client_for):
    office = Organisation.objects.get(region=world.street_a)
    content = workbook(
        ["名称", "简称", "类型", "所辖区划代码"],
        [office.name, "车站办", "街道办事处（镇政府）", world.street_a.code],
    )
    preview, done = import_through_admin(client_for("sysadmin"), "org/organisation", content)
    if done is None:
        raise AssertionError(preview.context["result"].invalid_rows)
    office.refresh_from_db()
    assert office.short_name == "车站办"
    assert Organisation.objects.filter(region=world.street_a).count() == 1


def test_the_catalogue_imports_through_its_services(world, client_for):
    from django.contrib.auth.models import Group

    item = renovation_item(name="测试项")
    admin = world["sysadmin"]
    admin.groups.add(Group.objects.get(name="city_staff"))  # as the demo's city_admin
    content = workbook(
        ["类别", "编码", "名称", "单位", "全国统计指标", "默认出资方", "出资说明", "排序", "用于新项目"],
        [item.category.name, item.code, "测试项（改）", "处", "", "居民", "", 5, "否"],
    )
    preview, done = import_through_admin(client_for("sysadmin"), "projects/renovationitem", content)
    if done is None:
        raise AssertionError(preview.context["result"].invalid_rows)
    item.refresh_from_db()
    assert (item.name, item.default_payer, item.active) == (
        "测试项（改）",
        RenovationItem.Payer.RESIDENTS,
        False,
    )


def test_an_export_resaved_by_a_spreadsheet_program_imports_back_unchanged(
    world, client_for, needs_soffice, tmp_path
):
    """As a user would: export, open and save it in LibreOffice, upload it again."""
    import subprocess

    client = client_for("sysadmin")
    exported = tmp_path / "regions.xlsx"
    exported.write_bytes(export_through_admin(client, "org/region").content)
    out = tmp_path / "resaved"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(exported)],
        check=True, capture_output=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    before = list(Region.objects.order_by("code").values_list("code", "path", "name", "level"))
    preview, done = import_through_admin(client, "org/region", (out / "regions.xlsx").read_bytes())
    assert done is not None, preview.context["result"].invalid_rows
    assert list(Region.objects.order_by("code").values_list("code", "path", "name", "level")) == before


def test_a_parent_that_does_not_exist_is_named_in_chinese(world, client_for):
    content = workbook(
        ["区划代码", "名称", "层级", "上级区划代码"], ["370303999901", "无主社区", "社区", "999999"]
    )
    preview, done = import_through_admin(client_for("sysadmin"), "org/region", content)
    assert done is None
    [row] = preview.context["result"].invalid_rows
    assert "999999" in str(row.error) and "matching query" not in str(row.error)


def test_exports_are_named_in_chinese_with_the_local_date(world, client_for):
    from django.utils import timezone

    response = export_through_admin(client_for("sysadmin"), "org/region")
    from urllib.parse import quote

    expected = f"行政区划-{timezone.localdate():%Y%m%d}.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(expected)}"
