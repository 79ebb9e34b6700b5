"""The dashboard's map in Chromium: drawn without console errors, a click on a compound opens its
page, a click on a district's name opens that district's dashboard, and district staff's map holds
only their district's compounds."""

import pytest

from org.models import Region
from tests.factories import compound_in, project_in

MAP_DRAWN = "() => document.querySelector('#dash-chart-map[data-drawn]') !== null"

# The screen position of a place on the map (ECharts converts it through the geo component).
WHERE = """([lon, lat, above]) => {
  const el = document.getElementById('dash-chart-map');
  const [x, y] = echarts.getInstanceByDom(el).convertToPixel({geoIndex: 0}, [lon, lat]);
  const box = el.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y - above};
}"""


@pytest.fixture
def compounds(world):
    other = Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=world.district_b.path)[0]
    building = compound_in(world.community_a, name="地图在建小区", longitude="118.05", latitude="36.80")
    project_in(building, stage="construction")
    compound_in(world.community_b, name="地图公园小区", longitude="118.07", latitude="36.82")
    compound_in(other, name="地图淄川小区", longitude="117.95", latitude="36.65")
    return building


def _map_data(page):
    return page.evaluate("JSON.parse(document.getElementById('dash-chart-map-data').textContent)")


def _click(page, lon, lat, above=0):
    page.locator("#dash-chart-map").scroll_into_view_if_needed()
    point = page.evaluate(WHERE, [lon, lat, above])
    page.mouse.click(point["x"], point["y"])


def test_a_click_on_a_compound_opens_it_and_on_a_district_name_its_dashboard(page, log_in, compounds, world):
    log_in("leader")
    page.goto("/dashboard/")
    page.wait_for_function(MAP_DRAWN)
    data = _map_data(page)
    assert {point[4] for point in data["points"]} == {"地图在建小区", "地图公园小区", "地图淄川小区"}
    _click(page, 118.05, 36.80)
    page.wait_for_url(f"**{compounds.get_absolute_url()}")

    page.goto("/dashboard/")
    page.wait_for_function(MAP_DRAWN)
    area = next(area for area in _map_data(page)["areas"] if area["name"] == "淄川区")
    _click(page, *area["at"], above=8)  # the name is written just above its outline
    page.wait_for_url(f"**region={world.district_b.pk}*")
    assert page.console_errors == []


def test_district_staff_see_only_their_districts_compounds_on_the_map(page, log_in, compounds):
    log_in("district")
    page.goto("/dashboard/")
    page.wait_for_function(MAP_DRAWN)
    data = _map_data(page)
    assert {point[4] for point in data["points"]} == {"地图在建小区", "地图公园小区"}
    outlines = sorted(feature["properties"]["name"] for feature in data["outlines"]["features"])
    assert outlines == sorted(["车站街道", "公园街道"])  # drilled into 张店区 at once: its streets
    assert page.console_errors == []
