"""Permission rows of the dashboard (see tests/reports/permissions/__init__.py): whoever reads the
quota progress reads it (a district user their district); street clerks and the system
administrator have none (403)."""

# Persona order:   anon  clerk_a clerk_b district city finance leader auditor sysadmin
READERS = (302, 403, 403, 200, 200, 200, 200, 200, 403)

ROWS = {
    ("reports:dashboard", None, "get"): READERS,
    ("reports:dashboard_wall", None, "get"): READERS,
    # The workbook of every section's tables: whoever reads the page, for the same area.
    ("reports:dashboard_export", None, "get"): READERS,
}


def objects(world):
    return {}
