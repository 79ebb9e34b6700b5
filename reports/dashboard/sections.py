"""The dashboard's sections and what each gives the page: a chart (plain data a small script turns
into an ECharts option), the same numbers as tables (for people who prefer numbers, for screen
readers, and for the .xlsx export), and optionally a partial template (cards, lists).

Each section is a module of this package with ``build(scope) -> Section | None`` (None: nothing to
show this user, e.g. residents' voice to a role that reads no survey). ``SECTIONS`` is the page's
order; the wall screen shows those marked ``wall``.
"""

from dataclasses import dataclass, field

from django.utils.module_loading import import_string

# The page's order. Each names the module whose build() makes the section.
SECTIONS = (
    "reports.dashboard.kpis",
    "reports.dashboard.compare",
    "reports.dashboard.trend",
    "reports.dashboard.funnel",
    "reports.dashboard.mix",
    "reports.dashboard.money",
    "reports.dashboard.voice",
    "reports.dashboard.alerts",
    "reports.dashboard.map",
)


@dataclass(frozen=True)
class Table:
    """A chart's numbers as a table: a title, column headers (units in them), rows of cells, and
    optionally a link per row (the thing the row is about) and a totals row."""

    title: str
    columns: list
    rows: list
    links: list = field(default_factory=list)
    total: list | None = None

    def linked_rows(self):
        links = self.links or [None] * len(self.rows)
        return list(zip(self.rows, links, strict=True))


@dataclass
class Section:
    """One block of the dashboard. ``chart`` is JSON-ready data whose ``kind`` names the script
    (static/reports/dashboard/<kind>.js) that draws it; ``template`` a partial rendered with
    ``section`` and ``scope`` in its context; ``width`` the Bootstrap columns it takes on a wide
    screen (12: the whole row)."""

    key: str
    title: str
    chart: dict | None = None
    tables: list = field(default_factory=list)
    template: str = ""
    data: object = None
    width: int = 6
    wall: bool = True

    @property
    def chart_id(self):
        return f"dash-chart-{self.key}"

    @property
    def data_id(self):
        """The id of the chart's JSON block (json_script)."""
        return f"dash-chart-{self.key}-data"

    @property
    def tables_folded(self):
        """The tables wait behind “show as table” when a chart or cards show the same numbers."""
        return bool(self.chart or self.template)


def build_sections(scope, names=SECTIONS):
    """[Section] of the scope, in the page's order, leaving out those with nothing to show."""
    built = (import_string(f"{name}.build")(scope) for name in names)
    return [section for section in built if section is not None]
