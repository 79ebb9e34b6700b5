"""The results of a survey campaign (per compound and building, with the support threshold) and
its .xlsx export, and a project's residents' support as the "residents agree" guard reads it."""

from django.core.exceptions import PermissionDenied
from django.views.generic import DetailView

from core.permissions import can
from core.views import RestrictedViewMixin
from projects.models import Compound, Project
from residents.models import SurveyCampaign

from .export import results_response
from .selectors import campaign_results, compound_support


class CampaignResultsView(RestrictedViewMixin, DetailView):
    """GET /residents/campaigns/<pk>/results/: what the campaign's answers add up to, for the
    compounds of it the user may see (a clerk reads her own street's part of a batch)."""

    model = SurveyCampaign
    portal_actions = ()
    template_name = "residents/results/campaign_results.html"

    def get_object(self, queryset=None):
        return self.get_in_scope(self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.results = campaign_results(self.object, compounds=Compound.objects.restrict(request.user))
        if request.GET.get("export") == "xlsx":
            return results_response(request.user, self.results)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = self.results
        return context


class ProjectSupportView(RestrictedViewMixin, DetailView):
    """GET /residents/projects/<pk>/support/: each compound of a project against its city's
    support threshold, from its newest closed needs survey, as the guard on declaring reads it."""

    model = Project
    portal_actions = ()
    template_name = "residents/results/project_support.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "view", SurveyCampaign):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return Project.objects.restrict(self.request.user).select_related("region", "city")

    def get_object(self, queryset=None):
        return self.get_in_scope(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        compounds = list(
            Compound.objects.restrict(self.request.user).filter(projects=self.object).order_by("name", "pk")
        )
        support = compound_support(compounds, closed_only=True)
        campaigns = SurveyCampaign.objects.restrict(self.request.user).in_bulk(
            [s.campaign_id for s in support.values() if s.campaign_id]
        )
        context["rows"] = [
            (compound, support[compound.pk], campaigns.get(support[compound.pk].campaign_id))
            for compound in compounds
        ]
        return context
