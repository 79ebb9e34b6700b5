"""import_data funding_plans | receipts | disbursements, and export_data: a template that imports
(also after LibreOffice saved it again), a dry run that saves nothing, each wrong cell named by row
and column in Chinese, a file saved whole or not at all, the same file imported twice recorded once,
and the ledger's rules kept (over plan only when confirmed; never paid out beyond what arrived)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from approvals.models import ApprovalRequest
from approvals.seeding import seed_city_flows
from core.importing import importer_for
from core.imports import import_commit, import_upload, importer_allowed
from core.models import AuditEntry, ImportBatch
from core.spreadsheets import write_xlsx
from funding.models import Disbursement, FundingPlanLine, FundReceipt
from funding.selectors import balance_of
from funding.services import disbursement_request, disbursement_reverse, receipt_record, receipt_reverse
from tests.factories import compound_in, project_in
from tests.projects.test_import_templates import resave, saved, soffice_profile, template  # noqa: F401

from .conftest import DAY, wan

# The order a finance bureau fills a project's money in; each template's example row refers to the
# project ZD-2026-01 and to what the template before it recorded.
CHAIN = (
    ("funding_plans", "city", lambda: FundingPlanLine.objects.filter(project__code="ZD-2026-01")),
    ("receipts", "finance", lambda: FundReceipt.objects.filter(project__code="ZD-2026-01")),
    ("disbursements", "finance", lambda: Disbursement.objects.filter(project__code="ZD-2026-01")),
)


@pytest.fixture
def project(world, sources):
    return project_in(compound_in(world.community_a), stage="construction", code="ZD-2026-01")


def plan_row(**changes):
    return {
        "项目编号": "ZD-2026-01",
        "资金来源": "市级财政资金",
        "年度": 2026,
        "计划金额（万元）": 100,
        **changes,
    }


def receipt_row(**changes):
    row = {"项目编号": "ZD-2026-01", "资金来源": "市级财政资金", "到位日期": "2026-05-10", "金额（万元）": 60,
           "文号": "淄财建〔2026〕8号", "到账账户": "淄博市财政局老旧小区改造专户"}  # fmt: skip
    return {**row, **changes}


def payment_row(**changes):
    row = {"项目编号": "ZD-2026-01", "资金来源": "市级财政资金", "拨付日期": "2026-06-20", "金额（万元）": 20,
           "收款单位": "淄博建工集团有限公司", "用途": "首期工程款", "凭证号": "记-2026-0001"}  # fmt: skip
    return {**row, **changes}


def sheet(kind, *rows):
    headers = [column.header for column in importer_for(kind).columns]
    return write_xlsx(headers, [[row.get(header) for header in headers] for row in rows])


def check(user, kind, *rows, content=None):
    content = content or sheet(kind, *rows)
    return import_upload(
        actor=user, kind=kind, uploaded=SimpleUploadedFile(f"{kind}.xlsx", content), background=False
    )


def imported(user, kind, *rows, content=None):
    batch = check(user, kind, *rows, content=content)
    assert batch.errors == [], batch.errors
    return import_commit(actor=user, batch=batch, background=False)


def errors(batch):
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


@pytest.fixture
def funded_by_file(world, project):
    """100 万 planned and 60 万 received from the city budget, imported."""
    imported(world["city"], "funding_plans", plan_row())
    imported(world["finance"], "receipts", receipt_row())
    return project


# --- The plan ------------------------------------------------------------------------------------


def test_a_plan_is_checked_saved_and_imported_again_without_change(world, project, sources):
    rows = [
        plan_row(),
        plan_row(资金来源="居民出资（现金）", 年度=2027, **{"计划金额（万元）": 3.5}, 备注="每户300元"),
    ]
    batch = check(world["district"], "funding_plans", *rows)
    assert (batch.status, batch.summary["new"]) == (ImportBatch.Status.CHECKED, 2)
    assert not FundingPlanLine.objects.exists()  # the dry run saved nothing

    assert import_commit(actor=world["district"], batch=batch, background=False).is_committed
    lines = FundingPlanLine.objects.order_by("year").values_list("source__code", "year", "amount", "note")
    assert list(lines) == [
        ("city_budget", 2026, wan(100), ""),
        ("residents_cash", 2027, wan(3.5), "每户300元"),
    ]
    assert AuditEntry.objects.filter(content_type__model="fundingplanline", action="import").count() == 2

    again = imported(world["district"], "funding_plans", *rows)
    assert (again.summary["new"], again.summary["unchanged"]) == (0, 2)
    changed = imported(world["district"], "funding_plans", plan_row(**{"计划金额（万元）": 120}))
    assert (changed.summary["updated"], FundingPlanLine.objects.count()) == (1, 2)
    assert balance_of(project, sources["city_budget"]).planned == wan(120)
    entry = AuditEntry.objects.filter(content_type__model="fundingplanline", action="update").get()
    assert entry.changes == {"amount": ["1000000.00", "1200000.00"]}


def test_the_same_plan_line_twice_in_a_file_is_refused_naming_the_first(world, project):
    batch = check(world["city"], "funding_plans", plan_row(), plan_row(**{"计划金额（万元）": 90}))
    assert errors(batch) == [(3, "年度", "与第2行是同一条资金计划。")]


def test_a_street_clerk_imports_no_plan_and_only_the_finance_bureau_imports_money(world):
    allowed = {
        kind: sorted(p for p in ("clerk_a", "district", "city", "finance", "leader", "auditor", "sysadmin")
                     if importer_allowed(world[p], kind))
        for kind in ("funding_plans", "receipts", "disbursements")
    }  # fmt: skip
    assert allowed == {
        "funding_plans": ["city", "district"],
        "receipts": ["finance"],
        "disbursements": ["finance"],
    }


# --- Receipts ------------------------------------------------------------------------------------


def test_receipts_import_once_however_often_the_file_is_imported(world, funded_by_file, sources):
    again = imported(world["finance"], "receipts", receipt_row())
    assert (again.summary["new"], again.summary["unchanged"]) == (0, 1)
    [receipt] = FundReceipt.objects.all()
    assert (receipt.amount, receipt.document_number, receipt.recorded_by) == (
        wan(60), "淄财建〔2026〕8号", world["finance"]
    )  # fmt: skip
    assert balance_of(funded_by_file, sources["city_budget"]).received == wan(60)
    assert AuditEntry.objects.filter(content_type__model="fundreceipt", action="import").count() == 1


def test_a_receipt_recorded_with_other_figures_is_not_changed_by_an_import(world, funded_by_file):
    batch = check(world["finance"], "receipts", receipt_row(**{"金额（万元）": 65}))
    [(row, column, message)] = errors(batch)
    assert (row, column) == (2, "文号")
    assert "2026-05-10、60.00 万元" in message and "冲销" in message
    assert FundReceipt.objects.get().amount == wan(60)


def test_a_reversed_receipt_is_not_brought_back_by_importing_the_old_file(world, funded_by_file):
    receipt_reverse(actor=world["finance"], receipt=FundReceipt.objects.get(), reason="重复录入")
    batch = check(world["finance"], "receipts", receipt_row())
    assert [(r, c) for r, c, _m in errors(batch)] == [(2, "文号")]
    corrected = imported(world["finance"], "receipts", receipt_row(**{"金额（万元）": 50}))
    assert corrected.summary["new"] == 1
    assert balance_of(funded_by_file).received == wan(50)


def test_receipts_above_the_plan_need_the_rows_confirmation_counting_the_rows_above(world, funded_by_file):
    # 60 of 100 万 arrived: 30 more fits, a further 20 does not unless the row confirms it.
    rows = [
        receipt_row(文号="淄财建〔2026〕9号", **{"金额（万元）": 30}),
        receipt_row(文号="淄财建〔2026〕10号", **{"金额（万元）": 20}),
    ]
    batch = check(world["finance"], "receipts", *rows)
    [(row, column, message)] = errors(batch)
    assert (row, column) == (3, "金额（万元）")
    assert "110.00 万元" in message and "100.00 万元" in message and "确认超计划" in message
    rows[1]["确认超计划"] = "是"
    assert imported(world["finance"], "receipts", *rows).summary["new"] == 2
    assert balance_of(funded_by_file).received == wan(110)


def test_every_wrong_cell_is_named_by_row_and_column_in_chinese_and_nothing_is_saved(world, project):
    rows = [
        receipt_row(确认超计划="是"),  # the project has no plan yet
        receipt_row(项目编号="ZD-无此项目", 文号="A"),
        receipt_row(资金来源="彩票公益金", 文号="B", **{"金额（万元）": 0}),
        receipt_row(到位日期="2099-01-01", 文号="C"),
        receipt_row(文号=None, **{"金额（万元）": "六十"}),
    ]
    batch = check(world["finance"], "receipts", *rows)
    assert errors(batch) == [
        (3, "项目编号", "您的工作区域内没有使用此编号的项目。"),
        (4, "资金来源", "“彩票公益金”不是可选值。请填写以下之一：中央补助资金、省级补助资金、市级财政资金、区县财政资金、"
                      "地方政府专项债券、居民出资（现金）、住房公积金、住宅专项维修资金、小区公共收益、专营单位出资、"
                      "原产权单位出资、社会资本、政策性银行贷款、其他资金。"),
        (4, "金额（万元）", "必须大于0。"),
        (5, "到位日期", "日期不能晚于今天。"),
        (6, "金额（万元）", "“六十”不是数字。"),
        (6, "文号", "此项必填。"),
    ]  # fmt: skip
    assert batch.summary["rejected"] == 4
    # The first row is right, but a file is saved whole or not at all.
    assert import_commit(actor=world["finance"], batch=batch, background=False).status == "checked"
    assert not FundReceipt.objects.exists()


# --- Disbursements released before the portal ----------------------------------------------------


def test_payments_released_before_the_portal_are_recorded_released_with_their_voucher(world, funded_by_file):
    batch = imported(world["finance"], "disbursements", payment_row(), payment_row(凭证号="记-2026-0002"))
    assert batch.summary["new"] == 2
    payments = Disbursement.objects.order_by("voucher_number")
    assert [(p.state, p.voucher_number, str(p.paid_on), p.amount) for p in payments] == [
        ("released", "记-2026-0001", "2026-06-20", wan(20)),
        ("released", "记-2026-0002", "2026-06-20", wan(20)),
    ]
    assert not ApprovalRequest.objects.exists()  # paid before the portal: no review to go through
    balance = balance_of(funded_by_file)
    assert (balance.received, balance.released, balance.available) == (wan(60), wan(40), wan(20))
    again = imported(world["finance"], "disbursements", payment_row(), payment_row(凭证号="记-2026-0002"))
    assert (again.summary["unchanged"], Disbursement.objects.count()) == (2, 2)


def test_a_file_paying_out_more_than_arrived_is_refused_at_the_row_that_overspends(
    world, funded_by_file, sources
):
    # 60 万 arrived; 15 万 is under review: 45 万 is left, and the file asks 20 + 20 + 20.
    seed_city_flows(world.city)
    disbursement_request(
        actor=world["district"], project=funded_by_file, source=sources["city_budget"], amount=wan(15),
        payee="淄博建工集团有限公司", purpose="进度款", idempotency_key="k1",
    )  # fmt: skip
    rows = [payment_row(凭证号=f"记-2026-000{n}") for n in (1, 2, 3)]
    batch = check(world["finance"], "disbursements", *rows)
    assert [(r, c) for r, c, _m in errors(batch)] == [(4, "金额（万元）")]
    message = errors(batch)[0][2]
    for figure in ("5.00 万元", "60.00 万元", "15.00 万元", "40.00 万元"):
        assert figure in message, message
    import_commit(actor=world["finance"], batch=batch, background=False)
    assert Disbursement.objects.filter(state="released").count() == 0
    balance = balance_of(funded_by_file, sources["city_budget"])
    assert balance.released + balance.requested <= balance.received


def test_a_voucher_number_names_one_payment_of_the_city(world, funded_by_file, sources):
    imported(world["finance"], "disbursements", payment_row())
    other = project_in(compound_in(world.community_a), code="ZD-2026-02")
    receipt_record(
        actor=world["finance"], project=other, source=sources["city_budget"], amount=wan(50), received_on=DAY,
        confirm_over_plan=True,
    )  # fmt: skip
    batch = check(
        world["finance"], "disbursements", payment_row(项目编号="ZD-2026-02"),
        payment_row(项目编号="ZD-2026-02", 凭证号="记-2026-0009"), payment_row(项目编号="ZD-2026-02", 凭证号="记-2026-0009"),
    )  # fmt: skip
    assert [(r, c) for r, c, _m in errors(batch)] == [(2, "凭证号"), (4, "凭证号")]
    assert funded_by_file.name in errors(batch)[0][2] and "20.00 万元" in errors(batch)[0][2]
    assert errors(batch)[1][2] == "与第3行的凭证号相同。"


def test_a_reversed_payments_voucher_is_not_used_again(world, funded_by_file):
    imported(world["finance"], "disbursements", payment_row())
    disbursement_reverse(actor=world["finance"], disbursement=Disbursement.objects.get(), reason="资金退回")
    batch = check(world["finance"], "disbursements", payment_row())
    assert [(r, c) for r, c, _m in errors(batch)] == [(2, "凭证号")]


def test_an_imported_payment_shows_on_the_projects_money_page(world, funded_by_file, client_for):
    imported(world["finance"], "disbursements", payment_row())
    page = client_for("finance").get(f"/funding/projects/{funded_by_file.pk}/")
    assert page.status_code == 200
    assert "记-2026-0001" in page.content.decode()


# --- export_data and import_data -----------------------------------------------------------------


def test_export_then_import_changes_nothing(world, funded_by_file, tmp_path, capsys):
    imported(world["finance"], "disbursements", payment_row())
    receipt_record(
        actor=world["finance"], project=funded_by_file, source=FundReceipt.objects.get().source, amount=wan(5),
        received_on=DAY, document_number="淄财建〔2026〕11号",
    )  # fmt: skip
    receipt_reverse(actor=world["finance"], receipt=FundReceipt.objects.get(amount=wan(5)), reason="重复录入")
    for kind, persona, total in (
        ("funding_plans", "city", 1),
        ("receipts", "finance", 1),
        ("disbursements", "finance", 1),
    ):
        out = tmp_path / f"{kind}.xlsx"
        call_command("export_data", kind, "--as", persona, "--out", str(out))
        capsys.readouterr()
        call_command("import_data", kind, str(out), "--as", persona, "--commit")
        assert (
            f"new 0, updated 0, unchanged {total}, rejected 0 of {total} rows" in capsys.readouterr().out
        ), kind
    assert (FundReceipt.objects.count(), Disbursement.objects.count()) == (3, 1)  # the reversal's pair stays


def test_the_command_refuses_a_wrong_file_and_says_nothing_was_saved(world, project, tmp_path, capsys):
    path = tmp_path / "receipts.xlsx"
    path.write_bytes(sheet("receipts", receipt_row(**{"金额（万元）": -5})))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_data", "receipts", str(path), "--as", "finance", "--commit")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "row 2\t金额（万元）\t必须大于0。" in out and "Nothing was saved." in out
    assert not FundReceipt.objects.exists()


@pytest.mark.parametrize("kind", ["funding_plans", "receipts", "disbursements"])
def test_checking_a_file_runs_as_many_queries_for_twenty_rows_as_for_two(world, funded_by_file, kind):
    make = {"funding_plans": lambda n: plan_row(年度=2030 + n), "receipts": lambda n: receipt_row(文号=f"文{n}"),
            "disbursements": lambda n: payment_row(凭证号=f"凭{n}", **{"金额（万元）": 1})}[kind]  # fmt: skip
    persona = "city" if kind == "funding_plans" else "finance"
    counts = []
    for size in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            check(world[persona], kind, *[make(n) for n in range(size)])
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The templates ---------------------------------------------------------------------------------


def test_the_templates_offer_the_sources_as_a_drop_down_and_explain_every_column(world, project, client_for):
    workbook = template(client_for("finance"), "receipts")
    assert workbook.sheetnames == ["资金到位", "填写说明"]
    validations = workbook.worksheets[0].data_validations.dataValidation
    assert any("市级财政资金" in v.formula1 for v in validations)
    page = client_for("city").get("/imports/funding_plans/new/").content.decode()
    assert "导入资金计划" in page.split("<h1")[1].split("</h1>")[0]
    guide = page.split('id="import-guide"')[1].split("</table>")[0]
    for column in importer_for("funding_plans").columns:
        assert column.header in guide
    assert "数字，单位万元，最多6位小数，大于0" in guide  # 计划金额（万元）


def test_each_template_filled_in_imports_in_order(world, project, client_for):
    for kind, persona, created in CHAIN:
        client = client_for(persona)
        batch = _upload(client, kind, saved(template(client, kind)))
        assert batch.errors == [], (kind, batch.errors)
        assert _commit(client, batch).is_committed
        assert created().count() == 1, kind
    balance = balance_of(project)
    assert (balance.planned, balance.received, balance.released) == (wan(40), wan(40), wan(10))


def test_each_template_saved_again_by_libreoffice_imports(world, project, client_for, resave):  # noqa: F811
    for kind, persona, created in CHAIN:
        client = client_for(persona)
        content = resave(saved(template(client, kind)), name=f"{kind}.xlsx")
        batch = _upload(client, kind, content)
        assert batch.errors == [], (kind, batch.errors)
        assert _commit(client, batch).is_committed
        assert created().count() == 1, kind
    # Imported again as LibreOffice wrote them: nothing new.
    for kind, persona, created in CHAIN:
        client = client_for(persona)
        batch = _upload(client, kind, resave(saved(template(client, kind)), name=f"{kind}.xlsx"))
        assert (batch.summary["new"], batch.summary["unchanged"]) == (0, 1), kind
        assert created().count() == 1, kind
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "资金拨付"


def _upload(client, kind, content):
    response = client.post(f"/imports/{kind}/new/", {"file": SimpleUploadedFile(f"{kind}.xlsx", content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("pk")


def _commit(client, batch):
    client.post(f"/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    return batch
