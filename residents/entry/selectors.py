"""The reads of the entry grid: the campaign in the user's scope, the compounds of it she enters
for, their households as the codes she types, the numbered catalogue and the categories scored."""

from django.shortcuts import get_object_or_404

from projects.models import Compound, ItemCategory, RenovationItem
from residents.households.selectors import households_for
from residents.models import SurveyCampaign, SurveyResponse
from residents.surveys.rules import category_score_key

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


EXISTING_LIMIT = 500


def existing_rows(user, campaign, items, categories):
    """The answers to ``campaign`` saved from a grid (they have an entry key) that ``user`` may
    change, as grid rows to correct: {key, compound, values: {cell: text}}, at most
    ``EXISTING_LIMIT``, by address. ``items`` is the numbered catalogue ({number: item})."""
    number_of = {item.pk: number for number, item in items.items()}
    answers = (
        SurveyResponse.objects.restrict(user, "change")
        .filter(campaign=campaign, entry_key__isnull=False)
        .select_related("household__building")
        .prefetch_related("wanted_items", "category_scores")
        .order_by("household__building__number", "household__unit", "household__room", "pk")[:EXISTING_LIMIT]
    )
    rows = []
    for answer in answers:
        willing = {True: "1", False: "2"}.get(answer.willing_to_contribute, "")
        values = {
            "household": household_code(answer.household),
            "origin": answer.origin,
            "answered_on": answer.answered_on.isoformat(),
            "agrees": answer.agrees,
            "wanted_items": " ".join(
                str(number)
                for number in sorted(
                    number_of[item.pk] for item in answer.wanted_items.all() if item.pk in number_of
                )
            ),
            "willing_to_contribute": willing,
            "contribution_amount": ""
            if answer.contribution_amount is None
            else str(answer.contribution_amount),
            "overall_score": "" if answer.overall_score is None else str(answer.overall_score),
            "comment": answer.comment,
        }
        scores = {score.category_id: score.score for score in answer.category_scores.all()}
        for category in categories:
            values[category_score_key(category)] = str(scores.get(category.pk, ""))
        rows.append(
            {"key": str(answer.entry_key), "compound": answer.household.compound_id, "values": values}
        )
    return rows
