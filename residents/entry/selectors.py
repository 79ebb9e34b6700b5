"""The reads of the entry grid: the campaign in the user's scope, the compounds of it she enters
for, their households as the codes she types, the numbered catalogue and the categories scored."""

from django.shortcuts import get_object_or_404

from projects.models import Compound, ItemCategory, RenovationItem
from residents.households.selectors import households_for
from residents.models import SurveyCampaign, SurveyResponse

from .lookup import household_code


def campaign_for_entry(user, pk):
    """The campaign ``pk`` if ``user`` reads it (404 otherwise)."""
    return get_object_or_404(SurveyCampaign.objects.restrict(user).select_related("region"), pk=pk)


def entry_compounds(user, campaign):
    """The campaign's compounds whose households ``user`` may answer for (her street's, in a batch)."""
    reachable = Compound.objects.restrict(user).values("pk")
    return list(campaign.compounds.filter(pk__in=reachable).order_by("name", "pk"))


def catalogue_items():
    """The catalogue's items offered today, in its order: the numbers of the paper questionnaire."""
    return list(RenovationItem.objects.filter(active=True).select_related("category"))


def scored_categories():
    return list(ItemCategory.objects.all())


def household_choices(user, compounds):
    """{compound pk: [(code, address)]} of the households ``user`` may answer for."""
    choices = {compound.pk: [] for compound in compounds}
    households = households_for(user, "change").filter(compound__in=compounds)
    for household in households:
        choices[household.compound_id].append((household_code(household), household.address))
    return choices


def answers_entered(user, campaign):
    """How many answers to ``campaign`` ``user`` reads (her street's, in a batch)."""
    return SurveyResponse.objects.restrict(user).filter(campaign=campaign).count()
