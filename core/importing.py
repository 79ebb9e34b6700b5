"""The import engine: columns declared per kind, a dry run that reports every problem with its row,
column and a Chinese message, and a commit that saves the whole file or nothing.

An app defines an ``Importer`` subclass per kind (``compounds``, ``buildings``...) and registers it
with ``@register_importer``; pages, jobs and the ``import_data``/``export_data`` commands find it
by its kind. Importers parse cells themselves (no per-row ``full_clean()``): ten thousand rows must
check in about the time openpyxl needs to read them.
"""

import datetime
from abc import ABC, abstractmethod
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import NUL_MESSAGE
from .spreadsheets import SpreadsheetError, read_table, unescape_formula

_IMPORTERS = {}


def register_importer(cls):
    _IMPORTERS[cls.kind] = cls
    return cls


def importer_for(kind):
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise LookupError(f"No importer for {kind!r}; known: {', '.join(sorted(_IMPORTERS))}") from None


def importer_kinds():
    return sorted(_IMPORTERS)


class CellError(Exception):
    """A cell's value is wrong; the message names what was expected."""


# --- cell parsers ------------------------------------------------------------------------------


def text(value, max_length=None):
    value = unescape_formula(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number comes back as 101.0
    value = str(value).strip()
    if "\x00" in value:  # PostgreSQL can neither store nor compare it
        raise CellError(str(NUL_MESSAGE))
    if max_length and len(value) > max_length:
        raise CellError(
            _("At most %(n)d characters (this has %(len)d).") % {"n": max_length, "len": len(value)}
        )
    return value


def integer(value, minimum=None, maximum=None):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value}) from None
    if number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
    number = int(number)
    if minimum is not None and number < minimum:
        raise CellError(_("Must be at least %(n)s.") % {"n": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("Must be at most %(n)s.") % {"n": maximum})
    return number


def decimal(value, places=2, minimum=None, maximum=None, exclusive_minimum=False):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    number = number.quantize(Decimal(1).scaleb(-places))
    if minimum is not None and (number <= minimum if exclusive_minimum else number < minimum):
        message = _("Must be greater than %(n)s.") if exclusive_minimum else _("Must be at least %(n)s.")
        raise CellError(message % {"n": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("Must be at most %(n)s.") % {"n": maximum})
    return number


def change_text(value):
    """A value as an import's audit entry records it: text, or None when empty."""
    return None if value in (None, "") else str(value)


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")


def date(value):
    """An Excel date cell, or a date written as 2026-03-31, 2026/3/31, 2026.3.31 or 2026年3月31日."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    written = text(value)
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(written, date_format).date()
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a date; write it as 2026-03-31.") % {"value": written})


YES = {"是", "yes", "y", "true", "1", "√", "有"}
NO = {"否", "no", "n", "false", "0", "", "无"}


def boolean(value):
    word = str(value if value is not None else "").strip().lower()
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if word in YES:
        return True
    if word in NO:
        return False
    raise CellError(_("Write 是 or 否."))


def choice(value, choices):
    """``choices`` maps the label written in the file (Chinese) to the stored value."""
    label = text(value)
    if label in choices:
        return choices[label]
    if label in choices.values():  # the stored code is accepted too
        return label
    raise CellError(
        _("“%(value)s” is not one of: %(options)s.") % {"value": label, "options": "、".join(choices)}
    )


# --- what the parsers accept, in words (the column guide) -------------------------------------

# A bound this large only keeps the database from overflowing; it is no rule a user needs to read.
UNREADABLE_BOUND = 10**9


def _bounds(minimum=None, maximum=None, exclusive_minimum=False):
    if maximum is not None and maximum >= UNREADABLE_BOUND:
        maximum = None
    if minimum is not None and maximum is not None:
        return _("from %(min)s to %(max)s") % {"min": minimum, "max": maximum}
    if minimum is not None:
        return (_("greater than %(min)s") if exclusive_minimum else _("at least %(min)s")) % {"min": minimum}
    if maximum is not None:
        return _("at most %(max)s") % {"max": maximum}
    return ""


def _with_bounds(kind, **bounds):
    limits = _bounds(**bounds)
    return _("%(kind)s, %(bounds)s") % {"kind": kind, "bounds": limits} if limits else kind


def _text_format(max_length=None):
    if max_length:
        return _("Text, at most %(n)d characters") % {"n": max_length}
    return _("Text")


def _integer_format(minimum=None, maximum=None):
    return _with_bounds(_("Whole number"), minimum=minimum, maximum=maximum)


def _decimal_format(places=2, minimum=None, maximum=None, exclusive_minimum=False):
    kind = _("Number with at most %(places)d decimal places") % {"places": places}
    return _with_bounds(kind, minimum=minimum, maximum=maximum, exclusive_minimum=exclusive_minimum)


def _date_format():
    return _("Date, written as 2026-03-31 (2026/3/31, 2026.3.31 and 2026年3月31日 are read too)")


def _boolean_format():
    return _("是 or 否")


def described(describe):
    """Give a parser of an app its words for the column guide: ``@described(lambda: _("…"))``."""

    def attach(parse):
        parse.describe = describe
        return parse

    return attach


def cell_format(parse):
    """What ``parse`` accepts, in the user's language; a ``partial`` of a parser here is described
    with its options (the maximum length, the bounds)."""
    function, options = (parse.func, parse.keywords) if isinstance(parse, partial) else (parse, {})
    describe = getattr(function, "describe", None)
    return str(describe(**options)) if describe else ""


text.describe = _text_format
integer.describe = _integer_format
decimal.describe = _decimal_format
date.describe = _date_format
boolean.describe = _boolean_format


# --- the engine --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the template: its header, whether it must be filled, how to read and write it."""

    header: str
    key: str
    required: bool = False
    parse: object = text  # parse(value) -> python value, raises CellError
    choices: dict = None  # label -> stored value; shown as a drop-down in the template
    example: object = ""
    width: int = 14
    help: str = ""  # what the column means: the header's comment in the template, the guide's text

    def format_text(self):
        if self.choices:
            return _("One of the list (the template offers a drop-down)")
        return cell_format(self.parse)

    def allowed_values(self):
        return "、".join(self.choices) if self.choices else ""


@dataclass(frozen=True)
class GuideRow:
    """One column as the guide explains it."""

    header: str
    meaning: str
    required: bool
    format: str
    allowed: str
    example: str


GUIDE_HEADERS = (
    gettext_lazy("Column"),
    gettext_lazy("Meaning"),
    gettext_lazy("Required"),
    gettext_lazy("Format"),
    gettext_lazy("Allowed values"),
    gettext_lazy("Example"),
)


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass
class ImportReport:
    """What a dry run found, or what a commit did."""

    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_rows: set = field(default_factory=set)
    errors: list = field(default_factory=list)
    committed: bool = False

    @property
    def rejected(self):
        return len(self.rejected_rows - {0})  # row 0: the file as a whole, no row of it

    @property
    def ok(self):
        return not self.errors

    def add_error(self, row, column, message):
        self.errors.append(RowError(row, column, str(message)))
        self.rejected_rows.add(row)

    def has_errors(self, row):
        return row in self.rejected_rows

    def summary(self):
        return {
            "total": self.total,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "committed": self.committed,
        }


FILE_LEVEL = gettext_lazy("(file)")


class Importer(ABC):
    """Base class of one kind of import. Subclasses set ``kind``, ``label``, ``model`` and
    ``columns``, and implement ``plan(rows, report)`` and ``save(plan)``."""

    kind = ""
    label = ""
    model = None
    columns = ()
    # Pages hand the class itself to templates (its label and columns): not to be called there.
    do_not_call_in_templates = True

    def __init__(self, user):
        self.user = user

    @classmethod
    def allowed(cls, user):
        """Who may import the kind: whoever may add and change its records, unless the kind says
        otherwise (money only the finance bureau records, for instance)."""
        from .permissions import can

        return can(user, "add", cls.model) and can(user, "change", cls.model)

    @classmethod
    def guide(cls):
        """The column guide of the import page and of the template's second sheet, from the
        columns themselves: header, meaning, required, format, allowed values, example."""
        rows = []
        for column in cls.columns:
            meaning = column.help
            if not meaning and cls.model is not None:
                try:
                    meaning = cls.model._meta.get_field(column.key).verbose_name
                except FieldDoesNotExist:
                    meaning = ""
            rows.append(
                GuideRow(
                    header=column.header,
                    meaning=str(meaning),
                    required=column.required,
                    format=column.format_text(),
                    allowed=column.allowed_values(),
                    example="" if column.example in (None, "") else str(column.example),
                )
            )
        return rows

    # The engine ----------------------------------------------------------------------------

    def run(self, table, *, commit, progress=None):
        """Check every row; with ``commit`` and no error, save the whole file in one transaction."""
        report = ImportReport(total=len(table.rows))
        positions = self.match_headers(table.headers)
        parsed = self.parse_rows(table, positions, report)
        if progress:
            progress(40, _("Rows read, checking them against the database"))
        # A commit plans inside the transaction that writes, so it decides on what it saves over.
        with transaction.atomic() if commit else nullcontext():
            plan = self.plan(parsed, report)
            if progress:
                progress(70, _("Checked"))
            if commit and report.ok:
                self.save(plan, report)
                report.committed = True
        # Row by row, each row's errors in the order of its columns, as the user reads the file.
        order = {column.header: index for index, column in enumerate(self.columns)}
        report.errors.sort(key=lambda error: (error.row, order.get(error.column, len(order))))
        return report

    def match_headers(self, headers):
        """Column key → position in the file; unknown, missing or repeated headers are fatal."""
        by_header = {column.header: column for column in self.columns}
        positions, unknown, seen = {}, [], set()
        for index, header in enumerate(headers):
            header = str(header).strip()
            if header in seen:
                raise SpreadsheetError(_("The column “%(header)s” appears twice.") % {"header": header})
            seen.add(header)
            column = by_header.get(header)
            if column is None:
                unknown.append(header)
            else:
                positions[column.key] = index
        if unknown:
            raise SpreadsheetError(
                _("Unknown columns: %(columns)s. Use the headers of the template.")
                % {"columns": "、".join(unknown)}
            )
        missing = [c.header for c in self.columns if c.required and c.key not in positions]
        if missing:
            raise SpreadsheetError(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
        return positions

    def parse_rows(self, table, positions, report):
        """[(row number, {key: value})] for every row; a cell that does not parse is reported and
        left out of its row's values. ``plan`` still checks what the rest of such a row refers to
        (a compound code, a community), so every error of the file comes out in one pass, and skips
        the row (``report.has_errors(number)``) before counting or saving it."""
        parsed = []
        columns = [(c, positions[c.key]) for c in self.columns if c.key in positions]
        for number, row in zip(table.numbers, table.rows, strict=True):
            values = {}
            for column, position in columns:
                raw = row[position]
                if column.required and (raw is None or str(raw).strip() == ""):
                    report.add_error(number, column.header, _("Required."))
                    continue
                try:
                    if column.choices:  # an empty cell is None: the importer's default applies
                        values[column.key] = None if raw is None else choice(raw, column.choices)
                    else:
                        values[column.key] = column.parse(raw)
                except CellError as error:
                    report.add_error(number, column.header, str(error))
            parsed.append((number, values))
        return parsed

    def report_invalid(self, report, number, error, column=""):
        """A rule's ValidationError as errors of row ``number``: each at the column of the field it
        names (the rules speak of fields, the file of columns), else at ``column``."""
        headers = {c.key: c.header for c in self.columns}
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                for message in ValidationError(errors).messages:
                    report.add_error(number, headers.get(field, column), message)
        else:
            for message in error.messages:
                report.add_error(number, column, message)

    # To be written per kind ------------------------------------------------------------------

    @abstractmethod
    def plan(self, rows, report):
        """Match rows to existing objects, check scope and uniqueness, count new/updated/unchanged.
        Rows whose cells did not all parse come too, without the bad values: check what they refer
        to, then skip them (``report.has_errors(number)``) before counting."""

    @abstractmethod
    def save(self, plan, report):
        """Write what ``plan`` decided (bulk inserts and updates), with audit entries."""

    @abstractmethod
    def export_rows(self, queryset):
        """Rows for ``queryset`` in the column order of the template (export → edit → import)."""


def import_file(importer, data, filename, *, commit, progress=None):
    """Read and run; a SpreadsheetError becomes a report with one file-level error."""
    try:
        table = read_table(
            data, filename, max_bytes=settings.IMPORT_MAX_BYTES, max_rows=settings.IMPORT_MAX_ROWS
        )
        if progress:
            progress(20, _("File read"))
        return importer.run(table, commit=commit, progress=progress)
    except SpreadsheetError as error:
        report = ImportReport()
        report.add_error(0, str(FILE_LEVEL), str(error))
        return report
