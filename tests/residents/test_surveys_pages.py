"""The survey campaigns' pages: the list and its filters, the form over compounds chosen by typing,
the campaign page with its compounds, counts and answers (names masked as the role requires),
and the export of its answers."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from core.models import AuditEntry
from projects.models import Project, RenovationItem
from residents.models import SurveyCampaign, SurveyResponse
from residents.surveys.services import response_save
from tests.factories import compound_in, project_in
from tests.helpers import assert_list_queries_constant
from tests.residents.factories import campaign_for, household_in

pytestmark = pytest.mark.django_db
LIST = "/residents/surveys/"
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def answer(campaign, household, user, **values):
    values = {"origin": "door", "answered_on": TODAY, "agrees": "yes", **values}
    return response_save(actor=user, campaign=campaign, household=household, values=values)


def test_clerk_creates_a_needs_survey_with_the_form(world, client_for):
    compound = compound_in(world.community_a, name="华光路一号院")
    client = client_for("clerk_a")
    assert client.get(f"{LIST}new/").status_code == 200
    response = client.post(
        f"{LIST}new/",
        {"kind": "needs", "title": "2026年意愿调查", "compounds": [compound.pk],
         "opens_on": TODAY.isoformat(), "closes_on": (TODAY + 30 * DAY).isoformat()},
    )  # fmt: skip
    campaign = SurveyCampaign.objects.get()
    assert response.status_code == 302 and response.url == campaign.get_absolute_url()
    assert campaign.region == world.street_a and campaign.created_by == world["clerk_a"]
    page = client.get(response.url).content.decode()
    assert "2026年意愿调查" in page and "华光路一号院" in page and "意愿调查" in page


def test_the_form_names_a_compound_not_yet_built_for_a_satisfaction_survey(world, client_for):
    compound = compound_in(world.community_a, name="在建小区")
    project_in(compound, stage=Project.Stage.CONSTRUCTION)
    response = client_for("clerk_a").post(
        f"{LIST}new/",
        {"kind": "satisfaction", "title": "满意度", "compounds": [compound.pk],
         "opens_on": TODAY.isoformat(), "closes_on": TODAY.isoformat()},
    )  # fmt: skip
    assert response.status_code == 200
    assert "在建小区" in response.content.decode() and "尚未完工" in response.content.decode()
    assert not SurveyCampaign.objects.exists()


def test_the_form_refuses_a_close_before_the_opening(world, client_for):
    compound = compound_in(world.community_a)
    response = client_for("clerk_a").post(
        f"{LIST}new/",
        {"kind": "needs", "title": "x", "compounds": [compound.pk],
         "opens_on": TODAY.isoformat(), "closes_on": (TODAY - DAY).isoformat()},
    )  # fmt: skip
    assert response.status_code == 200 and "调查的结束日期不能早于开始日期" in response.content.decode()


def test_the_list_filters_by_kind_status_and_compound(world, client_for):
    one, two = compound_in(world.community_a), compound_in(world.community_a)
    campaign_for(one, title="进行中的意愿调查")
    campaign_for(two, title="已结束的调查", opens_on=TODAY - 60 * DAY, closes_on=TODAY - 30 * DAY)
    project_in(two, stage=Project.Stage.CLOSED)
    campaign_for(two, kind=SurveyCampaign.Kind.SATISFACTION, title="将来的满意度调查",
                 opens_on=TODAY + 5 * DAY, closes_on=TODAY + 9 * DAY)  # fmt: skip
    client = client_for("clerk_a")

    def titles(**params):
        page = client.get(LIST, params).content.decode()
        return {t for t in ("进行中的意愿调查", "已结束的调查", "将来的满意度调查") if t in page}

    assert titles() == {"进行中的意愿调查", "已结束的调查", "将来的满意度调查"}
    assert titles(kind="satisfaction") == {"将来的满意度调查"}
    assert titles(status="open") == {"进行中的意愿调查"}
    assert titles(status="closed") == {"已结束的调查"}
    assert titles(status="upcoming") == {"将来的满意度调查"}
    assert titles(compounds=[two.pk]) == {"已结束的调查", "将来的满意度调查"}


def test_clerk_cannot_see_other_streets_surveys(world, client_for):
    campaign_for(compound_in(world.community_b), title="公园街道的调查")
    assert "公园街道的调查" not in client_for("clerk_a").get(LIST).content.decode()
    assert "公园街道的调查" in client_for("district").get(LIST).content.decode()


@pytest.mark.parametrize("persona", ["clerk_a", "city"])
def test_the_list_runs_the_same_queries_for_1_and_20_campaigns(world, client_for, persona):
    def rows(count):
        for _n in range(count):
            household = household_in(community=world.community_a)
            campaign = campaign_for(household.compound, compound_in(world.community_a))
            answer(campaign, household, world["clerk_a"])

    assert_list_queries_constant(client_for(persona), LIST, rows)
    assert_list_queries_constant(client_for(persona), LIST, lambda n: None, status="open", kind="needs")


def test_the_campaign_page_counts_households_and_answers_per_compound(world, client_for):
    one, two = compound_in(world.community_a, name="一号院"), compound_in(world.community_a, name="二号院")
    households = [household_in(one) for _n in range(3)] + [household_in(two)]
    campaign = campaign_for(one, two)
    for household in households[:2]:
        answer(campaign, household, world["clerk_a"])
    page = client_for("clerk_a").get(campaign.get_absolute_url())
    rows = page.context["compounds"]
    assert {(c.name, c.household_total, c.answer_total) for c in rows} == {("一号院", 3, 2), ("二号院", 1, 0)}
    assert page.context["campaign"].answer_count == 2


def test_the_answers_show_names_in_full_to_the_clerk_and_masked_to_the_district(world, client_for):
    household = household_in(community=world.community_a, head_name="王建国")
    campaign = campaign_for(household.compound)
    answer(campaign, household, world["clerk_a"], comment="楼道灯坏了")
    clerk_page = client_for("clerk_a").get(campaign.get_absolute_url()).content.decode()
    assert "王建国" in clerk_page and "楼道灯坏了" in clerk_page
    for persona in ("district", "city", "leader", "auditor"):
        page = client_for(persona).get(campaign.get_absolute_url()).content.decode()
        assert "王建国" not in page and "王**" in page, persona


def test_a_clerk_reads_only_her_streets_answers_of_a_district_batch(world, client_for):
    mine, theirs = household_in(community=world.community_a), household_in(community=world.community_b)
    campaign = campaign_for(mine.compound, theirs.compound)
    answer(campaign, mine, world["clerk_a"])
    answer(campaign, theirs, world["clerk_b"])
    page = client_for("clerk_b").get(campaign.get_absolute_url())
    assert [a.household for a in page.context["answers"]] == [theirs]
    assert not page.context["can_change"] and not page.context["can_delete"]
    assert page.status_code == 200


def test_the_answers_are_paged_fifty_at_a_time(world, client_for):
    compound = compound_in(world.community_a)
    campaign = campaign_for(compound)
    for _n in range(51):
        answer(campaign, household_in(compound), world["clerk_a"])
    client = client_for("clerk_a")
    assert len(client.get(campaign.get_absolute_url()).context["answers"]) == 50
    assert len(client.get(campaign.get_absolute_url(), {"page": 2}).context["answers"]) == 1


def test_the_answers_export_from_the_campaign_page_without_personal_data(world, client_for):
    household = household_in(community=world.community_a, head_name="王建国", phone="13912345678")
    campaign = campaign_for(household.compound)
    answer(campaign, household, world["clerk_a"], comment="=1+1")
    response = client_for("district").get(campaign.get_absolute_url(), {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == campaign.pk
    text = repr(rows)
    assert "王建国" not in text and "13912345678" not in text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_a_campaign_with_answers_offers_no_delete(world, client_for):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound)
    client = client_for("clerk_a")
    assert client.get(campaign.get_absolute_url()).context["can_delete"]
    answer(campaign, household, world["clerk_a"])
    assert not client.get(campaign.get_absolute_url()).context["can_delete"]
    client.post(f"{LIST}{campaign.pk}/delete/")
    assert SurveyCampaign.objects.filter(pk=campaign.pk).exists()
    assert SurveyResponse.objects.count() == 1


def test_the_menu_offers_household_surveys(world, client_for):
    assert "入户调查" in client_for("clerk_a").get("/").content.decode()


def test_an_answer_taken_by_phone_reads_as_such(world, client_for):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound)
    answer(campaign, household, world["clerk_a"], origin="phone")
    page = client_for("clerk_a").get(campaign.get_absolute_url()).content.decode()
    assert "<td>电话</td>" in page


def test_an_answer_whose_clerk_is_gone_reads_with_a_dash(world, client_for):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound)
    answer(campaign, household, world["clerk_a"])
    SurveyResponse.objects.filter(campaign=campaign).update(entered_by=None)
    page = client_for("clerk_a").get(campaign.get_absolute_url())
    assert page.status_code == 200


def test_the_template_of_a_survey_without_households_yet_carries_its_number(world, client_for):
    campaign = campaign_for(compound_in(world.community_a))
    response = client_for("clerk_a").get(f"{LIST}{campaign.pk}/template.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "调查编号" and rows[1][0] == campaign.pk and rows[1][1] is None


def test_the_campaign_page_leads_to_the_entry_grid_and_the_results(world, client_for):
    campaign = campaign_for(household_in(community=world.community_a).compound)
    entry, results = f"{LIST}{campaign.pk}/entry/", f"/residents/campaigns/{campaign.pk}/results/"
    clerk_page = client_for("clerk_a").get(campaign.get_absolute_url()).content.decode()
    assert f'href="{entry}"' in clerk_page and f'href="{results}"' in clerk_page
    leader_page = client_for("leader").get(campaign.get_absolute_url()).content.decode()
    assert f'href="{entry}"' not in leader_page and f'href="{results}"' in leader_page


@pytest.mark.parametrize("persona", ["clerk_a", "district"])
def test_the_campaign_page_runs_the_same_queries_for_1_and_20_answers(world, client_for, persona):
    compound = compound_in(world.community_a)
    campaign = campaign_for(compound)
    items = list(RenovationItem.objects.filter(active=True)[:2])

    def rows(count):
        for _n in range(count):
            answer(
                campaign, household_in(compound), world["clerk_a"], wanted_items=items, comment="希望加装电梯"
            )

    assert_list_queries_constant(client_for(persona), campaign.get_absolute_url(), rows)
