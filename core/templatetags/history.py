"""An audit entry's changes as the user reads them (see core.changes)."""

from django import template

from core.changes import change_lines as _change_lines

register = template.Library()


@register.filter
def change_lines(entry):
    """[(label, text)] of every change ``entry`` records."""
    return _change_lines(entry)
