"""What the works add to the lifecycle (no completion acceptance while a critical inspection
finding is open), and the inspections as a source of items asked for."""

from django.utils.translation import gettext as _

from projects.lifecycle.transitions import Reason, register_guard

from .requests import register_item_requests
from .selectors import open_critical_findings, requested_by_inspections


def no_open_critical_findings(project):
    return [
        Reason(
            _("Critical inspection finding still open: %(finding)s (rectify by %(deadline)s).")
            % {"finding": finding.description, "deadline": finding.deadline.isoformat()},
            anchor="inspections",
        )
        for finding in open_critical_findings(project)
    ]


def register():
    register_guard("accept", no_open_critical_findings)
    register_item_requests(requested_by_inspections)
