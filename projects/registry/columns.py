"""Columns the apps above projects add to the compound list: a figure annotated onto the list's
queryset (a subquery, so the page keeps a constant number of queries), sortable by its key, with
the filters that go with it. An app registers its column from its AppConfig.ready(); projects
names none of them."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CompoundColumn:
    key: str  # the annotation's name, and the list's ?sort= key
    label: str
    annotate: Callable  # annotate(queryset) -> the queryset with ``key`` (and what the filters read)
    permission: str  # the column and its filters show to users who hold it
    filters: dict = field(default_factory=dict)  # {name: a django_filters.Filter of the annotated rows}
    numeric: bool = True
    order: int = 100
    display: Callable | None = None  # display(value) -> what the cell shows (a database may return a float)
    # sorted(queryset) -> the queryset the list orders by ``key`` (e.g. joining a table the app
    # keeps a row in for every compound INNER, so the database walks its index)
    sorted: Callable | None = None


_COLUMNS = {}


def register_compound_column(column):
    _COLUMNS[column.key] = column


def compound_columns(user):
    """The registered columns ``user`` may see, in order."""
    return sorted(
        (column for column in _COLUMNS.values() if user.has_perm(column.permission)),
        key=lambda column: (column.order, column.key),
    )


def show_compound_columns(rows, user):
    """Give each row's registered figures as their ``display`` shows them (rows already read)."""
    shown = [column for column in compound_columns(user) if column.display]
    for row in rows if shown else ():
        for column in shown:
            setattr(row, column.key, column.display(getattr(row, column.key, None)))


def sorted_by_compound_column(queryset, user, sort):
    """The list's queryset as the registered column of ``sort`` (?sort=, a minus or none) wants it
    sorted by."""
    for column in compound_columns(user):
        if column.key == sort.removeprefix("-") and column.sorted:
            return column.sorted(queryset)
    return queryset


def with_compound_columns(queryset, user):
    for column in compound_columns(user):
        queryset = column.annotate(queryset)
    return queryset
