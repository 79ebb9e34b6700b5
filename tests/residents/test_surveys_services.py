"""Survey campaigns and answers as their services write them, and the answer rules they share."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEntry
from projects.models import ItemCategory, Project, RenovationItem
from residents.models import CategoryScore, SurveyCampaign, SurveyResponse
from residents.surveys.rules import category_score_key, check_answer
from residents.surveys.services import campaign_delete, campaign_save, response_delete, response_save
from tests.factories import compound_in, project_in
from tests.residents.factories import campaign_for, household_in

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def needs_values(**values):
    return {"origin": "paper", "answered_on": TODAY, "agrees": "yes", **values}


def test_clerk_creates_a_needs_survey_of_her_street(world):
    one, two = compound_in(world.community_a), compound_in(world.community_a)
    campaign = campaign_save(
        actor=world["clerk_a"], compounds=[one, two], kind="needs", title="意愿调查",
        opens_on=TODAY, closes_on=TODAY + 10 * DAY,
    )  # fmt: skip
    assert campaign.region == world.street_a
    assert set(campaign.compounds.all()) == {one, two}
    assert AuditEntry.objects.filter(object_id=str(campaign.pk), action=AuditEntry.Action.CREATE).exists()


def test_district_survey_across_streets_has_the_district_as_its_area(world):
    one, two = compound_in(world.community_a), compound_in(world.community_b)
    campaign = campaign_save(
        actor=world["district"], compounds=[one, two], kind="needs", title="批次调查",
        opens_on=TODAY, closes_on=TODAY,
    )  # fmt: skip
    assert campaign.region == world.district_a


def test_clerk_cannot_survey_a_compound_of_another_street(world):
    other = compound_in(world.community_b, name="公园小区")
    with pytest.raises(ValidationError) as error:
        campaign_save(
            actor=world["clerk_a"],
            compounds=[other],
            kind="needs",
            title="x",
            opens_on=TODAY,
            closes_on=TODAY,
        )
    assert "公园小区" in str(error.value.message_dict["compounds"])


def test_satisfaction_survey_refuses_a_compound_still_under_construction(world):
    built, building = compound_in(world.community_a), compound_in(world.community_a, name="在建小区")
    project_in(built, stage=Project.Stage.ACCEPTANCE)
    project_in(building, stage=Project.Stage.CONSTRUCTION)
    with pytest.raises(ValidationError) as error:
        campaign_save(
            actor=world["clerk_a"], compounds=[built, building], kind="satisfaction", title="满意度",
            opens_on=TODAY, closes_on=TODAY,
        )  # fmt: skip
    assert "在建小区" in str(error.value.message_dict["compounds"])
    campaign = campaign_save(
        actor=world["clerk_a"], compounds=[built], kind="satisfaction", title="满意度",
        opens_on=TODAY, closes_on=TODAY,
    )  # fmt: skip
    assert campaign.kind == SurveyCampaign.Kind.SATISFACTION


def test_leader_cannot_create_a_survey(world):
    with pytest.raises(PermissionDenied):
        campaign_save(
            actor=world["leader"], compounds=[compound_in(world.community_a)], kind="needs", title="x",
            opens_on=TODAY, closes_on=TODAY,
        )  # fmt: skip


def test_a_survey_with_answers_is_kept_and_keeps_its_answers_dates(world):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound)
    response_save(actor=world["clerk_a"], campaign=campaign, household=household, values=needs_values())
    with pytest.raises(ValidationError):
        campaign_delete(actor=world["clerk_a"], instance=campaign)
    with pytest.raises(ValidationError):
        campaign_save(
            actor=world["clerk_a"], instance=campaign, compounds=[household.compound],
            opens_on=TODAY + DAY, closes_on=TODAY + 2 * DAY,
        )  # fmt: skip


def test_an_unanswered_survey_can_be_deleted(world):
    campaign = campaign_for(compound_in(world.community_a))
    campaign_delete(actor=world["clerk_a"], instance=campaign)
    assert not SurveyCampaign.objects.filter(pk=campaign.pk).exists()


def test_clerk_b_cannot_delete_a_survey_of_street_a(world):
    campaign = campaign_for(compound_in(world.community_a))
    with pytest.raises(PermissionDenied):
        campaign_delete(actor=world["clerk_b"], instance=campaign)


def test_an_answer_is_saved_with_its_items_and_an_audit_entry(world):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound)
    lift = RenovationItem.objects.filter(active=True).first()
    response = response_save(
        actor=world["clerk_a"], campaign=campaign, household=household,
        values=needs_values(wanted_items=[lift], willing_to_contribute=True, contribution_amount=Decimal("1500")),
    )  # fmt: skip
    assert list(response.wanted_items.all()) == [lift]
    assert response.entered_by == world["clerk_a"]
    assert AuditEntry.objects.filter(object_id=str(response.pk)).count() == 1


def test_a_household_answers_a_survey_once(world):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound)
    response_save(actor=world["clerk_a"], campaign=campaign, household=household, values=needs_values())
    with pytest.raises(ValidationError) as error:
        response_save(actor=world["clerk_a"], campaign=campaign, household=household, values=needs_values())
    assert "household" in error.value.message_dict


def test_a_row_sent_twice_with_its_entry_key_saves_one_answer(world):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound)
    key = uuid.uuid4()
    first = response_save(
        actor=world["clerk_a"], campaign=campaign, household=household, values=needs_values(), entry_key=key
    )
    again = response_save(
        actor=world["clerk_a"], campaign=campaign, household=household,
        values=needs_values(agrees="no"), entry_key=key,
    )  # fmt: skip
    assert first.pk == again.pk
    assert SurveyResponse.objects.get().agrees == "no"
    assert AuditEntry.objects.filter(object_id=str(first.pk)).count() == 2
    response_save(
        actor=world["clerk_a"], campaign=campaign, household=household,
        values=needs_values(agrees="no"), entry_key=key,
    )  # fmt: skip
    assert AuditEntry.objects.filter(object_id=str(first.pk)).count() == 2


def test_satisfaction_answer_keeps_a_score_per_category(world):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound, kind=SurveyCampaign.Kind.SATISFACTION)
    basic = ItemCategory.objects.get(code="basic")
    values = {"origin": "door", "answered_on": TODAY, "overall_score": 4, "category_scores": {basic: 5}}
    response = response_save(actor=world["clerk_a"], campaign=campaign, household=household, values=values)
    assert CategoryScore.objects.get(response=response).score == 5


def test_check_answer_names_each_wrong_value(world):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound, kind=SurveyCampaign.Kind.SATISFACTION)
    basic = ItemCategory.objects.get(code="basic")
    errors = check_answer(
        campaign, household,
        {"origin": "paper", "answered_on": campaign.closes_on + DAY, "overall_score": 6,
         "category_scores": {basic.pk: 0}, "agrees": "yes"},
    )  # fmt: skip
    assert set(errors) == {"answered_on", "overall_score", category_score_key(basic), "agrees"}


def test_check_answer_refuses_a_household_of_another_compound(world):
    household = household_in(community=world.community_a)
    campaign = campaign_for(compound_in(world.community_a))
    assert "household" in check_answer(campaign, household, needs_values())


def test_clerk_b_cannot_answer_for_a_household_of_street_a(world):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound)
    with pytest.raises(PermissionDenied):
        response_save(actor=world["clerk_b"], campaign=campaign, household=household, values=needs_values())


def test_an_answer_can_be_deleted_by_its_street(world):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound)
    response = response_save(
        actor=world["clerk_a"], campaign=campaign, household=household, values=needs_values()
    )
    response_delete(actor=world["clerk_a"], response=response)
    assert not SurveyResponse.objects.exists()
