"""The compound list, detail and export pages."""

import io

from openpyxl import load_workbook

from projects.models import Compound
from tests.factories import compound_in
from tests.helpers import assert_list_queries_constant
from tests.projects.conftest import HEADERS

LIST = "/projects/compounds/"


def test_list_runs_the_same_queries_for_1_and_20_rows(world, client_for):
    def add(n):
        for _ in range(n):
            compound_in(world.community_a)

    assert_list_queries_constant(client_for("district"), LIST, add)


def test_clerk_sees_only_their_streets_compounds_with_totals(world, client_for):
    compound_in(world.community_a, household_count=100, building_count=3, floor_area="5000.00")
    compound_in(world.community_a, household_count=50, building_count=2, floor_area="2500.50")
    compound_in(world.community_b, household_count=999)
    response = client_for("clerk_a").get(LIST)
    assert response.context["paginator"].count == 2
    assert response.context["totals"] == {
        "compounds": 2, "households": 150, "buildings": 5, "floor_area": response.context["totals"]["floor_area"]
    }  # fmt: skip
    assert float(response.context["totals"]["floor_area"]) == 7500.5


def test_filters_by_street_year_range_search_and_eligibility(world, client_for):
    compound_in(world.community_a, name="华光路小区", year_built=1990, eligibility="eligible")
    compound_in(world.community_a, name="西五路宿舍", year_built=2008, eligibility="built_after_cutoff")
    compound_in(world.community_b, name="公园小区", year_built=1995, eligibility="eligible")
    client = client_for("district")

    def names(**params):
        return sorted(c.name for c in client.get(LIST, params).context["object_list"])

    assert names(street=world.street_a.pk) == ["华光路小区", "西五路宿舍"]
    assert names(year_from=1991, year_to=2010) == ["公园小区", "西五路宿舍"]
    assert names(q="宿舍") == ["西五路宿舍"]
    assert names(q="华光") == ["华光路小区"]
    assert names(eligibility="eligible") == ["公园小区", "华光路小区"]
    assert names(community=world.community_b.pk) == ["公园小区"]


def test_clerk_is_offered_the_communities_of_their_street_only(world, client_for):
    form = client_for("clerk_a").get(LIST).context["filterset"].form
    assert "district" not in form.fields and "street" not in form.fields  # nothing to choose
    assert {c.name for c in form.fields["community"].queryset} == {"华光路社区", "共青团路社区", "西五路社区"}


def test_streets_are_offered_once_a_district_is_chosen(world, client_for):
    client = client_for("city")
    form = client.get(LIST).context["filterset"].form
    assert form.fields["district"].queryset.count() == 8
    assert "street" not in form.fields and "community" not in form.fields  # until a district is chosen
    form = client.get(LIST, {"district": world.district_a.pk}).context["filterset"].form
    assert set(form.fields["street"].queryset) == set(world.district_a.children.all())


def test_sorting_by_year(world, client_for):
    for year in (1995, 1980, 2001):
        compound_in(world.community_a, year_built=year)
    response = client_for("clerk_a").get(LIST, {"sort": "-year_built"})
    assert [c.year_built for c in response.context["object_list"]] == [2001, 1995, 1980]


def test_export_holds_the_filtered_rows_in_the_template_columns(world, client_for):
    compound_in(world.community_a, name="华光路小区", year_built=1990)
    compound_in(world.community_a, name="西五路宿舍", year_built=2008)
    compound_in(world.community_b, name="公园小区", year_built=1995)
    response = client_for("clerk_a").get(LIST, {"year_to": 2000, "export": "xlsx"})
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert [row[HEADERS.index("小区名称")] for row in rows[1:]] == ["华光路小区"]


def test_csv_export_opens_in_excel(world, client_for):
    compound_in(world.community_a, name="华光路小区")
    response = client_for("clerk_a").get(LIST, {"export": "csv"})
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    assert "华光路小区" in response.content.decode("utf-8-sig")


def test_detail_shows_the_verdict_the_buildings_and_the_history(world, client_for, zibo_policy):
    from projects.registry.services import building_create, compound_update

    compound = compound_in(world.community_a, year_built=2008, eligibility="built_after_cutoff")
    building_create(actor=world["clerk_a"], compound=compound, number="3号楼", storeys=6)
    compound_update(
        actor=world["clerk_a"], instance=compound, community=world.community_a, household_count=99
    )
    response = client_for("clerk_a").get(compound.get_absolute_url())
    text = response.content.decode()
    assert "2008" in response.context["eligibility_explanation"]
    assert "2005-12-31" in response.context["eligibility_explanation"]
    assert "3号楼" in text
    assert [b.number for b in response.context["buildings"]] == ["3号楼"]


def test_clerk_cannot_open_another_streets_compound(world, client_for):
    compound = compound_in(world.community_b)
    assert client_for("clerk_a").get(compound.get_absolute_url()).status_code == 404
    assert client_for("clerk_a").get(f"/projects/compounds/{compound.pk}/edit/").status_code == 404


def test_form_saves_a_compound_and_reports_bad_values_by_field(world, client_for):
    client = client_for("clerk_a")
    data = {
        "community": world.community_a.pk, "name": "新建小区", "code": "", "year_built": 2099, "floor_area": "100",
        "building_count": 1, "household_count": 10, "property_management": "none", "origin": "other", "pool": "reserve",
    }  # fmt: skip
    response = client.post("/projects/compounds/add/", data)
    assert response.status_code == 200 and "year_built" in response.context["form"].errors
    assert not Compound.objects.exists()
    data["year_built"] = 1990
    response = client.post("/projects/compounds/add/", data)
    compound = Compound.objects.get(name="新建小区")
    assert response["Location"] == compound.get_absolute_url()


def test_list_with_40000_compounds_runs_the_same_queries_as_with_10(world, client_for):
    """The scale of issue 3's benchmark, in a test: no query per row, per page or per region."""
    import random

    from org.models import Region
    from projects.demo.synthetic_compounds import make_compounds
    from tests.helpers import queries_of

    client = client_for("city")
    communities = list(Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=world.city.path))
    Compound.objects.bulk_create(
        make_compounds(communities=communities[:2], rng=random.Random(1), per_community=5)
    )
    first = Compound.objects.select_related("community__parent").first()
    filtered = {"district": first.community.parent.parent_id, "sort": "-year_built", "q": first.name[:2]}
    queries_of(client, LIST)
    with_10 = queries_of(client, LIST)
    filtered_with_10 = queries_of(client, LIST, **filtered)
    per_community = 40000 // len(communities)
    Compound.objects.bulk_create(
        make_compounds(
            communities=communities, rng=random.Random(2), per_community=per_community, code_prefix="BIG"
        ),
        batch_size=5000,
    )
    assert Compound.objects.count() > 35000
    assert queries_of(client, LIST) == with_10
    assert queries_of(client, LIST, **filtered) == filtered_with_10


def test_deleting_a_building_returns_to_its_compound(world, client_for):
    from projects.models import Building

    compound = compound_in(world.community_a)
    building = Building.objects.create(compound=compound, number="2号楼", storeys=6)
    response = client_for("clerk_a").post(f"/projects/buildings/{building.pk}/delete/")
    assert response["Location"] == compound.get_absolute_url()
    assert not Building.objects.filter(pk=building.pk).exists()
