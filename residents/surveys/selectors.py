"""The reads of survey campaigns: the list with its counts, a campaign's compounds with their
households and answers, and the page of its answers, each in a constant number of queries."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from projects.models import Compound
from residents.models import Household, SurveyCampaign, SurveyResponse


def campaigns_for(user, action="view"):
    """The campaigns ``user`` may ``action``, each with its compounds and its number of answers."""
    answers = (
        SurveyResponse.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        SurveyCampaign.objects.restrict(user, action)
        .select_related("region")
        .prefetch_related(Prefetch("compounds", queryset=Compound.objects.order_by("name")))
        .annotate(answer_count=Coalesce(Subquery(answers, output_field=IntegerField()), 0))
    )


def _count(queryset, field):
    return Coalesce(
        Subquery(
            queryset.order_by().values(field).annotate(n=Count("pk")).values("n"), output_field=IntegerField()
        ),
        0,
    )


def campaign_compounds(campaign):
    """The campaign's compounds, each with its households and the answers of its households."""
    households = Household.objects.filter(compound=OuterRef("pk"))
    answers = SurveyResponse.objects.filter(campaign=campaign, household__compound=OuterRef("pk"))
    return (
        campaign.compounds.select_related("community__parent")
        .annotate(household_total=_count(households, "compound"), answer_total=_count(answers, "campaign"))
        .order_by("community__path", "name")
    )


def campaign_answers(user, campaign):
    """The answers of ``campaign`` that ``user`` may read (a street clerk: her street's households)."""
    return (
        SurveyResponse.objects.restrict(user)
        .filter(campaign=campaign)
        .select_related("household__building", "household__compound", "entered_by")
        .prefetch_related("wanted_items", "category_scores__category")
        .order_by(
            "household__compound__name",
            "household__building__number",
            "household__unit",
            "household__room",
            "pk",
        )
    )
