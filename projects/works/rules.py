"""The rules of a project's items beyond what their fields check, written once and called by the
item grid (project_items_save) and the item importer alike."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_items_open(project):
    """A closed project's items are part of its record."""
    if project.items_are_frozen():
        raise ValidationError(_("The project is closed; its items can no longer change."))


def check_takes_progress(project):
    """Progress is reported from the start of construction until handover."""
    if not project.takes_progress_reports():
        raise ValidationError(_("Progress is reported from the start of construction until handover."))


def check_offered(item, *, adds_it):
    """A retired item stays on the projects that have it, but is added to no project again."""
    if adds_it and not item.active:
        raise ValidationError(
            {"item": _("“%(item)s” is no longer offered for new projects.") % {"item": item.name}}
        )


def payer_or_default(payer, item):
    """Who pays for an item of a project: as given, else the catalogue's default for the item."""
    return payer or item.default_payer
