"""What the archive adds to the lifecycle: the city's prerequisites before a project enters the
annual plan, and, at acceptance, the document types the archive still lacks."""

from django.utils.translation import gettext as _

from projects.lifecycle.transitions import Reason, register_guard, register_warning

from .selectors import archive_missing, prerequisites_missing


def needs_prerequisites(project):
    """Where the city's policy says so, its checklist must be complete before the annual plan.
    Each reason leads to its row of the checklist on the project page."""
    return [
        Reason(
            _("Prerequisite not met yet: %(prerequisite)s.") % {"prerequisite": kind.label},
            anchor=f"prerequisite-{kind.value}",
        )
        for kind in prerequisites_missing(project, blocking_only=True, as_kinds=True)
    ]


def archive_incomplete(project):
    missing = archive_missing(project)
    if not missing:
        return []
    return [_("Still missing from the archive: %(kinds)s") % {"kinds": "、".join(str(m) for m in missing)}]


def register():
    register_guard("declare", needs_prerequisites)
    register_warning("accept", archive_incomplete)
