"""The compound list ranks and filters candidates by residents' support (projects.registry.columns)."""

import datetime
import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from org.policy import policy_changed
from projects.models import Compound
from residents.models import Household, ResidentPolicy, SurveyResponse
from residents.results.ranking import annotate_support
from residents.results.support import support_refresh
from tests.factories import city_policy, compound_in
from tests.residents.factories import building_in, campaign_for

TODAY = datetime.date.today()


def surveyed(compound, households, agreeing, answered=None):
    building = building_in(compound)
    homes = Household.objects.bulk_create(
        Household(compound=compound, building=building, unit="1单元", room=str(700 + i))
        for i in range(households)
    )
    campaign = campaign_for(compound)
    answered = agreeing if answered is None else answered
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            campaign=campaign, household=home, answered_on=TODAY, agrees="yes" if i < agreeing else "no"
        )
        for i, home in enumerate(homes[:answered])
    )
    support_refresh([compound])  # rows written past the services: count them as they would
    return compound


def names(response):
    return re.findall(r'<a href="/projects/compounds/\d+/">([^<]+)</a>', response.content.decode())


def test_support_rates_are_rounded_in_the_database_as_the_results_round_them(world):
    surveyed(compound_in(world.community_a, name="三分之二小区"), 3, 2)
    surveyed(compound_in(world.community_a, name="七成小区"), 12, 7)
    compound_in(world.community_a, name="未调查小区", household_count=50)
    rates = dict(annotate_support(Compound.objects.all()).values_list("name", "support_rate"))
    assert rates == {
        "三分之二小区": Decimal("66.67"),
        "七成小区": Decimal("58.33"),
        "未调查小区": Decimal("0"),
    }


def test_the_compound_list_sorts_by_support_and_filters_by_the_threshold(world, client_for):
    surveyed(compound_in(world.community_a, name="高支持小区"), 3, 3)
    surveyed(compound_in(world.community_a, name="低支持小区"), 12, 7, answered=12)
    surveyed(compound_in(world.community_a, name="达标小区"), 3, 2)
    client = client_for("district")
    url = reverse("projects:compound_list")
    assert names(client.get(url, {"sort": "-support_rate"}))[:3] == ["高支持小区", "达标小区", "低支持小区"]
    assert names(client.get(url, {"support_min": "60"})) == ["达标小区", "高支持小区"]
    assert set(names(client.get(url, {"support_passes": "yes"}))) == {"高支持小区", "达标小区"}
    assert "低支持小区" in names(client.get(url, {"support_passes": "no"}))
    rules = city_policy(world.city)
    ResidentPolicy.objects.create(
        policy=rules.policy, support_threshold=Decimal("50"), min_participation=Decimal("50")
    )
    policy_changed(actor=None, city_id=world.city.pk)  # as the policy's services tell its listeners
    assert "低支持小区" in names(client.get(url, {"support_passes": "yes"}))


def test_the_support_column_keeps_the_list_at_a_constant_number_of_queries(world, client_for):
    client = client_for("district")
    url = reverse("projects:compound_list")
    counts = []
    for n in (1, 20):
        for _ in range(n - len(counts) * 1):
            surveyed(compound_in(world.community_a), 3, 2)
        client.get(url, {"sort": "-support_rate"})
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"sort": "-support_rate", "support_passes": "yes"}).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_roles_that_do_not_read_surveys_see_no_support_column(world, client_for):
    page = client_for("finance").get(reverse("projects:compound_list")).content.decode()
    assert "支持率" not in page
    assert "支持率（%）" in client_for("leader").get(reverse("projects:compound_list")).content.decode()
