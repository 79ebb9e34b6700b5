"""Every amount of a project reads back in the unit and figure it was typed in: 万元 on the item grid,
the progress form, the project page, and the item import and export (docs/money.md)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from core.exports import export_content
from core.importing import import_file
from core.money import WanField
from core.spreadsheets import write_xlsx
from funding.models import Disbursement, FundingPlanLine, FundReceipt
from funding.pages.forms import DisbursementForm, PlanLineForm, ReceiptForm
from projects.models import AnnualQuota, ProgressReport, Project, ProjectItem, RenovationItem
from projects.quotas.forms import QuotaRowForm
from projects.works.forms import ProgressReportForm, ProjectItemForm
from projects.works.importers import ProjectItemImporter
from residents.contributions.forms import DueForm, PaymentForm
from residents.entry.forms import EntryRowForm
from residents.models import Contribution, SurveyResponse
from tests.factories import compound_in, project_in
from tests.projects.test_project_items import GRID_FIELDS, add_items, grid_post, row

S = Project.Stage
TODAY = timezone.localdate()

# Every money field of the portal and the form that types it. A new DecimalField of money (14 digits,
# 2 places) fails test_every_money_field_is_typed_in_wan until it is added here and typed in 万元.
MONEY_INPUTS = {
    (ProjectItem, "estimated_cost"): ProjectItemForm,
    (ProjectItem, "bid_price"): ProjectItemForm,
    (ProjectItem, "actual_cost"): ProjectItemForm,
    (ProgressReport, "investment_to_date"): ProgressReportForm,
    (FundingPlanLine, "amount"): PlanLineForm,
    (FundReceipt, "amount"): ReceiptForm,
    (Disbursement, "amount"): DisbursementForm,
    (AnnualQuota, "investment"): QuotaRowForm,
    (Contribution, "due"): DueForm,  # typed in 元 (residents.contributions.forms.YuanField)
    (Contribution, "paid"): PaymentForm,
    (SurveyResponse, "contribution_amount"): EntryRowForm,  # typed in 元 in the survey entry grid
}


@pytest.fixture
def project(world):
    return project_in(
        compound_in(world.community_a), stage=S.CONSTRUCTION, code="P-M1", name="华光路小区改造",
        started_on=TODAY - datetime.timedelta(days=30),
    )  # fmt: skip


def section(page, start, end):
    return page.split(f'id="{start}"')[1].split(f'id="{end}"')[0]


def test_every_money_field_is_typed_in_wan():
    money = {
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.fields
        if isinstance(field, models.DecimalField) and (field.max_digits, field.decimal_places) == (14, 2)
    }
    assert money == set(MONEY_INPUTS)
    for (_model, name), form_class in MONEY_INPUTS.items():
        assert isinstance(form_class.base_fields[name], WanField), name


def test_amounts_typed_in_the_grid_read_back_as_the_same_figures_in_wan(world, client_for, project):
    water = RenovationItem.objects.get(code="water_supply")
    url = reverse("projects:projectitem_grid", args=[project.pk])
    client = client_for("clerk_a")
    typed = {"estimated_cost": "24", "bid_price": "30.5", "actual_cost": "0.0024"}
    response = client.post(
        url, grid_post(new=[{"item": water.pk, "quantity": "1.5", "progress": 0, **typed}])
    )
    assert response.status_code == 302, response.context and response.context.get("service_errors")

    saved = ProjectItem.objects.get(project=project)
    assert (saved.estimated_cost, saved.bid_price, saved.actual_cost) == (
        Decimal("240000.00"), Decimal("305000.00"), Decimal("24.00"),
    )  # fmt: skip
    # The grid shows the same figures in its boxes, 万元 beside each box and in the headers.
    grid = client.get(url).content.decode()
    for name, figure in typed.items():
        assert f'name="items-0-{name}" value="{figure}"' in grid
    assert grid.count('<span class="input-group-text" id="id_items-0-estimated_cost-unit">万元</span>') == 1
    assert "估算金额（万元）" in grid and "合同价（万元）" in grid and "实际金额（万元）" in grid
    # The project page shows them in 万元 with two places; 24 元 is not 0.00.
    items = section(client.get(project.get_absolute_url()).content.decode(), "project-items", "progress")
    assert (
        '<td class="numeric">24.00</td><td class="numeric">30.50</td><td class="numeric">0.0024</td>' in items
    )
    assert "估算（万元）" in items


def test_saving_the_grid_unchanged_changes_no_amount(world, client_for, project):
    (kept,) = add_items(project, row("water_supply", "1", estimated="24.00", bid="305000", actual="1234.56"))
    response = client_for("clerk_a").post(
        reverse("projects:projectitem_grid", args=[project.pk]), grid_post(existing=[(kept, {})])
    )
    assert response.status_code == 302
    kept.refresh_from_db()
    assert [getattr(kept, name) for name in GRID_FIELDS[2:5]] == [
        Decimal("24.00"), Decimal("305000.00"), Decimal("1234.56"),
    ]  # fmt: skip


def test_the_progress_form_takes_wan_and_the_page_reads_the_same_figure(world, client_for, project):
    client = client_for("clerk_a")
    url = reverse("projects:progressreport_add", args=[project.pk])
    form = client.get(url).content.decode()
    assert '<span class="input-group-text" id="id_investment_to_date-unit">万元</span>' in form
    response = client.post(
        url, {"reported_on": TODAY.isoformat(), "percent": 40, "investment_to_date": "24.5"}
    )
    assert response.status_code == 302
    assert ProgressReport.objects.get().investment_to_date == Decimal("245000.00")
    page = section(client.get(project.get_absolute_url()).content.decode(), "progress", "inspections")
    assert "累计完成投资 24.50 万元" in page

    # Refused for another reason, the form shows back the figure typed, not its yuan.
    again = client.post(
        url, {"reported_on": "", "percent": 40, "investment_to_date": "0.0024"}
    ).content.decode()
    assert 'name="investment_to_date" value="0.0024"' in again


def test_a_total_is_empty_when_no_amount_was_entered_and_zero_when_zero_was(world, client_for, project):
    add_items(project, row("water_supply", "1"), row("lift_installation", "2", estimated="0"))
    page = client_for("clerk_a").get(project.get_absolute_url()).content.decode()
    subtotals = page.split('class="fw-semibold category-total"')[1:]
    basic, improve = (s.split("</tr>")[0] for s in subtotals)
    assert basic.count('<td class="numeric">—</td>') == 3  # nothing entered: — as its rows
    assert '<td class="numeric">0.00</td><td class="numeric">—</td>' in improve  # zero entered
    grand = page.split('id="items-grand-total"')[1].split("</tr>")[0]
    assert '<td class="numeric">0.00</td><td class="numeric">—</td><td class="numeric">—</td>' in grand


# --- Spreadsheets ---------------------------------------------------------------------------------

HEADERS = [column.header for column in ProjectItemImporter.columns]


def items_file(*rows):
    return write_xlsx(HEADERS, [[row.get(h) for h in HEADERS] for row in rows])


def test_the_item_template_speaks_wan():
    assert {"估算金额（万元）", "合同价（万元）", "实际金额（万元）"} <= set(HEADERS)
    assert not any("（元）" in header for header in HEADERS)
    with translation.override("zh-hans"):
        guide = {c.header: c.format_text() for c in ProjectItemImporter.columns}
    assert guide["估算金额（万元）"] == "数字，单位万元，最多6位小数，不小于0"


def test_an_item_file_in_wan_is_stored_in_yuan_and_exported_back_as_the_same_figures(world, project):
    clerk = world["clerk_a"]
    data = items_file(
        {"项目编号": "P-M1", "改造内容编码": "water_supply", "数量": 1, "估算金额（万元）": 24,
         "合同价（万元）": 30.5, "实际金额（万元）": "0.0024"},
    )  # fmt: skip
    report = import_file(ProjectItemImporter(clerk), data, "items.xlsx", commit=True)
    assert report.committed, report.errors
    saved = ProjectItem.objects.get(project=project)
    assert (saved.estimated_cost, saved.bid_price, saved.actual_cost) == (
        Decimal("240000.00"), Decimal("305000.00"), Decimal("24.00"),
    )  # fmt: skip

    queryset = ProjectItem.objects.restrict(clerk)
    xlsx = export_content(user=clerk, kind="project_items", queryset=queryset, export_format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    exported = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert (exported["估算金额（万元）"], exported["合同价（万元）"], exported["实际金额（万元）"]) == (
        24,
        30.5,
        0.0024,
    )
    csv = export_content(user=clerk, kind="project_items", queryset=queryset, export_format="csv")
    assert ",24,30.5,0.0024," in csv.decode("utf-8-sig")
    for content, name in ((xlsx, "items.xlsx"), (csv, "items.csv")):
        again = import_file(ProjectItemImporter(clerk), content, name, commit=True)
        assert (again.unchanged, again.updated, again.errors) == (1, 0, [])


def test_an_item_file_in_yuan_of_the_old_template_is_refused_not_read_ten_thousand_times_too_big(
    world, project
):
    headers = [h.replace("（万元）", "（元）") for h in HEADERS]
    data = write_xlsx(headers, [["P-M1", "water_supply", None, 1, 240000, None, None, 0, None, ""]])
    report = import_file(ProjectItemImporter(world["clerk_a"]), data, "items.xlsx", commit=True)
    assert not report.committed and "估算金额（元）" in report.errors[0].message
    assert not ProjectItem.objects.exists()


def test_an_amount_finer_than_a_fen_is_refused_in_a_file(world, project):
    data = items_file(
        {"项目编号": "P-M1", "改造内容编码": "water_supply", "数量": 1, "估算金额（万元）": "0.0000001"}
    )
    report = import_file(ProjectItemImporter(world["clerk_a"]), data, "items.xlsx", commit=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "估算金额（万元）")]
