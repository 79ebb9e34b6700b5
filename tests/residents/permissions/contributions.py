"""Permission rows of residents.contributions (see tests/residents/permissions/__init__.py).

Street clerks, district and city staff keep the contributions of their area; finance reviewers,
leaders and auditors read them; the system administrator has no business there. A POST with an
empty form is shown again with its errors (200); the calculate button does its work and goes back
to the page (302, with a message)."""

# Persona order:   anon  clerk_a clerk_b district city finance leader auditor sysadmin
READ = (302, 200, 404, 200, 200, 200, 200, 200, 403)
KEEP_FORM = (302, 200, 404, 200, 200, 403, 403, 403, 403)
KEEP_ACTION = (302, 302, 404, 302, 302, 403, 403, 403, 403)

ROWS = {
    ("residents:contribution_projects", None, "get"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    ("residents:contribution_list", "contributions_project_a", "get"): READ,
    ("residents:contribution_calculate", "contributions_project_a", "post"): KEEP_ACTION,
    ("residents:contribution_pay", "contributions_row_a", "post"): KEEP_FORM,
    ("residents:contribution_due", "contributions_row_a", "post"): KEEP_FORM,
    # 居民出资通知书 (reports.notices.contributions): read by whoever reads the project's notices,
    # issued by district and city staff (an empty form is shown again); the combined PDF of the
    # notices issued.
    ("reports:contribution_notices", "contributions_project_a", "get"): READ,
    ("reports:contribution_notices", "contributions_project_a", "post"): (
        302,
        403,
        404,
        200,
        200,
        403,
        403,
        403,
        403,
    ),
    ("reports:contribution_notices_pdf", "contributions_noticed_a", "get"): READ,
}


def objects(world):
    from residents.models import Contribution
    from tests.factories import compound_in, project_in
    from tests.residents.factories import household_in

    def project_a():
        compound = compound_in(world.community_a)
        household_in(compound)
        return project_in(compound)

    def row_a():
        compound = compound_in(world.community_a)
        household = household_in(compound)
        return Contribution.objects.create(project=project_in(compound), household=household, due=1500)

    def noticed_a():
        from reports.notices.contributions import KIND
        from reports.notices.services import notice_issue
        from tests.reports.notices.factories import notice_issuers

        row = row_a()
        notice_issue(
            kind=KIND, subject=row, issuer=notice_issuers()["张建"], user=world["district"], render=False
        )
        return row.project

    return {
        "contributions_project_a": project_a,
        "contributions_row_a": row_a,
        "contributions_noticed_a": noticed_a,
    }
