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
# A cell formula is an <f> element inside a cell (<c>), with or without a namespace prefix. Drop-down
# lists (<dataValidation><formula1>) and conditional formats (<formula>) are not cell formulas:
# Excel, WPS and LibreOffice keep the template's drop-downs when a user saves it.
CELL_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
CELL_START = re.compile(rb"<(?:\w+:)?c[\s>]")
CELL_REF = re.compile(rb'\sr="([A-Z]+\d+)"')
MERGE_REF = re.compile(rb'<mergeCell ref="[A-Z]+(\d+):[A-Z]+(\d+)"')
# An encrypted .xlsx is an OLE document holding a stream of this name; an old .xls holds none.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


class SpreadsheetError(Exception):
    """The file as a whole cannot be used; the message is for the user."""


@dataclass
class Table:
    """A sheet's header and its non-empty data rows; ``numbers[i]`` is the row number of
    ``rows[i]`` in the spreadsheet (blank rows in between are skipped, their numbers are not)."""

    headers: list
    rows: list = field(default_factory=list)
    numbers: list = field(default_factory=list)
    sheet_title: str = ""  # the sheet's name in a workbook; empty for CSV


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
        raise SpreadsheetError(_ole_message(data, name))
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


def _ole_message(data, name):
    """Why an OLE document (an encrypted .xlsx or an old .xls) cannot be read, and what to do."""
    if ENCRYPTED_STREAM in data:
        return _("The file is protected by a password. Remove the password, save it, then upload it again.")
    if name.endswith((".xls", ".et")):
        return _(
            "Files in the old .xls format cannot be imported. Open it in Excel or WPS, choose “Save as” "
            "and the type “Excel workbook (.xlsx)”, then upload the .xlsx file."
        )
    return _(
        "The file is encrypted or in the old .xls format. Remove the password or save it as .xlsx, then upload it again."
    )


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


def first_formula_cell(xml):
    """The reference ("C3") of the first cell of a sheet's XML that holds a formula, or None.
    Only <sheetData> holds cells; the drop-down lists after it hold <formula1>, not formulas."""
    start = xml.find(b"sheetData")
    end = xml.rfind(b"sheetData")
    if start < 0 or end <= start:
        return None
    cells = xml[start:end]
    if b"<f" not in cells and b":f" not in cells:  # the common case, at the speed of a byte scan
        return None
    found = CELL_FORMULA.search(cells)
    if found is None:
        return None
    openings = list(CELL_START.finditer(cells, 0, found.start()))
    if openings:
        tag = openings[-1].start()
        reference = CELL_REF.search(cells, tag, cells.find(b">", tag))
        if reference:
            return reference.group(1).decode()
    # A writer may leave out r="": count the rows and cells then.
    return _count_position(cells[: found.start()])


def _count_position(before):
    """The reference of the cell being written at the end of ``before`` (rows and cells without r="")."""
    rows = list(re.finditer(rb"<(?:\w+:)?row[\s>]", before))
    row_number = len(rows) or 1
    row_start = rows[-1].start() if rows else 0
    explicit = re.search(rb'\sr="(\d+)"', before[row_start : before.find(b">", row_start) + 1])
    if explicit:
        row_number = int(explicit.group(1))
    column = len(CELL_START.findall(before, row_start))
    return f"{column_letter(max(column, 1) - 1)}{row_number}"


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
    cell = first_formula_cell(xml)
    if cell:
        raise SpreadsheetError(
            _(
                "The file contains formulas (the first in cell %(cell)s). Copy the sheet and paste it as values only, then upload it again."
            )
            % {"cell": cell}
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
        sheet_title = sheet.title
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
    return Table(headers=headers, rows=data_rows, numbers=numbers, sheet_title=sheet_title)


# --- writing ---------------------------------------------------------------------------------------


def write_csv(headers, rows):
    """CSV in UTF-8 with a byte-order mark, which Excel in China opens without garbling."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([escape_formula(v) if v is not None else "" for v in row])
    return buffer.getvalue().encode("utf-8-sig")


MARK_FILL = "FFC7CE"  # the light red of Excel's "bad" cell style


def write_xlsx(headers, rows, *, sheet_title="Sheet1", widths=None, marked=None):
    """A plain workbook written in streaming mode (fast for tens of thousands of rows).
    ``marked`` maps the index of a row to the indexes of its cells to fill red."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

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
    red = PatternFill("solid", fgColor=MARK_FILL)
    marked = marked or {}
    for index, row in enumerate(rows):
        values = [escape_formula(v) for v in row]
        if index in marked:
            values = [_filled(sheet, v, red) if i in marked[index] else v for i, v in enumerate(values)]
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _filled(sheet, value, fill):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.fill = fill
    return cell


def write_template(columns, *, sheet_title, choice_error, guide=None, guide_title=""):
    """An import template: bold headers (required ones shaded, help as a comment), an example
    row, and a drop-down list on every column with fixed choices. ``columns`` are the importer's
    (header, required, choices, example, width, help). ``guide`` (a header row and a row per
    column) becomes a second sheet; imports read only the first."""
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
        # Excel refuses a workbook whose inline list runs past 255 characters: no drop-down then
        # (a list that grows, like the funding sources, still imports by its words).
        if column.choices and len(",".join(column.choices)) <= 255:
            rule = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=not column.required
            )
            rule.error = choice_error
            rule.showErrorMessage = True
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}10000")
    sheet.freeze_panes = "A2"
    if guide:
        notes = workbook.create_sheet(guide_title[:31] or "Guide")
        for row in guide:
            notes.append([str(value) for value in row])
        for cell in notes[1]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABCDEF", (18, 40, 8, 36, 30, 24), strict=False):
            notes.column_dimensions[letter].width = width
        notes.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
