"""The survey results' figures: rates over all households, the city's thresholds, constant queries."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from residents.models import CategoryScore, Household, ResidentPolicy, SurveyCampaign, SurveyResponse
from residents.results.selectors import campaign_results, compound_support, rate
from tests.factories import city_policy, compound_in, renovation_item
from tests.residents.factories import building_in, campaign_for, household_in

TODAY = datetime.date.today()


def answer(campaign, household, agrees="yes", **fields):
    return SurveyResponse.objects.create(
        campaign=campaign, household=household, answered_on=TODAY, agrees=agrees, **fields
    )


def households(compound, n, building=None):
    building = building or building_in(compound)
    return Household.objects.bulk_create(
        Household(compound=compound, building=building, unit="1单元", room=str(1000 + i)) for i in range(n)
    )


def test_rates_are_over_all_households_rounded_to_a_hundredth_of_a_percent():
    assert rate(2, 3) == Decimal("66.67")
    assert rate(1, 0) is None


def test_two_agreeing_households_of_three_pass_the_default_two_thirds(world):
    compound = compound_in(world.community_a)
    homes = households(compound, 3)
    campaign = campaign_for(compound)
    answer(campaign, homes[0])
    answer(campaign, homes[1])
    answer(campaign, homes[2], agrees="no")
    support = compound_support([compound])[compound.pk]
    assert (support.households, support.answered, support.agreeing) == (3, 3, 2)
    assert support.support == Decimal("66.67") and support.passes
    assert support.campaign_id == campaign.pk and not support.households_from_registry


def test_support_counts_households_that_did_not_answer(world):
    compound = compound_in(world.community_a)
    homes = households(compound, 12)
    campaign = campaign_for(compound)
    for home in homes[:7]:
        answer(campaign, home)
    support = compound_support([compound.pk])[compound.pk]
    assert support.support == Decimal("58.33") and support.participation == Decimal("58.33")
    assert not support.passes


def test_a_city_policy_with_a_lower_threshold_lets_the_compound_pass(world):
    compound = compound_in(world.community_a)
    homes = households(compound, 12)
    campaign = campaign_for(compound)
    for home in homes[:7]:
        answer(campaign, home)
    rules = city_policy(world.city)
    ResidentPolicy.objects.create(
        policy=rules.policy, support_threshold=Decimal("55"), min_participation=Decimal("50")
    )
    assert compound_support([compound])[compound.pk].passes


def test_a_compound_without_household_rows_falls_back_to_the_registry_count(world):
    compound = compound_in(world.community_a, household_count=40)
    support = compound_support([compound])[compound.pk]
    assert support.households == 40 and support.households_from_registry
    assert support.support == Decimal("0.00") and not support.passes and support.campaign_id is None


def test_the_newest_needs_campaign_counts_and_satisfaction_surveys_do_not(world):
    compound = compound_in(world.community_a)
    homes = households(compound, 2)
    old = campaign_for(compound, opens_on=TODAY - datetime.timedelta(days=400),
                       closes_on=TODAY - datetime.timedelta(days=300))  # fmt: skip
    answer(old, homes[0])
    answer(old, homes[1])
    new = campaign_for(compound)
    answer(new, homes[0], agrees="no")
    campaign_for(compound, kind=SurveyCampaign.Kind.SATISFACTION)
    assert compound_support([compound])[compound.pk].campaign_id == new.pk
    assert compound_support([compound], closed_only=True)[compound.pk].campaign_id == old.pk


def test_a_campaigns_results_per_compound_building_and_item(world):
    compound = compound_in(world.community_a, name="华光路小区")
    one, two = building_in(compound, "1号楼"), building_in(compound, "2号楼")
    homes = [*households(compound, 2, one), household_in(compound, building=two)]
    lift, pipes = renovation_item(name="加装电梯"), renovation_item(name="更换管网")
    campaign = campaign_for(compound)
    first = answer(campaign, homes[0], willing_to_contribute=True, contribution_amount=Decimal("1500"))
    first.wanted_items.set([lift, pipes])
    second = answer(campaign, homes[2], agrees="undecided", willing_to_contribute=True)
    second.wanted_items.set([lift])
    results = campaign_results(campaign)
    row = results.compounds[0]
    assert (row.households, row.answered, row.agreeing, row.willing) == (3, 2, 1, 2)
    assert row.amount_total == Decimal("1500") and row.amount_average == Decimal("1500.00")
    assert [(item.item, item.count, item.share) for item in row.items] == [
        ("加装电梯", 2, Decimal("100.00")), ("更换管网", 1, Decimal("50.00"))
    ]  # fmt: skip
    assert [(b.name, b.households, b.answered) for b in results.buildings[compound.pk]] == [
        ("1号楼", 2, 1), ("2号楼", 1, 1)
    ]  # fmt: skip
    assert results.total.answered == 2 and results.total.items[0].count == 2


def test_a_satisfaction_campaigns_scores(world):
    compound = compound_in(world.community_a)
    homes = households(compound, 3)
    category = renovation_item().category
    campaign = campaign_for(compound, kind=SurveyCampaign.Kind.SATISFACTION)
    for home, score in zip(homes, (5, 4, 4), strict=True):
        response = answer(campaign, home, agrees="", overall_score=score)
        CategoryScore.objects.create(response=response, category=category, score=score)
    row = campaign_results(campaign).compounds[0]
    assert row.overall_average == Decimal("4.33") and row.distribution == (0, 0, 0, 2, 1)
    assert row.categories == [(category.name, Decimal("4.33"), 3)]


def _queries(fn):
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_results_of_2000_households_take_as_many_queries_as_of_20(world):
    small, large = compound_in(world.community_a), compound_in(world.community_a)
    item = renovation_item()
    counts = []
    for compound, n in ((small, 20), (large, 2000)):
        homes = households(compound, n)
        campaign = campaign_for(compound)
        SurveyResponse.objects.bulk_create(
            SurveyResponse(campaign=campaign, household=home, answered_on=TODAY, agrees="yes")
            for home in homes
        )
        SurveyResponse.wanted_items.through.objects.bulk_create(
            SurveyResponse.wanted_items.through(surveyresponse=r, renovationitem=item)
            for r in SurveyResponse.objects.filter(campaign=campaign)
        )
        counts.append(
            (
                _queries(lambda c=campaign: campaign_results(c)),
                _queries(lambda c=compound: compound_support([c])),
            )
        )
        assert campaign_results(campaign).compounds[0].agreeing == n
    assert counts[0] == counts[1]
