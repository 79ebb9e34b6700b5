"""The ledger as a finance bureau files it (.xlsx): a title row, 单位：万元, and the columns
区县 / 项目 / 资金来源 / 计划 / (上年结转) / 到位 / 已拨付 / 审核中 / 可用 / 到位率 / 拨付率, each
district's projects followed by its 小计 and the whole by 合计; a sheet by district and source, and
a sheet of warnings. Money is a number in 万元 (core.money.export_wan), a rate a percentage; text
cells that a spreadsheet would run as a formula are escaped (core.spreadsheets.escape_formula).
Audited as an export, with the filters it was made with."""

import io
from copy import copy

from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exports import filters_text
from core.http import CONTENT_TYPES, attachment
from core.models import AuditEntry
from core.money import export_wan
from core.spreadsheets import column_letter, escape_formula

from .models import FundReceipt

MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.0%"


def _columns(period):
    """(header, width) of the money columns, in order; 上年结转 only for a year."""
    columns = [(_("Planned"), 14)]
    if period.year is not None:
        columns.append((_("Carried over"), 14))
    columns += [
        (_("Received"), 14),
        (_("Released"), 14),
        (_("Under review"), 14),
        (_("Available"), 14),
        (_("Receipt rate"), 10),
        (_("Release rate"), 10),
    ]
    return columns


def _figures(sums, period):
    values = [export_wan(sums.planned)]
    if period.year is not None:
        values.append(export_wan(sums.carried))
    values += [export_wan(v) for v in (sums.received, sums.released, sums.requested, sums.available)]
    return values, [sums.receipt_rate, sums.release_rate]


class _Sheet:
    """A write-only sheet with a title, a unit line, bold headers and formatted figures."""

    def __init__(self, workbook, title, *, heading, note, headers, widths):
        from openpyxl.styles import Alignment, Font

        self.sheet = workbook.create_sheet(title[:31])
        self.width = len(headers)
        for index, width in enumerate(widths):
            self.sheet.column_dimensions[column_letter(index)].width = width
        self.bold = Font(bold=True)
        self.sheet.append([self._cell(heading, font=Font(bold=True, size=14))])
        unit = self._cell(_("Unit: 10,000 yuan"), alignment=Alignment(horizontal="right"))
        self.sheet.append([self._cell(note)] + [None] * (self.width - 2) + [unit])
        self.sheet.append([self._cell(h, font=self.bold) for h in headers])
        self.sheet.freeze_panes = "A4"
        self.styles = {
            bold: {
                "text": self._cell("", font=self.bold if bold else None),
                "money": self._cell(0, font=self.bold if bold else None, number_format=MONEY_FORMAT),
                "rate": self._cell(0, font=self.bold if bold else None, number_format=RATE_FORMAT),
            }
            for bold in (False, True)
        }

    def _cell(self, value, *, font=None, alignment=None, number_format=None):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value=escape_formula(value))
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        if number_format is not None:
            cell.number_format = number_format
        return cell

    def _like(self, value, style):
        """A cell styled as ``style`` (a prototype cell): its style array copied, not looked up
        again in the workbook's style lists for every cell of a long sheet."""
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value=value)
        cell._style = copy(style._style)
        return cell

    def row(self, texts, money=(), rates=(), *, bold=False):
        styles = self.styles[bold]
        if bold:
            cells = [self._like(escape_formula(text), styles["text"]) for text in texts]
        else:
            cells = [escape_formula(text) for text in texts]
        cells += [self._like(value, styles["money"]) for value in money]
        cells += [self._like(None if rate is None else float(rate) / 100, styles["rate"]) for rate in rates]
        self.sheet.append(cells)


def ledger_workbook(*, heading, note, ledger, projects, warnings):
    """The workbook's bytes. ``ledger`` (funding.ledger.Ledger), ``projects`` (ProjectBlocks of
    every project of the ledger), ``warnings`` (funding.ledger_warnings.LedgerWarning)."""
    from openpyxl import Workbook

    period = ledger.period
    money = _columns(period)
    workbook = Workbook(write_only=True)

    detail = _Sheet(
        workbook, _("Funding ledger"), heading=heading, note=note,
        headers=[_("District or county"), _("Project"), _("Funding source")] + [h for h, _w in money],
        widths=[12, 36, 20] + [w for _h, w in money],
    )  # fmt: skip
    by_district = {}
    for block in projects:
        by_district.setdefault(block.project.district_id, []).append(block)
    for district_block in ledger.districts:
        pk = district_block.district.pk if district_block.district is not None else None
        name = _district_name(district_block.district)
        for block in by_district.get(pk, ()):
            for row in block.rows:
                detail.row([name, block.project.name, row.source.name], *_figures(row.sums, period))
        detail.row([name, _("Subtotal"), ""], *_figures(district_block.subtotal, period), bold=True)
    detail.row([_("Total"), "", ""], *_figures(ledger.total, period), bold=True)

    summary = _Sheet(
        workbook, _("By district and source"), heading=heading, note=note,
        headers=[_("District or county"), _("Funding source")] + [h for h, _w in money],
        widths=[12, 20] + [w for _h, w in money],
    )  # fmt: skip
    for district_block in ledger.districts:
        name = _district_name(district_block.district)
        for row in district_block.rows:
            summary.row([name, row.source.name], *_figures(row.sums, period))
        summary.row([name, _("Subtotal")], *_figures(district_block.subtotal, period), bold=True)
    for row in ledger.by_source:
        summary.row([_("Total"), row.source.name], *_figures(row.sums, period))
    summary.row([_("Total"), ""], *_figures(ledger.total, period), bold=True)

    flagged = _Sheet(
        workbook, _("Warnings"), heading=heading, note=note,
        headers=[_("Warning"), _("Project"), _("What")], widths=[18, 36, 80],
    )  # fmt: skip
    for warning in warnings:
        flagged.row([str(warning.label), warning.project_name, warning.text])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _district_name(district):
    return district.name if district is not None else _("Across districts")


def ledger_heading(user, choice):
    place = choice["district"] or (user.organisation.region if user.organisation else None)
    year = choice["year"]
    return _("%(place)s old compound renovation funding ledger (%(year)s)") % {
        "place": place.name if place is not None else "",
        "year": _("year %(year)s") % {"year": year} if year else _("all years"),
    }


def ledger_export_response(*, user, filterset, choice, ledger, projects, warnings):
    stamp = timezone.localtime()
    subject = filters_text(filterset)
    heading = ledger_heading(user, choice)
    note = _("Exported %(when)s; %(filters)s") % {
        "when": stamp.strftime("%Y-%m-%d %H:%M"),
        "filters": subject,
    }
    content = ledger_workbook(heading=heading, note=note, ledger=ledger, projects=projects, warnings=warnings)
    audit_record(
        actor=user,
        action=AuditEntry.Action.EXPORT,
        model=FundReceipt,
        subject=subject,
        summary=_("%(kind)s, %(format)s") % {"kind": _("Funding ledger"), "format": "xlsx"},
    )
    return attachment(content, f"{heading}-{stamp.strftime('%Y%m%d-%H%M')}.xlsx", CONTENT_TYPES["xlsx"])
