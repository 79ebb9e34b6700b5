"""The results page and its export, the project's support page, the "residents agree" guard on
declaring, and residents' section of the city policy."""

import datetime
import io
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.lifecycle.transitions import blockers, transition_for, warnings_for
from projects.models import Project
from residents.models import Household, ResidentPolicy, SurveyResponse
from tests.factories import city_policy, compound_in, project_in
from tests.residents.factories import building_in, campaign_for

TODAY = datetime.date.today()
PAST = {"opens_on": TODAY - datetime.timedelta(days=60), "closes_on": TODAY - datetime.timedelta(days=30)}


def surveyed(compound, households, agreeing, answered=None, **campaign_fields):
    """``households`` households of ``compound``, ``agreeing`` of them agreeing in a closed needs
    survey (and ``answered`` in all)."""
    building = building_in(compound)
    homes = Household.objects.bulk_create(
        Household(compound=compound, building=building, unit="1单元", room=str(500 + i), head_name="李秀英",
                  phone="13912345678")
        for i in range(households)
    )  # fmt: skip
    campaign = campaign_for(compound, **{**PAST, **campaign_fields})
    answered = agreeing if answered is None else answered
    SurveyResponse.objects.bulk_create(
        SurveyResponse(campaign=campaign, household=home, answered_on=campaign.opens_on,
                       agrees="yes" if i < agreeing else "no")
        for i, home in enumerate(homes[:answered])
    )  # fmt: skip
    return campaign


def residents_rules(world, **fields):
    rules = city_policy(world.city)
    return ResidentPolicy.objects.create(policy=rules.policy, **fields)


def declaring_project(*compounds):
    return project_in(*compounds, stage=Project.Stage.DECLARATION)


def test_the_results_page_shows_the_support_rate_against_the_threshold_in_chinese(world, client_for):
    compound = compound_in(world.community_a, name="华光路小区")
    campaign = surveyed(compound, 12, 7, answered=12)
    page = client_for("clerk_a").get(reverse("residents:campaign_results", args=[campaign.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "华光路小区" in text and "58.33" in text
    assert "未达到支持率门槛 66.67%" in text


def test_a_clerk_reads_only_her_streets_compounds_of_a_batch(world, client_for):
    mine = compound_in(world.community_a, name="车站街道小区")
    theirs = compound_in(world.community_b, name="公园街道小区")
    campaign = campaign_for(mine, theirs)
    text = (
        client_for("clerk_a").get(reverse("residents:campaign_results", args=[campaign.pk])).content.decode()
    )
    assert "车站街道小区" in text and "公园街道小区" not in text
    assert (
        client_for("clerk_b")
        .get(reverse("residents:campaign_results", args=[campaign_for(mine).pk]))
        .status_code
        == 404
    )


def test_the_results_export_has_the_same_figures_and_escapes_cells(world, client_for):
    from openpyxl import load_workbook

    compound = compound_in(world.community_a, name="=HYPERLINK(1)")
    campaign = surveyed(compound, 3, 2)
    response = client_for("district").get(
        reverse("residents:campaign_results", args=[campaign.pk]), {"export": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[1][1] == 3 and float(rows[1][7]) == 66.67
    assert "达到支持率门槛" not in str(rows[0]) and rows[1][-2] == "达到门槛"


def test_the_results_page_takes_as_many_queries_for_2000_households_as_for_20(world, client_for):
    client = client_for("district")
    counts = []
    for n in (20, 2000):
        campaign = surveyed(compound_in(world.community_a), n, n // 2)
        url = reverse("residents:campaign_results", args=[campaign.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_compound_below_the_threshold_blocks_the_declaration_and_names_its_rates(world):
    residents_rules(world)
    low = compound_in(world.community_a, name="华光路小区")
    surveyed(low, 12, 7)
    high = compound_in(world.community_a, name="幸福小区")
    surveyed(high, 3, 3)
    project = declaring_project(low, high)
    reasons = blockers(transition_for("declare"), project, world["district"])
    assert "华光路小区：支持率 58.33%，低于 66.67%" in reasons
    assert "华光路小区：参与率 58.33%，低于 66.67%" in reasons
    assert not any("幸福小区" in reason for reason in reasons)
    assert all(r.fix == "residents:project_support" for r in reasons if "华光路小区" in r)


def test_a_compound_without_a_closed_needs_survey_blocks_the_declaration(world):
    residents_rules(world)
    compound = compound_in(world.community_a, name="华光路小区")
    surveyed(compound, 3, 3, opens_on=TODAY - datetime.timedelta(days=1), closes_on=TODAY)
    reasons = blockers(transition_for("declare"), declaring_project(compound), world["district"])
    assert any("华光路小区" in reason and "尚无" in reason for reason in reasons)


def test_no_residents_rules_or_rules_that_do_not_block_leave_the_declaration_free(world):
    compound = compound_in(world.community_a)
    project = declaring_project(compound)
    assert not any(
        "支持率" in r or "意愿调查" in r
        for r in blockers(transition_for("declare"), project, world["district"])
    )
    residents_rules(world, support_blocks_plan=False)
    assert not any(
        "支持率" in r or "意愿调查" in r
        for r in blockers(transition_for("declare"), project, world["district"])
    )


def test_a_lower_city_threshold_lets_the_project_be_declared(world):
    residents_rules(world, support_threshold=Decimal("55"), min_participation=Decimal("50"))
    compound = compound_in(world.community_a)
    surveyed(compound, 12, 7)
    project = declaring_project(compound)
    assert not any(
        compound.name in r for r in blockers(transition_for("declare"), project, world["district"])
    )


def test_finishing_the_survey_warns_of_a_compound_without_a_needs_survey(world):
    residents_rules(world)
    compound = compound_in(world.community_a, name="无调查小区")
    project = project_in(compound, stage=Project.Stage.SURVEY)
    assert warnings_for(transition_for("finish_survey"), project) == ["无调查小区尚无意愿调查。"]


def test_the_project_support_page_links_each_compound_to_its_results(world, client_for):
    compound = compound_in(world.community_a, name="华光路小区")
    campaign = surveyed(compound, 12, 7)
    project = declaring_project(compound)
    page = client_for("clerk_a").get(reverse("residents:project_support", args=[project.pk])).content.decode()
    assert reverse("residents:campaign_results", args=[campaign.pk]) in page and "58.33" in page
    assert (
        client_for("finance").get(reverse("residents:project_support", args=[project.pk])).status_code == 403
    )


def test_the_policy_page_edits_the_residents_section_with_units_beside_the_boxes(world, client_for):
    rules = city_policy(world.city)
    client = client_for("city")
    form = client.get(reverse("org:citypolicy_edit", args=[rules.policy.pk])).content.decode()
    assert 'name="support_threshold"' in form and "年" in form
    page = client.get(reverse("org:citypolicy_detail", args=[rules.policy.pk])).content.decode()
    assert 'id="policy-residents"' in page and "66.67 %（未设置）" in page
