"""The dashboard as a workbook (/dashboard/export.xlsx): one sheet per section holding that
section's tables (``Section.tables``, the very rows the page shows), each under its title row with
bold headers, figures as numbers in the unit their header names; the scope (area, plan year, as-of
date) heads every sheet, so a sheet printed alone still says what it counts. Text cells a
spreadsheet would run as a formula are escaped (core.spreadsheets.escape_formula). Audited as an
export."""

import datetime
import io
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.http import CONTENT_TYPES, attachment
from core.models import AuditEntry
from core.spreadsheets import column_letter, escape_formula
from projects.models import Project

# Characters Excel refuses in a sheet's name, and its longest name.
SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
FIRST_WIDTH, WIDTH = 28, 16


def heading(scope):
    return _("%(region)s old compound renovation dashboard, plan year %(year)s") % {
        "region": scope.region.name,
        "year": scope.year,
    }


def scope_rows(scope, exported_at):
    """The rows that head every sheet: (label, value)."""
    return [
        (_("Area"), " / ".join(region.name for region in scope.trail)),
        (_("Plan year"), scope.year),
        (_("Figures as of"), scope.as_of.isoformat()),
        (_("Exported"), exported_at.strftime("%Y-%m-%d %H:%M")),
    ]


def sheet_names(titles):
    """Each title as a sheet name Excel accepts: no refused character, at most 31 characters,
    unique in the workbook (a number added to a repeat)."""
    names, taken = [], set()
    for title in titles:
        base = SHEET_NAME_REFUSED.sub(" ", str(title)).strip()[:SHEET_NAME_MAX] or "Sheet"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.lower())
        names.append(name)
    return names


def cell_value(value):
    """A table's cell as the workbook holds it: numbers stay numbers, labels become text."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return escape_formula(value)


def number_format(value):
    """Counts with thousands separators, Decimals with their own places (3,570.00; 37.5)."""
    if isinstance(value, Decimal) and value.is_finite():
        places = max(0, -value.as_tuple().exponent)
        return "#,##0" + ("." + "0" * places if places else "")
    if isinstance(value, int) and not isinstance(value, bool):
        return "#,##0"
    if isinstance(value, datetime.date):
        return "yyyy-mm-dd"
    return None


class _Sheet:
    def __init__(self, workbook, name, width):
        from openpyxl.styles import Font

        self.sheet = workbook.create_sheet(name)
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=14)
        for index in range(max(width, 2)):
            self.sheet.column_dimensions[column_letter(index)].width = FIRST_WIDTH if index == 0 else WIDTH

    def cell(self, value, *, bold=False, font=None):
        from openpyxl.cell import WriteOnlyCell

        value = cell_value(value)
        cell = WriteOnlyCell(self.sheet, value=value)
        if font is not None or bold:
            cell.font = font or self.bold
        style = number_format(value)
        if style:
            cell.number_format = style
        return cell

    def row(self, values=(), *, bold=False, font=None):
        self.sheet.append([self.cell(value, bold=bold, font=font) for value in values])


def workbook_bytes(scope, sections, *, exported_at):
    """The workbook of ``sections`` (reports.dashboard.sections.Section) of ``scope``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    with_tables = [section for section in sections if section.tables]
    names = sheet_names([section.title for section in with_tables]) or [_("Dashboard")]
    head = scope_rows(scope, exported_at)
    for name, section in zip(names, with_tables or [None], strict=True):
        tables = section.tables if section is not None else []
        sheet = _Sheet(workbook, name, max([len(table.columns) for table in tables] or [2]))
        sheet.row([heading(scope)], font=sheet.title_font)
        for label, value in head:
            sheet.row([label, value])
        for table in tables:
            sheet.row()
            sheet.row([table.title], bold=True)
            sheet.row(table.columns, bold=True)
            for row in table.rows:
                sheet.row(row)
            if not table.rows:
                sheet.row([_("None yet.")])
            if table.total:
                sheet.row(table.total, bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(user, scope, sections):
    now = timezone.localtime()
    content = workbook_bytes(scope, sections, exported_at=now)
    audit_record(
        actor=user,
        action=AuditEntry.Action.EXPORT,
        model=Project,
        subject="；".join(f"{label}：{value}" for label, value in scope_rows(scope, now)[:3]),
        summary=_("%(kind)s, %(format)s") % {"kind": _("Dashboard"), "format": "xlsx"},
        region_path=scope.region.path,
    )
    return attachment(content, f"{heading(scope)}-{now.strftime('%Y%m%d-%H%M')}.xlsx", CONTENT_TYPES["xlsx"])
