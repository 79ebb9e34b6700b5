"""The fast entry grid and the endpoint each of its rows saves itself to (residents.entry)."""

import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import ItemCategory, RenovationItem
from residents.models import SurveyCampaign, SurveyResponse
from residents.surveys.rules import category_score_key
from tests.factories import compound_in, renovation_item
from tests.residents.factories import building_in, campaign_for, household_in

TODAY = datetime.date.today()


@pytest.fixture
def compound(world):
    return compound_in(world.community_a, name="华光路小区")


@pytest.fixture
def campaign(compound):
    return campaign_for(compound, title="华光路小区改造意愿调查")


@pytest.fixture
def items():
    return [renovation_item(name=f"改造内容{n}") for n in range(1, 4)]


@pytest.fixture
def room_301(compound):
    return household_in(compound, building=building_in(compound, "3号楼"), unit="2单元", room="301")


def numbers(*wanted):
    """The numbers a clerk types for ``wanted``: their places in the catalogue of active items."""
    catalogue = list(RenovationItem.objects.filter(active=True))
    return " ".join(str(catalogue.index(item) + 1) for item in wanted)


def row(campaign, compound, **cells):
    data = {
        "entry_key": str(uuid.uuid4()),
        "compound": compound.pk,
        "household": "3-2-301",
        "origin": "paper",
        "answered_on": TODAY.isoformat(),
        "agrees": "yes",
        "wanted_items": "",
        "willing_to_contribute": "1",
        "contribution_amount": "1500",
        "comment": "",
    }
    data.update(cells)
    return data


def post_row(client, campaign, data):
    return client.post(reverse("residents:campaign_entry_row", args=[campaign.pk]), data)


def test_clerk_opens_the_grid_with_her_compounds_households_and_the_numbered_catalogue(
    client_for, campaign, room_301, items
):
    page = client_for("clerk_a").get(reverse("residents:campaign_entry", args=[campaign.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="3-2-301">3号楼2单元301</option>' in html
    assert f'data-storage-key="residents-entry:{campaign.pk}:' in html
    assert "residents/entry.js" in html
    assert f'data-number="{numbers(items[0])}" data-name="改造内容1"' in html
    assert "您辖区已录入 0 份答卷" in html


def test_a_row_typed_from_paper_saves_one_answer_with_its_items(
    client_for, campaign, compound, room_301, items
):
    client = client_for("clerk_a")
    data = row(campaign, compound, wanted_items=numbers(items[0], items[2]), comment="楼道灯坏了")
    response = post_row(client, campaign, data)
    assert response.status_code == 200, response.content.decode()
    assert response.json()["saved"] is True and response.json()["household"] == "3号楼2单元301"
    answer = SurveyResponse.objects.get()
    assert (answer.household, answer.agrees, answer.willing_to_contribute) == (room_301, "yes", True)
    assert str(answer.contribution_amount) == "1500.00"
    assert set(answer.wanted_items.all()) == {items[0], items[2]}
    assert str(answer.entry_key) == data["entry_key"] and answer.entered_by.username == "clerk_a"


def test_a_row_sent_again_with_its_entry_key_saves_the_same_answer_once(
    client_for, campaign, compound, room_301
):
    client = client_for("clerk_a")
    data = row(campaign, compound)
    assert post_row(client, campaign, data).status_code == 200
    assert post_row(client, campaign, data).status_code == 200
    corrected = {**data, "agrees": "no", "willing_to_contribute": "2", "contribution_amount": ""}
    assert post_row(client, campaign, corrected).status_code == 200
    answer = SurveyResponse.objects.get()
    assert (answer.agrees, answer.willing_to_contribute, answer.contribution_amount) == ("no", False, None)


def test_each_refused_cell_gets_its_own_chinese_message(client_for, campaign, compound, room_301):
    data = row(
        campaign, compound, answered_on="2026-13-45", agrees="", wanted_items="999", willing_to_contribute="也许",
        contribution_amount="很多",
    )  # fmt: skip
    response = post_row(client_for("clerk_a"), campaign, data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {
        "answered_on", "agrees", "wanted_items", "willing_to_contribute", "contribution_amount",
    }  # fmt: skip
    assert "999" in errors["wanted_items"] and "没有编号" in errors["wanted_items"]
    assert not SurveyResponse.objects.exists()


def test_the_grid_of_a_closed_campaign_dates_new_rows_on_its_last_day(client_for, compound, room_301):
    closed = campaign_for(
        compound, opens_on=TODAY - datetime.timedelta(days=30), closes_on=TODAY - datetime.timedelta(days=2)
    )
    html = client_for("clerk_a").get(reverse("residents:campaign_entry", args=[closed.pk])).content.decode()
    assert f'data-field="answered_on" value="{closed.closes_on.isoformat()}"' in html


def test_an_answer_dated_after_the_campaign_closed_is_refused_at_its_date(client_for, compound, room_301):
    closed = campaign_for(
        compound, opens_on=TODAY - datetime.timedelta(days=30), closes_on=TODAY - datetime.timedelta(days=2)
    )
    response = post_row(client_for("clerk_a"), closed, row(closed, compound))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["answered_on"]
    assert closed.closes_on.isoformat() in response.json()["errors"]["answered_on"]


def test_a_household_answered_twice_is_named_at_its_row(client_for, campaign, compound, room_301):
    client = client_for("clerk_a")
    assert post_row(client, campaign, row(campaign, compound)).status_code == 200
    again = post_row(client, campaign, row(campaign, compound, agrees="no"))
    assert again.status_code == 400
    message = again.json()["errors"]["household"]
    assert "3号楼2单元301" in message and TODAY.isoformat() in message and "纸质" in message
    assert SurveyResponse.objects.count() == 1


def test_an_unknown_household_code_is_refused_at_the_household_cell(client_for, campaign, compound, room_301):
    response = post_row(client_for("clerk_a"), campaign, row(campaign, compound, household="9-9-909"))
    assert response.status_code == 400
    assert "9-9-909" in response.json()["errors"]["household"]


def test_a_clerk_cannot_enter_for_a_household_of_another_street(client_for, world):
    theirs = compound_in(world.community_b, name="公园小区")
    household_in(theirs, building=building_in(theirs, "3号楼"), unit="2单元", room="301")
    ours = compound_in(world.community_a)
    batch = campaign_for(ours, theirs)
    response = post_row(client_for("clerk_a"), batch, row(batch, theirs))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["household"]
    assert not SurveyResponse.objects.exists()


def test_a_campaign_of_another_street_is_not_found(client_for, campaign, compound, room_301):
    client = client_for("clerk_b")
    assert client.get(reverse("residents:campaign_entry", args=[campaign.pk])).status_code == 404
    assert post_row(client, campaign, row(campaign, compound)).status_code == 404


def test_roles_that_do_not_enter_answers_are_refused(client_for, campaign, compound, room_301):
    for persona in ("finance", "leader", "auditor"):
        assert post_row(client_for(persona), campaign, row(campaign, compound)).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_a_satisfaction_row_takes_an_overall_and_a_score_per_category(client_for, compound, room_301):
    survey = campaign_for(compound, kind=SurveyCampaign.Kind.SATISFACTION)
    basic = ItemCategory.objects.get_or_create(code="basic", defaults={"name": "基础类", "rule": "应改尽改"})[
        0
    ]
    client = client_for("clerk_a")
    data = {
        "entry_key": str(uuid.uuid4()), "compound": compound.pk, "household": "3-2-301", "origin": "door",
        "answered_on": TODAY.isoformat(), "overall_score": "4", category_score_key(basic): "6",
    }  # fmt: skip
    refused = post_row(client, survey, data)
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == [category_score_key(basic)]
    assert "评分" in refused.json()["errors"][category_score_key(basic)]
    assert post_row(client, survey, {**data, category_score_key(basic): "5"}).status_code == 200
    answer = SurveyResponse.objects.get()
    assert answer.overall_score == 4
    assert [(s.category, s.score) for s in answer.category_scores.all()] == [(basic, 5)]


def test_saving_a_row_runs_the_same_few_queries_whatever_the_items_chosen(
    client_for, campaign, compound, room_301, items
):
    client = client_for("clerk_a")
    post_row(client, campaign, row(campaign, compound))  # caches filled (content types, permissions)
    counts = []
    for wanted in (items[:1], items):
        SurveyResponse.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            saved = post_row(client, campaign, row(campaign, compound, wanted_items=numbers(*wanted)))
        assert saved.status_code == 200, saved.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 45, counts


def test_answers_entered_before_load_into_the_grid_to_be_corrected_under_their_keys(
    client_for, campaign, compound, room_301, items
):
    client = client_for("clerk_a")
    data = row(campaign, compound, wanted_items=numbers(items[1], items[0]), comment="加装电梯")
    assert post_row(client, campaign, data).status_code == 200
    url = reverse("residents:campaign_entry", args=[campaign.pk])
    assert "?existing=1" in client.get(url).content.decode()

    page = client.get(url + "?existing=1")
    [loaded] = json.loads(page.context["existing"])
    assert loaded["key"] == data["entry_key"] and loaded["compound"] == compound.pk
    assert loaded["values"] | {"wanted_items": ""} == {
        "household": "3-2-301", "origin": "paper", "answered_on": TODAY.isoformat(), "agrees": "yes",
        "wanted_items": "", "willing_to_contribute": "1", "contribution_amount": "1500.00",
        "overall_score": "", "comment": "加装电梯",
    }  # fmt: skip
    assert loaded["values"]["wanted_items"] == numbers(items[0], items[1])
    # Sent back as loaded, with a cell changed, it changes the same answer.
    corrected = {
        **loaded["values"],
        "agrees": "undecided",
        "entry_key": loaded["key"],
        "compound": compound.pk,
    }
    assert post_row(client, campaign, corrected).status_code == 200
    assert SurveyResponse.objects.get().agrees == "undecided"


def test_loading_answers_runs_the_same_queries_for_one_and_for_many(client_for, campaign, compound, items):
    client = client_for("clerk_a")
    building = building_in(compound, "5号楼")
    url = reverse("residents:campaign_entry", args=[campaign.pk]) + "?existing=1"
    counts = []
    for rooms in (["101"], ["102", "103", "104", "105"]):
        for room in rooms:
            household_in(compound, building=building, unit="1单元", room=room)
            data = row(campaign, compound, household=f"5-1-{room}", wanted_items=numbers(*items))
            assert post_row(client, campaign, data).status_code == 200
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_grid_gives_its_current_csrf_token_to_rows_kept_over_a_new_login(client_for, campaign):
    client = client_for("clerk_a")
    answer = client.get(reverse("residents:campaign_entry", args=[campaign.pk]) + "?token=1")
    assert answer.status_code == 200 and len(answer.json()["csrf"]) > 30
    assert (
        client_for("clerk_b")
        .get(reverse("residents:campaign_entry", args=[campaign.pk]) + "?token=1")
        .status_code
        == 404
    )


def test_a_satisfaction_grid_has_an_overall_score_and_one_per_category_and_no_needs_columns(
    client_for, compound, room_301
):
    survey = campaign_for(compound, kind=SurveyCampaign.Kind.SATISFACTION)
    basic = ItemCategory.objects.get_or_create(code="basic", defaults={"name": "基础类", "rule": "应改尽改"})[
        0
    ]
    html = client_for("clerk_a").get(reverse("residents:campaign_entry", args=[survey.pk])).content.decode()
    assert 'data-field="overall_score"' in html and f'data-field="{category_score_key(basic)}"' in html
    assert "基础类（1–5）" in html
    assert 'data-field="agrees"' not in html and 'data-field="wanted_items"' not in html
