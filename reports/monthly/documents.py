"""The monthly report as the province files it: an .xlsx with a title, merged two-row headers, one
row per district, a 合计 row and the sign-off line (填报单位, 填报人, 审核人, 填报日期), with sheets for
the change against last month, the ranking and the lagging projects; and a PDF (A4 landscape,
Noto CJK) of the same table. Both are written in Chinese from the frozen snapshot only."""

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.pdf import render_pdf
from core.spreadsheets import column_letter, escape_formula

from .services import OFFICIAL_LANGUAGE
from .table import display, month_change, table_of

PDF_TEMPLATE = "reports/monthly/pdf.html"
FORMATS = {"int": "#,##0", "area": "#,##0.00", "wan": "#,##0.00", "rate": "0.0", "quantity": "#,##0.##"}
HEADER_ROWS = (3, 4)  # the two header rows of the main sheet
FIRST_DATA_ROW = 5


def _name(user):
    return (user.get_full_name() or user.username) if user is not None else ""


def sign_off(report):
    """(填报单位, 填报人, 审核人, 填报日期) of ``report``: the bureau of whoever built it (the city
    when a scheduled job built it), its builder, its submitter, and the day it was submitted (or
    built, while a draft)."""
    people = [u for u in (report.built_by, report.submitted_by) if u is not None]
    organisation = next((u.organisation for u in people if u.organisation_id), None)
    unit = organisation.name if organisation is not None else report.city.name
    when = report.submitted_at or report.built_at
    return unit, _name(report.built_by), _name(report.submitted_by), timezone.localtime(when).date()


def report_title(report):
    return _("%(city)s old compound renovation progress, monthly report for %(year)s-%(month)s") % {
        "city": report.city.name,
        "year": report.month.year,
        "month": report.month.month,
    }


def report_filename(report, extension):
    """In Chinese: 淄博市2026年10月城镇老旧小区改造进度月报（第2版）.xlsx"""
    with translation.override(OFFICIAL_LANGUAGE):
        name = _(
            "%(city)s %(year)s-%(month)02d old compound renovation monthly report (version %(version)s)"
        ) % {
            "city": report.city.name,
            "year": report.month.year,
            "month": report.month.month,
            "version": report.version,
        }
    return f"{name}.{extension}"


def document_context(report):
    unit, filled_by, reviewed_by, filled_on = sign_off(report)
    return {
        "report": report,
        "title": report_title(report),
        "table": table_of(report.numbers),
        "change": month_change(report.numbers),
        "ranking": report.numbers.get("ranking") or [],
        "lagging": report.numbers.get("lagging") or [],
        "unit": unit,
        "filled_by": filled_by,
        "reviewed_by": reviewed_by,
        "filled_on": filled_on,
    }


def monthly_pdf(report):
    """The report's PDF bytes (raises core.pdf.PdfError when it cannot be made)."""
    with translation.override(OFFICIAL_LANGUAGE):
        return render_pdf(PDF_TEMPLATE, document_context(report))


def monthly_xlsx(report):
    """The report's workbook bytes."""
    with translation.override(OFFICIAL_LANGUAGE):
        return _workbook(report)


def _workbook(report):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    context = document_context(report)
    table = context["table"]
    width = 2 + len(table.columns)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    bold = Font(bold=True)

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Monthly report")
    last = column_letter(width - 1)

    sheet["A1"] = escape_formula(context["title"])
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = centre
    sheet.merge_cells(f"A1:{last}1")
    sheet.row_dimensions[1].height = 30
    half = max(2, width // 2)
    sheet["A2"] = escape_formula(
        _("Figures as of %(date)s; data version %(version)s")
        % {"date": report.as_of, "version": report.data_version}
    )
    sheet.merge_cells(f"A2:{column_letter(half - 1)}2")
    sheet.cell(row=2, column=half + 1, value=_("Units: number, households, m², 10,000 yuan"))
    sheet.cell(row=2, column=half + 1).alignment = Alignment(horizontal="right")
    sheet.merge_cells(f"{column_letter(half)}2:{last}2")

    top, bottom = HEADER_ROWS
    for col, text in ((1, _("No.")), (2, _("District or county"))):
        sheet.cell(row=top, column=col, value=text)
        sheet.merge_cells(start_row=top, start_column=col, end_row=bottom, end_column=col)
    col = 3
    for group, span in table.groups():
        if group is None:
            column = table.columns[col - 3]
            sheet.cell(row=top, column=col, value=column.header())
            sheet.merge_cells(start_row=top, start_column=col, end_row=bottom, end_column=col)
        else:
            sheet.cell(row=top, column=col, value=group)
            if span > 1:
                sheet.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + span - 1)
            for offset in range(span):
                sheet.cell(row=bottom, column=col + offset, value=table.columns[col - 3 + offset].header())
        col += span
    for row in HEADER_ROWS:
        sheet.row_dimensions[row].height = 32
        for col in range(1, width + 1):
            cell = sheet.cell(row=row, column=col)
            cell.font, cell.alignment, cell.border = bold, centre, border

    for offset, row in enumerate(table.rows):
        number = FIRST_DATA_ROW + offset
        sheet.cell(row=number, column=1, value=int(row.number) if row.number else None)
        sheet.cell(row=number, column=2, value=escape_formula(row.name))
        for index, (column, value) in enumerate(zip(table.columns, row.cells, strict=True)):
            cell = sheet.cell(row=number, column=3 + index, value=value)
            cell.number_format = FORMATS[column.kind]
        for col in range(1, width + 1):
            cell = sheet.cell(row=number, column=col)
            cell.border = border
            if row.is_total:
                cell.font = bold
            if col <= 2:
                cell.alignment = centre
    sign_row = FIRST_DATA_ROW + len(table.rows) + 1
    for col, (label, value) in zip(
        (1, 1 + width // 4, 1 + width // 2, 1 + (3 * width) // 4),
        (
            (_("Reporting unit"), context["unit"]),
            (_("Filled in by"), context["filled_by"]),
            (_("Reviewed by"), context["reviewed_by"]),
            (_("Date filled in"), context["filled_on"].isoformat()),
        ),
        strict=True,
    ):
        sheet.cell(row=sign_row, column=col, value=escape_formula(f"{label}：{value}"))
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 14
    for index in range(len(table.columns)):
        sheet.column_dimensions[column_letter(2 + index)].width = 12
    sheet.freeze_panes = f"C{FIRST_DATA_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4

    _change_sheet(workbook, context, bold)
    _ranking_sheet(workbook, context, bold)
    _lagging_sheet(workbook, context, bold)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _change_sheet(workbook, context, bold):
    sheet = workbook.create_sheet(_("Change from last month"))
    change = context["change"]
    if change is None:
        sheet.append([_("No report of the month before to compare with.")])
        return
    header = [_("District or county")]
    now, then, difference = _("this month"), _("last month"), _("change")
    for column, *_rest in change[0].values:
        header += [f"{column.header()} {now}", f"{column.header()} {then}", f"{column.header()} {difference}"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = bold
    for row in change:
        values = [escape_formula(row.name)]
        for _column, now, then, difference in row.values:
            values += [now, then, difference]
        sheet.append(values)


def _ranking_sheet(workbook, context, bold):
    sheet = workbook.create_sheet(_("Ranking"))
    sheet.append([_("Rank"), _("District or county"), _("start rate (%)"), _("completion rate (%)"),
                  _("investment completed (10,000 yuan)"), _("Last place")])  # fmt: skip
    for cell in sheet[1]:
        cell.font = bold
    for row in ranking_rows(context["ranking"]):
        sheet.append(
            [row["rank"], escape_formula(row["name"]), row["start_rate"], row["completion_rate"], row["investment"],
             _("yes") if row["last"] else ""]
        )  # fmt: skip


def _lagging_sheet(workbook, context, bold):
    sheet = workbook.create_sheet(_("Lagging projects"))
    sheet.append([_("No."), _("area"), _("Project"), _("Why")])
    for cell in sheet[1]:
        cell.font = bold
    for index, row in enumerate(context["lagging"], start=1):
        sheet.append(
            [
                index,
                escape_formula(row["region"]),
                escape_formula(row["name"]),
                escape_formula("；".join(r.rstrip("。；") for r in row["reasons"])),
            ]
        )


def ranking_rows(ranking):
    """The frozen ranking rows in one shape for pages and files: rank, name, the three figures and
    whether the district is marked last (末位)."""
    from decimal import Decimal

    from core.money import to_wan

    rows = []
    for index, row in enumerate(ranking, start=1):
        figures = row.get("figures") or row
        investment = figures.get("completed_investment", row.get("investment"))

        def number(value):
            return None if value in (None, "") else Decimal(str(value))

        rows.append(
            {
                "rank": row.get("rank", index),
                "name": figures.get("region_name") or row.get("region_name") or row.get("name", ""),
                "start_rate": number(figures.get("start_rate", row.get("start_rate"))),
                "completion_rate": number(figures.get("completion_rate", row.get("completion_rate"))),
                "investment": None
                if investment in (None, "")
                else to_wan(Decimal(str(investment))).quantize(Decimal("0.01")),
                "last": bool(row.get("last") or row.get("is_last") or row.get("last_place")),
            }
        )
    return rows


__all__ = ["display", "monthly_pdf", "monthly_xlsx", "ranking_rows", "report_filename", "sign_off"]
