"""Reading and writing spreadsheets: .xlsx (openpyxl) and CSV in UTF-8 or GBK/GB18030.

Reading refuses, with a Chinese message, whatever it cannot trust: a file too large, not a
spreadsheet, encrypted, corrupt, with formulas or merged header cells. Writing escapes cells that
a spreadsheet program would run as a formula.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
# Encrypted .xlsx files and old .xls files are OLE compound documents.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A cell starting with one of these is run as a formula by Excel/WPS (full-width forms too).
FORMULA_PREFIXES = ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r")
CELL_REF = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?>(?:(?!</c>).)*?<f[ >/]', re.S)
MERGE_REF = re.compile(rb'<mergeCell ref="[A-Z]+(\d+):[A-Z]+(\d+)"')


class SpreadsheetError(Exception):
    """The file as a whole cannot be used; the message is for the user."""


@dataclass
class Table:
    """A sheet's header and its non-empty data rows; ``numbers[i]`` is the row number of
    ``rows[i]`` in the spreadsheet (blank rows in between are skipped, their numbers are not)."""

    headers: list
    rows: list = field(default_factory=list)
    numbers: list = field(default_factory=list)


def _numbered(rows, width):
    """Data rows cut or padded to the header's width, without the empty ones, with their row numbers."""
    kept, numbers = [], []
    for number, row in enumerate(rows, start=2):
        row = tuple(row[:width]) + (None,) * (width - len(row))
        if any(v is not None for v in row):
            kept.append(row)
            numbers.append(number)
    return kept, numbers


def escape_formula(value):
    """Make a text cell safe to open in a spreadsheet program: ``=1+1`` → ``'=1+1``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo ``escape_formula`` so that export → import round-trips."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value[1:2]
        and value[1:].startswith(FORMULA_PREFIXES)
    ):
        return value[1:]
    return value


def column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def read_table(data, filename, *, max_bytes, max_rows):
    """Parse uploaded bytes into a Table, or raise SpreadsheetError saying why not."""
    if len(data) > max_bytes:
        raise SpreadsheetError(
            _("The file is %(size).1f MB; at most %(limit).1f MB is accepted.")
            % {"size": len(data) / 1048576, "limit": max_bytes / 1048576}
        )
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))
    name = filename.lower()
    if data.startswith(OLE_MAGIC):
        raise SpreadsheetError(
            _(
                "The file is encrypted or in the old .xls format. Remove the password or save it as .xlsx, then upload it again."
            )
        )
    if data.startswith(XLSX_MAGIC):
        table = _read_xlsx(data)
    elif name.endswith((".csv", ".txt")):
        table = _read_csv(data)
    else:
        raise SpreadsheetError(_("This is not a spreadsheet. Upload an .xlsx file or a CSV file."))
    _check_header(table.headers)
    if not table.rows:
        raise SpreadsheetError(_("The file has a header row but no data rows."))
    if len(table.rows) > max_rows:
        raise SpreadsheetError(
            _("The file has %(rows)d data rows; at most %(limit)d are accepted in one file.")
            % {"rows": len(table.rows), "limit": max_rows}
        )
    return table


def _check_header(headers):
    if not any(headers):
        raise SpreadsheetError(_("The first row must hold the column headers, but it is empty."))
    for index, header in enumerate(headers):
        if not header:
            raise SpreadsheetError(
                _("Column %(column)s has no header. Delete the column or give it a header.")
                % {"column": column_letter(index)}
            )


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _read_csv(data):
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(_("This is not a spreadsheet. Upload an .xlsx file or a CSV file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes any byte sequence, but keep the loop honest
        raise SpreadsheetError(_("The CSV file is neither UTF-8 nor GBK encoded."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [tuple(_clean(v) for v in row) for row in reader]
    except csv.Error as error:
        raise SpreadsheetError(_("The CSV file is damaged: %(error)s") % {"error": error}) from error
    if not rows or not any(v is not None for v in rows[0]):
        raise SpreadsheetError(
            _("The file is empty.")
            if not rows
            else _("The first row must hold the column headers, but it is empty.")
        )
    headers = [h or "" for h in rows[0]]
    data, numbers = _numbered(rows[1:], len(headers))
    return Table(headers=headers, rows=data, numbers=numbers)


def first_sheet_xml(archive):
    """The part name of the workbook's first sheet (usually xl/worksheets/sheet1.xml)."""
    names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")]
    if not names:
        raise SpreadsheetError(
            _("The file is damaged and cannot be opened. Save it again in Excel or WPS and retry.")
        )
    return sorted(names, key=lambda n: int(re.sub(r"\D", "", n) or 0))[0]


def _scan_sheet_xml(data):
    """Refuse formulas and merged header cells before parsing: openpyxl's fast read-only mode
    reports neither. A byte scan of the sheet's XML costs little next to parsing it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        xml = archive.read(first_sheet_xml(archive))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as error:
        raise SpreadsheetError(
            _("The file is damaged and cannot be opened. Save it again in Excel or WPS and retry.")
        ) from error
    if b"<f" in xml:
        match = CELL_REF.search(xml)
        where = f"{match.group(1).decode()}{match.group(2).decode()}" if match else "?"
        raise SpreadsheetError(
            _(
                "The file contains formulas (the first in cell %(cell)s). Copy the sheet and paste it as values only, then upload it again."
            )
            % {"cell": where}
        )
    for match in MERGE_REF.finditer(xml):
        if int(match.group(1)) <= 1 <= int(match.group(2)):
            raise SpreadsheetError(
                _("The header row has merged cells. Use one header per column, as in the template.")
            )


def _read_xlsx(data):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _scan_sheet_xml(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        rows = [tuple(_clean(v) for v in row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise SpreadsheetError(
            _("The file is damaged and cannot be opened. Save it again in Excel or WPS and retry.")
        ) from error
    if not rows or not any(v is not None for v in rows[0]):
        raise SpreadsheetError(
            _("The file is empty.")
            if not rows
            else _("The first row must hold the column headers, but it is empty.")
        )
    headers = [str(h) if h is not None else "" for h in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    for number, row in enumerate(rows[1:], start=2):
        if any(v is not None for v in row[width:]):
            raise SpreadsheetError(
                _("Row %(row)d has values beyond the last column with a header.") % {"row": number}
            )
    data_rows, numbers = _numbered(rows[1:], width)
    return Table(headers=headers, rows=data_rows, numbers=numbers)


# --- writing ---------------------------------------------------------------------------------------


def write_csv(headers, rows):
    """CSV in UTF-8 with a byte-order mark, which Excel in China opens without garbling."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([escape_formula(v) if v is not None else "" for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(headers, rows, *, sheet_title="Sheet1", widths=None):
    """A plain workbook written in streaming mode (fast for tens of thousands of rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for index, width in enumerate(widths or []):
        sheet.column_dimensions[column_letter(index)].width = width
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([escape_formula(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_template(columns, *, sheet_title, choice_error):
    """An import template: bold headers (required ones shaded, help as a comment), an example
    row, and a drop-down list on every column with fixed choices. ``columns`` are the importer's
    (header, required, choices, example, width, help)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([c.header for c in columns])
    sheet.append([c.example for c in columns])
    required = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(columns):
        letter = column_letter(index)
        cell = sheet[f"{letter}1"]
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = required
        if column.help:
            cell.comment = Comment(str(column.help), "portal")
        sheet.column_dimensions[letter].width = column.width
        if column.choices:
            rule = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=not column.required
            )
            rule.error = choice_error
            rule.showErrorMessage = True
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}10000")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
