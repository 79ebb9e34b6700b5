"""A missing page looks like the portal, in Chinese, even in the demo (DEBUG on), and a list page
past its end shows its last page."""

import pytest

from tests.factories import compound_in


@pytest.fixture
def demo_debug(settings):
    settings.DEBUG = True
    settings.TECHNICAL_404 = False
    return settings


def test_an_unknown_address_shows_the_portals_chinese_404_with_debug_on(demo_debug, client_for):
    response = client_for("city").get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body
    assert "DEBUG = True" not in body
    assert "navbar" in body  # the portal's page, with its menu


def test_an_object_outside_the_users_area_shows_the_portals_404_with_debug_on(demo_debug, client_for, world):
    compound = compound_in(world.community_b)
    response = client_for("clerk_a").get(compound.get_absolute_url())
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_technical_404_brings_back_djangos_debug_page(demo_debug, client_for):
    demo_debug.TECHNICAL_404 = True
    response = client_for("city").get("/no-such-page/")
    assert response.status_code == 404
    assert "DEBUG = True" in response.content.decode()


def test_a_missing_slash_still_redirects_with_debug_on(demo_debug, client_for):
    response = client_for("city").get("/projects/compounds")
    assert response.status_code == 301 and response.url == "/projects/compounds/"


def test_a_list_page_past_the_end_shows_the_last_page(client_for, world):
    compound_in(world.community_a, name="华光路小区")
    response = client_for("city").get("/projects/compounds/?page=999")
    assert response.status_code == 200
    assert response.context["page_obj"].number == response.context["paginator"].num_pages
    assert "华光路小区" in response.content.decode()


def test_a_page_that_is_no_number_shows_the_first(client_for, world):
    response = client_for("city").get("/projects/compounds/?page=abc")
    assert response.status_code == 200 and response.context["page_obj"].number == 1
