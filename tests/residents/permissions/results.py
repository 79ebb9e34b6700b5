"""Permission rows of residents.results (see tests/residents/permissions/__init__.py).

Whoever reads survey campaigns reads their results and a project's residents' support: street
clerks their street's, district and city staff their area's, leaders and auditors everything.
Finance reviewers and the system administrator do not read surveys (403)."""

from projects.models import Project
from tests.factories import compound_in, project_in
from tests.residents.factories import campaign_for

# Persona order:    anon  clerk_a clerk_b district city finance leader auditor sysadmin
READERS_OF_A = (302, 200, 404, 200, 200, 403, 200, 200, 403)

ROWS = {
    ("residents:campaign_results", "results_campaign_a", "get"): READERS_OF_A,
    ("residents:project_support", "results_project_a", "get"): READERS_OF_A,
}


def objects(world):
    return {
        "results_campaign_a": lambda: campaign_for(compound_in(world.community_a)),
        "results_project_a": lambda: project_in(
            compound_in(world.community_a), stage=Project.Stage.DECLARATION
        ),
    }
