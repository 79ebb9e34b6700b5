"""Permission rows of residents.households (see tests/residents/permissions/__init__.py).

Street clerks, district and city staff keep households (a clerk her street's: another street's is
404); finance reviewers, leaders and auditors read them; only district and city staff may reveal a
household's name and phone (a clerk already sees them, so she has nothing to reveal: 403). An empty
form is shown again with its errors (200); the system administrator has no business with them."""

KEEPERS = (302, 200, 404, 200, 200, 403, 403, 403, 403)
READERS = (302, 200, 404, 200, 200, 200, 200, 200, 403)
IMPORTERS = (302, 200, 200, 200, 200, 403, 403, 403, 403)

ROWS = {
    ("residents:household_list", None, "get"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    ("residents:compound_households", "households_compound_a", "get"): READERS,
    ("residents:household_add", "households_compound_a", "get"): KEEPERS,
    ("residents:household_add", "households_compound_a", "post"): KEEPERS,
    ("residents:household_detail", "households_household_a", "get"): READERS,
    ("residents:household_edit", "households_household_a", "get"): KEEPERS,
    ("residents:household_edit", "households_household_a", "post"): KEEPERS,
    ("residents:household_delete", "households_household_a", "get"): KEEPERS,
    ("residents:household_delete", "households_household_a", "post"): (
        302,
        302,
        404,
        302,
        302,
        403,
        403,
        403,
        403,
    ),
    ("residents:household_unmask", "households_household_a", "post"): (
        302,
        403,
        403,
        200,
        200,
        403,
        403,
        403,
        403,
    ),
    ("core:import_start", "kind:households", "get"): IMPORTERS,
    ("core:import_start", "kind:households", "post"): IMPORTERS,
    ("core:import_template", "kind:households", "get"): IMPORTERS,
}


def objects(world):
    from tests.factories import compound_in
    from tests.residents.factories import building_in, household_in

    def compound_a():
        compound = compound_in(world.community_a)
        building_in(compound)
        return compound

    return {
        "households_compound_a": compound_a,
        "households_household_a": lambda: household_in(community=world.community_a),
    }
