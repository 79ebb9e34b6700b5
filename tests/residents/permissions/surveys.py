"""Permission rows of residents.surveys (see tests/residents/permissions/__init__.py).

Street clerks, district and city staff keep survey campaigns (a clerk her street's: another street's
is 404); leaders and auditors read them; finance reviewers and the system administrator have no
business with them (403). An empty form is shown again with its errors (200)."""

READERS = (302, 200, 404, 200, 200, 403, 200, 200, 403)
KEEPERS = (302, 200, 404, 200, 200, 403, 403, 403, 403)
DELETED = (302, 302, 404, 302, 302, 403, 403, 403, 403)
NEW = (302, 200, 200, 200, 200, 403, 403, 403, 403)

ROWS = {
    ("residents:campaign_list", None, "get"): (302, 200, 200, 200, 200, 403, 200, 200, 403),
    ("residents:campaign_add", None, "get"): NEW,
    ("residents:campaign_add", None, "post"): NEW,
    ("residents:campaign_detail", "surveys_campaign_a", "get"): READERS,
    ("residents:campaign_edit", "surveys_campaign_a", "get"): KEEPERS,
    ("residents:campaign_edit", "surveys_campaign_a", "post"): KEEPERS,
    ("residents:campaign_delete", "surveys_campaign_a", "get"): KEEPERS,
    ("residents:campaign_delete", "surveys_campaign_a", "post"): DELETED,
    ("residents:campaign_template", "surveys_campaign_a", "get"): KEEPERS,
    ("core:import_start", "kind:survey_responses", "get"): NEW,
    ("core:import_start", "kind:survey_responses", "post"): NEW,
    ("core:import_template", "kind:survey_responses", "get"): NEW,
}


def objects(world):
    from tests.residents.factories import campaign_for, household_in

    def campaign_a():
        return campaign_for(household_in(community=world.community_a).compound)

    return {"surveys_campaign_a": campaign_a}
