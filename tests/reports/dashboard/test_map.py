"""The dashboard's map of compounds: outlines drawn from the compounds' own coordinates, points
coloured by the stage of the plan year's project holding them, only the user's compounds, a fixed
number of queries, and a table that counts what the map shows."""

import datetime
import json
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import Region
from projects.models import Project
from reports.dashboard import map as compound_map
from reports.dashboard.outlines import convex_hull, geojson, padded_hull
from reports.dashboard.scope import Scope
from tests.factories import compound_in, project_in

TODAY = datetime.date(2026, 6, 30)
NONE = len(Project.Stage.values)  # the stage index of compounds in no project of the year
# The areas, the compounds, the stages of the year's projects holding them.
MAP_QUERIES = 3


def scope_of(world, persona, region=None):
    return Scope(user=world[persona], city=world.city, year=2026, as_of=TODAY, region=region or world.city)


def community_of(district):
    return Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=district.path).order_by(
        "path"
    )[0]


def placed(community, lon="118.050000", lat="36.800000", **fields):
    return compound_in(community, longitude=lon, latitude=lat, **fields)


def points_by_id(section):
    return {point[5]: point for point in section.chart["points"]}


# --- outlines -------------------------------------------------------------------------------------


def test_the_hull_of_a_square_with_a_point_inside_is_the_square_counter_clockwise():
    square = [(0, 0), (2, 0), (2, 2), (0, 2)]
    assert convex_hull([(1, 1), *square, (1, 0), (2, 2)]) == [(0, 0), (2, 0), (2, 2), (0, 2)]


def test_the_hull_of_points_in_a_row_is_its_two_ends():
    assert convex_hull([(0, 0), (1, 1), (2, 2), (3, 3)]) == [(0, 0), (3, 3)]


def test_a_padded_outline_holds_every_compound_inside_it_even_a_lone_one():
    square = [(0, 0), (2, 0), (2, 2), (0, 2), (1, 1)]
    outline = padded_hull(square, 0.1)
    xs, ys = [x for x, _y in outline], [y for _x, y in outline]
    assert min(xs) == pytest.approx(-0.1) and max(xs) == pytest.approx(2.1)
    assert min(ys) == pytest.approx(-0.1) and max(ys) == pytest.approx(2.1)
    lone = padded_hull([(5, 5)], 0.1)
    assert len(lone) == 8
    assert all(abs(((x - 5) ** 2 + (y - 5) ** 2) ** 0.5 - 0.1) < 1e-9 for x, y in lone)


def test_outlines_are_closed_geojson_polygons_with_their_names_and_leave_out_empty_areas():
    collection = geojson([("甲区", [(0, 0), (1, 0), (0, 1)]), ("乙区", [])], 0.01)
    assert [feature["properties"]["name"] for feature in collection["features"]] == ["甲区"]
    ring = collection["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) > 4


# --- the section ----------------------------------------------------------------------------------


def test_compounds_are_coloured_by_the_furthest_stage_of_this_years_projects_holding_them(world):
    building, both, last_year, none = (placed(world.community_a) for _ in range(4))
    project_in(building, stage=Project.Stage.CONSTRUCTION)
    project_in(both, stage=Project.Stage.SURVEY)
    project_in(both, stage=Project.Stage.REVIEW)
    project_in(last_year, stage=Project.Stage.CLOSED, plan_year=2025)
    section = compound_map.build(scope_of(world, "leader"))
    points = points_by_id(section)
    stages = Project.Stage.values
    assert points[building.pk][2] == stages.index("construction")
    assert points[both.pk][2] == stages.index("review")
    assert points[last_year.pk][2] == points[none.pk][2] == NONE
    legend = {stage["key"]: (stage["label"], stage["count"]) for stage in section.chart["stages"]}
    assert legend["construction"] == ("施工", 1)
    assert legend["none"] == ("未列入本年度", 2)
    assert legend["survey"][1] == 0  # both's survey project is overtaken by its review


def test_a_point_carries_its_place_name_area_and_the_way_to_its_page(world):
    compound = placed(world.community_a, lon="118.041231", lat="36.812346", name="华光路一号院")
    section = compound_map.build(scope_of(world, "leader"))
    lon, lat, _stage, area, name, pk = points_by_id(section)[compound.pk]
    assert (lon, lat, name) == (118.04123, 36.81235, "华光路一号院")
    assert section.chart["areas"][area]["name"] == "张店区"
    chart = section.chart
    assert chart["compound_url"].replace(chart["stand_in"], str(pk)) == compound.get_absolute_url()


def test_a_district_user_never_receives_another_districts_compounds(world, client_for):
    mine = placed(world.community_a, name="本区小区")
    theirs = placed(community_of(world.district_b), lon="117.95", lat="36.65", name="外区小区")
    for region in (world.city, world.district_a):
        section = compound_map.build(scope_of(world, "district", region))
        assert set(points_by_id(section)) == {mine.pk}
        assert "外区小区" not in json.dumps(section.chart, ensure_ascii=False)
        assert section.tables[0].total[1] == 1
    page = client_for("district").get("/dashboard/")
    assert page.status_code == 200
    content = page.content.decode()
    escaped = json.dumps("外区小区")[1:-1]  # as json_script writes it
    assert json.dumps("本区小区")[1:-1] in content
    assert "外区小区" not in content and escaped not in content
    # the leader sees both
    assert set(points_by_id(compound_map.build(scope_of(world, "leader")))) == {mine.pk, theirs.pk}


def test_a_district_user_does_not_see_a_district_outline_built_from_another_districts_compounds(world):
    placed(world.community_a)
    placed(community_of(world.district_b), lon="117.95", lat="36.65")
    section = compound_map.build(scope_of(world, "district", world.city))
    names = [feature["properties"]["name"] for feature in section.chart["outlines"]["features"]]
    assert names == ["张店区"]


def _build_counting(world):
    scope = scope_of(world, "leader")
    with CaptureQueriesContext(connection) as queries:
        section = compound_map.build(scope)
    return section, len(queries)


def test_the_map_runs_the_same_queries_for_1_and_30_compounds(world):
    first = placed(world.community_a)
    project_in(first, stage=Project.Stage.DESIGN)
    compound_map.build(scope_of(world, "leader"))  # the user's scope and roles, read once per request
    section, one = _build_counting(world)
    assert len(section.chart["points"]) == 1
    streets = Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=world.city.path)[:6]
    for n in range(29):
        compound = placed(streets[n % 6], lon=f"118.{n:02d}", lat="36.8")
        if n % 3 == 0:
            project_in(compound, stage=Project.Stage.CONSTRUCTION)
    section, thirty = _build_counting(world)
    assert len(section.chart["points"]) == 30
    assert one == thirty == MAP_QUERIES


def test_the_table_counts_what_the_map_shows_per_area_and_stage_with_a_total(world):
    a = [placed(world.community_a) for _ in range(3)]
    b = [placed(community_of(world.district_b), lon="117.95", lat="36.65") for _ in range(2)]
    compound_in(world.community_a)  # no coordinates: counted, not drawn
    project_in(a[0], stage=Project.Stage.CONSTRUCTION)
    project_in(b[0], b[1], stage=Project.Stage.SURVEY)
    section = compound_map.build(scope_of(world, "leader"))
    table = section.tables[0]
    assert table.columns[:2] == ["区县", "小区"]
    assert table.columns[2:] == ["需求调查", "施工", "未列入本年度", "未填坐标（未上图）"]
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["张店区"] == [4, 0, 1, 3, 1]
    assert rows["淄川区"] == [2, 2, 0, 0, 0]
    assert rows["周村区"] == [0, 0, 0, 0, 0]  # an area without compounds still has its row
    assert table.total == ["合计", 6, 2, 1, 3, 1]
    # The points, counted per area and stage, are the table's cells less the compounds not placed.
    areas = [area["name"] for area in section.chart["areas"]]
    drawn = Counter((areas[p[3]], p[2]) for p in section.chart["points"])
    stages = Project.Stage.values
    assert drawn == {("张店区", stages.index("construction")): 1, ("张店区", NONE): 2, ("淄川区", 0): 2}
    assert section.data["missing"] == 1 and section.data["shown"] == 5
    # Each district's row opens its dashboard drilled into it.
    links = dict(zip([row[0] for row in table.rows], table.links, strict=True))
    assert links["张店区"] == scope_of(world, "leader").region_url(world.district_a.pk)


def test_drilled_into_a_district_the_areas_are_its_streets_and_into_a_street_its_communities(world):
    placed(world.community_a)
    placed(world.community_b)
    district = compound_map.build(scope_of(world, "leader", world.district_a))
    rows = {row[0]: row[1] for row in district.tables[0].rows}
    assert district.tables[0].columns[0] == "街道"
    assert rows["车站街道"] == rows["公园街道"] == 1
    street = compound_map.build(scope_of(world, "leader", world.street_a))
    assert street.tables[0].columns[0] == "社区"
    assert {row[0]: row[1] for row in street.tables[0].rows}["华光路社区"] == 1
    assert set(street.tables[0].links) == {None}  # communities have no dashboard of their own
    assert not street.data["drills"]


def test_compounds_without_coordinates_are_counted_and_said_and_none_placed_draws_no_chart(world, client_for):
    compound_in(world.community_a)
    compound_in(world.community_a)
    section = compound_map.build(scope_of(world, "leader"))
    assert section.chart is None
    assert section.data["missing"] == 2
    page = client_for("leader").get("/dashboard/").content.decode()
    assert "2 个小区未填坐标，未在图上显示。" in page
    assert "本区域尚无填写坐标的小区。" in page


def test_the_map_is_a_whole_row_and_on_the_wall_screen(world, client_for):
    placed(world.community_a)
    section = compound_map.build(scope_of(world, "leader"))
    assert section.width == 12 and section.wall
    page = client_for("leader").get("/dashboard/wall/").content.decode()
    assert 'id="dash-chart-map"' in page and "reports/dashboard/map.js" in page
