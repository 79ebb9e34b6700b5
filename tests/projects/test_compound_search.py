"""The compound type-ahead of the project form: the server searches, pages and scopes; the form
renders only the chosen compounds, and keeps them with their labels when it comes back with errors."""

import pytest
from django.urls import reverse

from projects.models import Project
from projects.registry.selectors import SEARCH_PAGE_SIZE
from tests.factories import compound_in, project_in
from tests.helpers import assert_list_queries_constant

SEARCH = reverse("projects:compound_search")


def search(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response.json()


def test_search_finds_compounds_by_name_code_and_street(world, client_for):
    compound_in(world.community_a, name="华光路小区", code="ZD-0101")
    compound_in(world.community_a, name="共青团路小区", code="ZD-0102")
    compound_in(world.community_b, name="公园路小区", code="ZD-0201")
    client = client_for("city")
    assert [r["name"] for r in search(client, q="光路小")["results"]] == ["华光路小区"]
    assert [r["name"] for r in search(client, q="zd-0102")["results"]] == ["共青团路小区"]
    assert [r["name"] for r in search(client, q="公园街道")["results"]] == ["公园路小区"]
    # Several words narrow: a street and part of a name.
    assert [r["name"] for r in search(client, q="车站 共青")["results"]] == ["共青团路小区"]
    found = search(client, q="ZD-0101")["results"][0]
    assert found["text"] == "华光路小区（ZD-0101 · 车站街道 华光路社区）"


def test_clerk_finds_only_her_streets_compounds(world, client_for):
    compound_in(world.community_a, name="华光路小区")
    compound_in(world.community_b, name="华光路北小区")
    names = [r["name"] for r in search(client_for("clerk_a"), q="华光")["results"]]
    assert names == ["华光路小区"]
    assert search(client_for("clerk_b"), q="华光路小区")["results"] == []


def test_search_pages_by_twenty_in_name_order(world, client_for):
    for n in range(SEARCH_PAGE_SIZE + 5):
        compound_in(world.community_a, name=f"翻页小区{n:02d}")
    client = client_for("clerk_a")
    first = search(client, q="翻页")
    second = search(client, q="翻页", page=2)
    assert len(first["results"]) == SEARCH_PAGE_SIZE and first["more"] is True
    assert len(second["results"]) == 5 and second["more"] is False
    names = [r["name"] for r in first["results"] + second["results"]]
    assert names == sorted(names) == [f"翻页小区{n:02d}" for n in range(SEARCH_PAGE_SIZE + 5)]
    assert search(client, q="翻页", page="junk")["results"] == first["results"]


@pytest.mark.parametrize("persona", ["city", "clerk_a"])
def test_search_runs_the_same_queries_for_one_and_twenty_rows(world, client_for, persona):
    def add(count):
        for _ in range(count):
            compound_in(world.community_a)

    assert_list_queries_constant(client_for(persona), SEARCH, add, q="测试")


def test_project_form_renders_only_the_chosen_compounds(world, client_for):
    chosen = compound_in(world.community_a, name="华光路小区")
    others = [compound_in(world.community_a, name=f"其他小区{n}") for n in range(5)]
    project = project_in(chosen)
    page = client_for("clerk_a").get(reverse("projects:project_edit", args=[project.pk])).content.decode()
    assert f'<option value="{chosen.pk}" selected>华光路小区（' in page
    assert not any(f'value="{other.pk}"' in page for other in others)
    assert f'data-search-url="{SEARCH}"' in page
    assert "vendor/tom-select/tom-select.complete.min.js" in page
    # Nothing to choose from yet on a new project: no option at all.
    added = client_for("clerk_a").get(reverse("projects:project_add")).content.decode()
    assert "<option" not in added.split('name="compounds"')[1].split("</select>")[0]


def test_chosen_compounds_stay_chosen_with_their_labels_when_the_form_has_errors(world, client_for):
    first = compound_in(world.community_a, name="华光路小区")
    second = compound_in(world.community_a, name="共青团路小区")
    compound_in(world.community_a, name="未选小区")
    response = client_for("clerk_a").post(
        reverse("projects:project_add"), {"compounds": [first.pk, second.pk, "junk"], "name": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{first.pk}" selected>华光路小区（' in page
    assert f'<option value="{second.pk}" selected>共青团路小区（' in page
    assert "未选小区" not in page
    assert not Project.objects.exists()


def test_form_refuses_a_compound_outside_the_users_scope(world, client_for):
    outside = compound_in(world.community_b, name="公园路小区")
    response = client_for("clerk_a").post(
        reverse("projects:project_add"), {"compounds": [outside.pk], "name": "越界项目", "plan_year": 2026}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["compounds"]
    assert "公园路小区" not in response.content.decode()
    assert not Project.objects.exists()
