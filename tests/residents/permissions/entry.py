"""Permission rows of residents.entry (see tests/residents/permissions/__init__.py).

The grid and its row endpoint are for who enters answers (residents.add_surveyresponse): street
clerks of the campaign's street, district and city staff; a clerk of another street does not learn
the campaign exists (404). An empty row is refused with its messages per cell (400)."""

ENTERS = (302, 200, 404, 200, 200, 403, 403, 403, 403)
ROW_REFUSED = (302, 400, 404, 400, 400, 403, 403, 403, 403)

ROWS = {
    ("residents:campaign_entry", "entry_campaign_a", "get"): ENTERS,
    ("residents:campaign_entry_row", "entry_campaign_a", "post"): ROW_REFUSED,
}


def objects(world):
    from tests.factories import compound_in
    from tests.residents.factories import campaign_for, household_in

    def campaign_a():
        compound = compound_in(world.community_a)
        household_in(compound)
        return campaign_for(compound)

    return {"entry_campaign_a": campaign_a}
