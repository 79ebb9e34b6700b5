"""What each role may do with approvals' models (org.roles names the roles; this grants them).

Every role reads the requests in its area: the inbox shows a reviewer what waits for their
organisation, and a submitter what they sent. Deciding is checked by the services (the stage's
organisation and role), not by a model permission."""

from org.roles import ROLES, grant


def register():
    for role in ROLES:
        grant(role, "approvals.view_approvalrequest")
