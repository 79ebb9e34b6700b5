"""The fast entry grid: a page a clerk types a stack of paper questionnaires into, one household a
row, and the endpoint each row saves itself to when the clerk leaves it (static/residents/entry.js).

A row answers JSON: 200 with what was saved, or 400 with a Chinese message for each cell that
refused it (``errors``: {cell: message}); the browser keeps the row until it reads a 200."""

import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.permissions import can
from projects.models import Compound
from residents.models import SurveyCampaign, SurveyResponse
from residents.surveys.rules import check_answer
from residents.surveys.services import response_save

from . import selectors
from .forms import EntryRowForm, numbered_items
from .lookup import find_household, household_code

# Keys of the service's errors that have no cell of their own: shown at the household's.
ROW_CELL = "household"
ROW_KEYS = {"compound": ROW_CELL, "entry_key": ROW_CELL, "__all__": ROW_CELL, "category_scores": ROW_CELL}


class EntryView(LoginRequiredMixin, View):
    """Base of the grid's views: the role must add survey answers (403), the campaign must be one
    the user reads (404)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can(request.user, "add", SurveyResponse):
            raise PermissionDenied
        self.campaign = selectors.campaign_for_entry(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class EntryGridView(EntryView):
    http_method_names = ["get", "head", "options"]

    def get(self, request, pk):
        if request.GET.get("token") == "1":
            # The grid's rows kept while the clerk logged in again (a new CSRF token): the page asks
            # for the current one instead of being reloaded.
            return JsonResponse({"csrf": get_token(request)})
        campaign = self.campaign
        compounds = selectors.entry_compounds(request.user, campaign)
        choices = selectors.household_choices(request.user, compounds)
        items = numbered_items(selectors.catalogue_items())
        needs = campaign.kind == SurveyCampaign.Kind.NEEDS
        categories = [] if needs else selectors.scored_categories()
        loading = request.GET.get("existing") == "1"
        existing = selectors.existing_rows(request.user, campaign, items, categories) if loading else []
        return render(
            request,
            "residents/entry/grid.html",
            {
                "campaign": campaign,
                "needs": needs,
                "compounds": [(compound, choices[compound.pk]) for compound in compounds],
                "items": items.items(),
                "categories": categories,
                "loading": loading,
                "existing": json.dumps(existing, ensure_ascii=False),
                "existing_limit": selectors.EXISTING_LIMIT,
                "origins": SurveyResponse.Origin.choices,
                "agreements": SurveyResponse.Agreement.choices,
                "entered": selectors.answers_entered(request.user, campaign),
                # new rows are dated today, or the nearest day the campaign takes answers
                "first_day": min(max(timezone.localdate(), campaign.opens_on), campaign.closes_on),
                "closed": campaign.closes_on < timezone.localdate(),
                "row_url": reverse("residents:campaign_entry_row", args=[campaign.pk]),
                "campaign_url": campaign_page(campaign),
                "storage_key": f"residents-entry:{campaign.pk}:{request.user.pk}",
            },
        )


def campaign_page(campaign):
    """The campaign's own page (residents.surveys), once that part serves it."""
    try:
        return campaign.get_absolute_url()
    except NoReverseMatch:
        return None


class EntryRowView(EntryView):
    """One row saved (or saved again, by its entry key), or refused with a message per cell."""

    http_method_names = ["post", "options"]

    def post(self, request, pk):
        campaign = self.campaign
        needs = campaign.kind == SurveyCampaign.Kind.NEEDS
        form = EntryRowForm(
            request.POST,
            items=selectors.catalogue_items() if needs else [],
            categories=[] if needs else selectors.scored_categories(),
        )
        form.is_valid()
        errors = {ROW_KEYS.get(key, key): str(messages[0]) for key, messages in form.errors.items()}
        household = None
        compound = self.compound(form.cleaned_data.get("compound"))
        if compound is None:
            errors.setdefault(ROW_CELL, _("Choose a compound of this survey in your area."))
        elif "household" in form.cleaned_data:
            household, refusal = find_household(request.user, compound, form.cleaned_data["household"])
            if refusal:
                errors[ROW_CELL] = refusal
        if household is None:
            return self.refused(errors)
        values = form.values()
        if errors:
            # Every cell's message at once: what the rules say about the cells that could be read.
            checked = check_answer(campaign, household, values)
            for key, message in checked.items():
                errors.setdefault(ROW_KEYS.get(key, key), str(message))
            return self.refused(self.name_household(errors, household, values))
        entry_key = values.pop("entry_key")
        try:
            response = response_save(
                actor=request.user, campaign=campaign, household=household, values=values, entry_key=entry_key
            )
        except ValidationError as error:
            refused = {
                ROW_KEYS.get(key, key): str(messages[0])
                for key, messages in getattr(error, "message_dict", {"__all__": error.messages}).items()
            }
            return self.refused(self.name_household(refused, household, {"entry_key": entry_key}))
        return JsonResponse(
            {
                "saved": True,
                "response": response.pk,
                "code": household_code(household),
                "household": household.address,
                "entered": selectors.answers_entered(request.user, campaign),
            }
        )

    def compound(self, pk):
        if not pk:
            return None
        reachable = Compound.objects.restrict(self.request.user).values("pk")
        return self.campaign.compounds.filter(pk=pk, pk__in=reachable).first()

    def name_household(self, errors, household, values):
        """A household answered before is named, with when and how, at its row's household cell."""
        if errors.get(ROW_CELL) != _("This household has already answered this survey."):
            return errors
        earlier = (
            SurveyResponse.objects.filter(campaign=self.campaign, household=household)
            .exclude(entry_key=values.get("entry_key"))
            .first()
        )
        if earlier is not None:
            errors[ROW_CELL] = _("%(household)s has already answered this survey (%(origin)s, %(day)s).") % {
                "household": household.address,
                "origin": earlier.get_origin_display(),
                "day": earlier.answered_on.isoformat(),
            }
        return errors

    @staticmethod
    def refused(errors):
        return JsonResponse({"saved": False, "errors": errors}, status=400)
