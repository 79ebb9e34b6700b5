"""generate_synthetic gives every compound in a synthetic project its households as rows, needs
surveys to the projects past their survey and satisfaction surveys to the completed ones; the same
seed gives the same people; --replace deletes them with the projects."""

import re
from io import StringIO

from django.core.management import call_command
from django.db.models import Count, F, Q, Sum

from projects.demo.synthetic_regions import delete_synthetic_data
from projects.models import Building, Compound, Project
from residents.models import CategoryScore, Household, SurveyCampaign, SurveyResponse
from residents.models.policy import TWO_THIRDS
from residents.synthetic import Wanted

SYNTHETIC = "379900/"


def generate(*args):
    out = StringIO()
    call_command("generate_synthetic", "--scale", "district", *args, stdout=out)
    return out.getvalue()


def people():
    """What the synthetic residents are, without their keys and times."""
    households = list(
        Household.objects.filter(compound__city__path__startswith=SYNTHETIC)
        .order_by("compound__code", "building__number", "unit", "room")
        .values_list("compound__code", "building__number", "unit", "room", "head_name", "phone", "size",
                     "has_elderly", "has_disabled", "tenure")
    )  # fmt: skip
    answers = list(
        SurveyResponse.objects.filter(household__compound__city__path__startswith=SYNTHETIC)
        .annotate(wanted=Count("wanted_items"))
        .order_by("household__compound__code", "household__building__number", "household__unit",
                  "household__room", "campaign__kind")
        .values_list("campaign__kind", "answered_on", "agrees", "origin", "contribution_amount", "overall_score",
                     "wanted")
    )  # fmt: skip
    return households, answers


def test_every_compound_in_a_synthetic_project_has_its_households_and_surveys(db):
    output = generate("--seed", "3")
    assert re.search(r"\d+ household rows, \d+ survey campaigns, \d+ survey answers", output)
    in_projects = Compound.objects.filter(city__path__startswith=SYNTHETIC, projects__isnull=False).distinct()
    households = Household.objects.filter(compound__city__path__startswith=SYNTHETIC)
    # As many households as the buildings say, each in its own room, a valid phone or none.
    expected = Building.objects.filter(compound__in=in_projects).aggregate(n=Sum("household_count"))["n"]
    assert households.count() == expected > 10_000
    assert not households.exclude(compound__in=in_projects).exists()
    assert not households.exclude(phone="").exclude(phone__regex=r"^1\d{10}$").exists()
    assert households.filter(phone="").count() < households.count() * 0.06
    assert households.filter(has_elderly=True).exists() and households.filter(tenure="tenant").exists()

    projects = Project.objects.filter(city__path__startswith=SYNTHETIC)
    campaigns = SurveyCampaign.objects.filter(compounds__city__path__startswith=SYNTHETIC).distinct()
    needs = campaigns.filter(kind=SurveyCampaign.Kind.NEEDS)
    past_survey = projects.exclude(stage__in=("survey", "acceptance", "handover", "audit", "closed"))
    assert needs.count() == past_survey.count() + projects.filter(stage="survey").count()
    assert (
        campaigns.filter(kind=SurveyCampaign.Kind.SATISFACTION).count()
        == projects.filter(
            completed_on__isnull=False, stage__in=("acceptance", "handover", "audit", "closed")
        ).count()
    )
    answers = SurveyResponse.objects.filter(campaign__in=campaigns)
    assert not answers.filter(Q(answered_on__lt=F("campaign__opens_on")) | Q(answered_on__gt=F("campaign__closes_on"))).exists()  # fmt: skip
    # Projects past their declaration all had two thirds of each compound agree.
    for project in projects.filter(stage__in=("review", "procurement", "construction"))[:20]:
        for compound in project.compounds.all():
            total = households.filter(compound=compound).count()
            agreeing = answers.filter(household__compound=compound, agrees="yes").count()
            assert 100 * agreeing / total >= TWO_THIRDS, (project, compound)
    # Answers pick items; satisfaction answers carry a score per category, 1 to 5.
    assert Wanted.objects.filter(surveyresponse__in=answers).count() > answers.filter(agrees="yes").count()
    satisfaction = answers.filter(campaign__kind=SurveyCampaign.Kind.SATISFACTION)
    assert satisfaction.filter(overall_score__gte=4).count() > satisfaction.count() * 0.75
    assert CategoryScore.objects.filter(response__in=satisfaction).count() >= satisfaction.count()


def test_the_same_seed_gives_the_same_residents_and_replace_deletes_them(db):
    generate("--seed", "4")
    first = people()
    before = Household.objects.count()
    output = generate("--seed", "4", "--replace")
    assert "household rows" in output.split("Deleted:")[1].split("\n")[0]
    assert people() == first and Household.objects.count() == before
    # New rows after the generated ones take the next keys.
    household = Household.objects.order_by("pk").last()
    copy = Household.objects.create(
        compound=household.compound, building=household.building, unit="9单元", room="999", head_name="王明"
    )
    assert copy.pk > household.pk
    copy.delete()

    deleted = delete_synthetic_data()
    assert deleted["household rows"] > 10_000 and deleted["survey answers"] > 1000
    assert not Household.objects.exists() and not SurveyResponse.objects.exists()
    assert not SurveyCampaign.objects.exists() and not CategoryScore.objects.exists()
