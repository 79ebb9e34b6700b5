"""The funding sources are reference data in the administration site: exported with Chinese
headers and labels, imported through funding's services (with the audit entry they write)."""

import io

from openpyxl import load_workbook

from core.models import AuditEntry
from funding.models import FundingSource
from tests.org.test_admin_import_export import export_through_admin, import_through_admin, workbook


def test_the_sources_export_with_chinese_headers_and_category_labels(world, client_for):
    response = export_through_admin(client_for("sysadmin"), "funding/fundingsource")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("编码", "名称", "类别", "排序", "启用")
    cash = next(row for row in rows if row[0] == "residents_cash")
    # The category as the user reads it, not the stored "residents".
    assert cash[1:3] == ("居民出资（现金）", str(FundingSource.Category.RESIDENTS.label)) and cash[4] == "是"
    assert not cash[2].isascii()


def test_a_source_imported_in_the_admin_goes_through_the_service(world, client_for):
    content = workbook(
        ["编码", "名称", "类别", "排序", "启用"],
        ["rural_revitalisation", "乡村振兴衔接资金", "其他", 200, "是"],
    )
    preview, done = import_through_admin(client_for("sysadmin"), "funding/fundingsource", content)
    if done is None:
        raise AssertionError(preview.context["result"].invalid_rows)
    source = FundingSource.objects.get(code="rural_revitalisation")
    assert (source.name, source.category, source.active) == ("乡村振兴衔接资金", "other", True)
    assert AuditEntry.objects.filter(object_id=str(source.pk), action=AuditEntry.Action.CREATE).exists()


def test_only_the_system_administrator_keeps_the_sources(world, client_for):
    assert client_for("sysadmin").get("/admin/funding/fundingsource/").status_code == 200
    assert client_for("city").get("/admin/funding/fundingsource/").status_code in (302, 403)
