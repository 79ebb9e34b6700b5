"""Values as the user reads them, for pages and their sections."""

from django.utils.translation import gettext as _


def display_value(obj, name):
    """A field's value as the user reads it: the choice's label, 是/否, or — when empty."""
    getter = getattr(obj, f"get_{name}_display", None)
    value = getter() if getter else getattr(obj, name)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "—" if value in (None, "") else value
