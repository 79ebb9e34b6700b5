"""Figures as the dashboard's tables and charts hold them: in the unit their column names (万元,
万平方米, %), as Decimals with fixed places, so a table, its chart and its .xlsx read alike."""

from decimal import ROUND_HALF_UP, Decimal

from core.money import to_wan

CENT = Decimal("0.01")


def in_wan(amount):
    """Yuan (or m²) → 万, two places (None stays None)."""
    if amount is None:
        return None
    return to_wan(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def number(value):
    """A Decimal or int as a JSON number for a chart (None stays None)."""
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value
