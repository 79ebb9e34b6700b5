"""The table of a monthly report as provincial forms lay it out, read from the frozen snapshot only:
序号, 区县, 年度任务 (个 / 户 / m²), 开工 (数, 率), 完工 (数, 率), 惠及户数, 完成投资 (万元) and the
indicators of completed works. The page, the .xlsx, the PDF and the diff between versions all
take their cells from here, so they never disagree.

Each cell is a plain value: an int, a Decimal (m², a rate in percent, money in 万元, an
indicator's quantity) or None (no quota, so no rate). ``display`` writes one for a page.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import to_wan

WAN_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    """One column: where its value comes from, its group header (None: a header over both rows)
    and its own header with the unit."""

    key: str
    group: object
    label: object
    kind: str = "int"  # int | area | rate | wan | quantity

    def header(self):
        return str(self.label)


# Group headers (the first header row); a column without one spans both rows.
QUOTA = gettext_lazy("Annual quota")
STARTED = gettext_lazy("Started")
COMPLETED = gettext_lazy("Completed")
INDICATORS_GROUP = gettext_lazy("Works completed (national indicators)")

FIXED_COLUMNS = (
    Column("quota_compounds", QUOTA, gettext_lazy("compounds (number)")),
    Column("quota_households", QUOTA, gettext_lazy("households")),
    Column("quota_floor_area", QUOTA, gettext_lazy("floor area (m²)"), "area"),
    Column("started_compounds", STARTED, gettext_lazy("started (number)")),
    Column("start_rate", STARTED, gettext_lazy("start rate (%)"), "rate"),
    Column("completed_compounds", COMPLETED, gettext_lazy("completed (number)")),
    Column("completion_rate", COMPLETED, gettext_lazy("completion rate (%)"), "rate"),
    Column("started_households", None, gettext_lazy("households benefiting")),
    Column("completed_investment", None, gettext_lazy("investment completed (10,000 yuan)"), "wan"),
)
# What the change against last month is shown for.
CHANGE_KEYS = ("started_compounds", "completed_compounds", "started_households", "completed_investment")


@dataclass
class Row:
    number: str  # 序号 ("" for the totals row)
    name: str
    region_id: object
    cells: list = field(default_factory=list)
    is_total: bool = False
    shown: list = field(default_factory=list)  # the cells as a page writes them


@dataclass
class Table:
    columns: list
    rows: list  # the districts, then the totals row

    def groups(self):
        """[(group header or None, span)] of the first header row, in column order."""
        spans = []
        for column in self.columns:
            group = str(column.group) if column.group is not None else None
            if spans and group is not None and spans[-1][0] == group:
                spans[-1][1] += 1
            else:
                spans.append([group, 1])
        return [(group, span) for group, span in spans]

    def header_layout(self):
        """The two header rows: [(text, colspan, rowspan)] above, [text] below (a column without a
        group spans both rows and has no cell below)."""
        top, bottom, index = [], [], 0
        for group, span in self.groups():
            if group is None:
                top.append((self.columns[index].header(), 1, 2))
            else:
                top.append((group, span, 1))
                bottom.extend(column.header() for column in self.columns[index : index + span])
            index += span
        return top, bottom


def indicator_columns(numbers):
    """The indicator columns frozen in the snapshot (their labels as they read when built)."""
    return [
        Column(f"indicator:{code}", INDICATORS_GROUP, _with_unit(label, unit), "quantity")
        for code, label, unit in numbers.get("indicators", [])
    ]


def _with_unit(label, unit):
    """The catalogue writes most units into the label already (加装电梯（部）)."""
    if not unit or label.endswith(f"（{unit}）") or label.endswith(f"({unit})"):
        return label
    return f"{label}（{unit}）"


def columns_of(numbers):
    return [*FIXED_COLUMNS, *indicator_columns(numbers)]


def _decimal(value):
    if value in (None, ""):
        return None
    return Decimal(str(value))


def cell_value(figures, column):
    """The value of ``column`` in a figures dict (Progress.to_dict()'s rows and total)."""
    if column.key.startswith("indicator:"):
        value = _decimal((figures.get("indicators") or {}).get(column.key.split(":", 1)[1]))
        return value if value is not None else Decimal(0)
    value = figures.get(column.key)
    if column.kind == "int":
        return int(value or 0)
    if column.kind == "wan":
        return to_wan(_decimal(value) or 0).quantize(WAN_PLACES)
    if column.kind == "rate":
        return _decimal(value)  # None without a quota
    return _decimal(value) if value is not None else Decimal(0)


def table_of(numbers):
    """The Table of a snapshot: each district in region order, then 合计."""
    progress = numbers["progress"]
    columns = columns_of(numbers)
    rows = [
        Row(
            str(index),
            figures["region_name"],
            figures["region_id"],
            [cell_value(figures, c) for c in columns],
        )
        for index, figures in enumerate(progress["rows"], start=1)
    ]
    total = progress["total"]
    rows.append(Row("", _("Total"), None, [cell_value(total, c) for c in columns], is_total=True))
    for row in rows:
        row.shown = [display(value, column) for value, column in zip(row.cells, columns, strict=True)]
    return Table(columns, rows)


def display(value, column=None):
    """A cell as a page writes it: thousands separators, 2 places for m² and 万元, 1 for rates."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    kind = column.kind if column is not None else "quantity"
    if kind == "rate":
        return f"{value:.1f}"
    if kind in ("area", "wan"):
        return f"{value:,.2f}"
    value = value.normalize()
    return f"{value:,f}"


@dataclass
class Change:
    name: str
    values: list  # [(column, this month, last month, difference)]
    is_total: bool = False


def change_columns():
    return [c for c in FIXED_COLUMNS if c.key in CHANGE_KEYS]


def month_change(numbers):
    """Per district and in total, this month's figures against last month's current report (as
    frozen in the snapshot when it was built); None when last month had no report."""
    previous = numbers.get("previous")
    if not previous:
        return None
    before = {figures["region_id"]: figures for figures in previous["progress"]["rows"]}
    columns = change_columns()
    changes = []
    for figures in numbers["progress"]["rows"]:
        old = before.get(figures["region_id"])
        changes.append(Change(figures["region_name"], _pairs(figures, old, columns)))
    changes.append(
        Change(_("Total"), _pairs(numbers["progress"]["total"], previous["progress"]["total"], columns), True)
    )
    return changes


def _pairs(figures, old, columns):
    values = []
    for column in columns:
        now = cell_value(figures, column)
        then = cell_value(old, column) if old is not None else None
        values.append((column, now, then, None if then is None else now - then))
    return values


def cell_changes(old_numbers, new_numbers):
    """What changed between two snapshots, cell by cell: [{"row", "column", "before", "after"}]
    (written as a page shows them), rows matched by region, columns by key."""
    old, new = table_of(old_numbers), table_of(new_numbers)
    old_rows = {(row.region_id, row.is_total): row for row in old.rows}
    old_index = {column.key: index for index, column in enumerate(old.columns)}
    changes = []
    for row in new.rows:
        before_row = old_rows.get((row.region_id, row.is_total))
        for index, column in enumerate(new.columns):
            after = row.cells[index]
            before = None
            if before_row is not None and column.key in old_index:
                before = before_row.cells[old_index[column.key]]
            if before != after:
                changes.append(
                    {
                        "row": row.name,
                        "column": column.header(),
                        "before": display(before, column) if before_row is not None else "—",
                        "after": display(after, column),
                    }
                )
    return changes
