"""Figures as the reports' pages show them: a count with thousands separators (29,100), as the
monthly report, its spreadsheet and the quota page write it (Django's Chinese format groups none)."""

from django import template

register = template.Library()


@register.filter
def count(value):
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"
