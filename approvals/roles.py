"""What each role may do with approvals' models (org.roles names the roles; this grants them).

Every role reads the requests in its area: the inbox shows a reviewer what waits for their
organisation, and a submitter what they sent. Deciding is checked by the services (the stage's
organisation and role), not by a model permission.

Every role may delegate its decisions to a colleague while on leave (any user of an organisation
may be the one a stage waits for); the services keep a delegation within one's organisation and
let only its giver end it. The city bureau's staff and the system administrator edit their city's
flows: a new version, its stages, publishing it."""

from org.roles import CITY_STAFF, ROLES, SYSADMIN, grant

DELEGATING = ("approvals.view_delegation", "approvals.add_delegation", "approvals.change_delegation")
EDITING_FLOWS = (
    "approvals.view_flow",
    "approvals.view_flowversion", "approvals.add_flowversion", "approvals.change_flowversion",
    "approvals.delete_flowversion",
    "approvals.view_stage", "approvals.add_stage", "approvals.change_stage", "approvals.delete_stage",
)  # fmt: skip


def register():
    for role in ROLES:
        grant(role, "approvals.view_approvalrequest", *DELEGATING)
    for role in (CITY_STAFF, SYSADMIN):
        grant(role, *EDITING_FLOWS)
