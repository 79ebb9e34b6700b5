"""Figures as the reports' pages show them: a count with thousands separators (29,100), as the
monthly report, its spreadsheet and the quota page write it (Django's Chinese format groups none)."""

from django import template

register = template.Library()


@register.filter
def count(value):
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"


@register.filter
def dash_cell(value):
    """A dashboard table's cell (reports.dashboard.sections.Table): a count with thousands
    separators, a Decimal with its own places and separators (in the unit its column names), no
    value as —, anything else as it is."""
    from decimal import Decimal

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        places = max(0, -value.as_tuple().exponent) if value.is_finite() else 0
        return f"{value:,.{places}f}"
    return value


@register.filter
def dash_numeric(value):
    """Whether a dashboard table's cell is a number (right-aligned; words read from the left)."""
    from decimal import Decimal

    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)
