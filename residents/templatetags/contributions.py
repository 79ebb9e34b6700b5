"""Amounts of the contributions pages in yuan: ``{{ amount|yuan }}`` → 1,500.00 (empty → —)."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(amount):
    if amount in (None, ""):
        return "—"
    try:
        return f"{Decimal(amount):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return "—"
