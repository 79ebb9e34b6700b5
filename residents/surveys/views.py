"""Pages of survey campaigns: the list, create / edit / delete, the campaign's page with its
compounds and answers (and their export), and the campaign's own import template."""

import dataclasses

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from core.exports import export_response
from core.http import XLSX, attachment
from core.importing import GUIDE_HEADERS
from core.imports import importer_allowed
from core.spreadsheets import write_template
from core.views import Column, ObjectDeleteView, ObjectEditView, ObjectListView, RestrictedViewMixin
from residents.models import SurveyCampaign

from . import selectors
from .filters import CampaignFilter
from .forms import CampaignForm
from .importers import AGREEMENTS, ORIGINS, SurveyResponseImporter
from .services import campaign_delete, campaign_save

IMPORT_KIND = SurveyResponseImporter.kind
ANSWERS_PER_PAGE = 50


class CampaignMixin:
    model = SurveyCampaign

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(url_prefix="residents:campaign", list_url=reverse("residents:campaign_list"))
        return context


class CampaignListView(CampaignMixin, ObjectListView):
    template_name = "residents/surveys/campaign_list.html"
    filterset_class = CampaignFilter
    columns = (
        Column(gettext_lazy("title"), "title", link=True, sort="title"),
        Column(gettext_lazy("kind"), "get_kind_display", sort="kind"),
        Column(gettext_lazy("compounds"), "compound_names"),
        Column(gettext_lazy("area"), "region.name"),
        Column(gettext_lazy("opens on"), "opens_on", sort="opens_on"),
        Column(gettext_lazy("closes on"), "closes_on", sort="closes_on"),
        Column(gettext_lazy("status"), "status"),
        Column(gettext_lazy("answers"), "answer_count", numeric=True, sort="answer_count"),
    )

    def base_queryset(self):
        return selectors.campaigns_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for campaign in context["object_list"]:
            names = [compound.name for compound in campaign.compounds.all()]
            campaign.compound_names = (
                "、".join(names)
                if len(names) <= 3
                else _("%(names)s and %(more)d more")
                % {"names": "、".join(names[:3]), "more": len(names) - 3}
            )
        return context


class CampaignEditView(CampaignMixin, ObjectEditView):
    form_class = CampaignForm
    create_service = campaign_save
    update_service = campaign_save


class CampaignDeleteView(CampaignMixin, ObjectDeleteView):
    delete_service = campaign_delete
    success_url_name = "residents:campaign_list"


class CampaignDetailView(CampaignMixin, RestrictedViewMixin, DetailView):
    """A campaign: its dates, its compounds with their households and answers, the answers the user
    may read (names masked as residents.privacy decides), and its import and export."""

    template_name = "residents/surveys/campaign_detail.html"
    context_object_name = "campaign"

    def base_queryset(self):
        return selectors.campaigns_for(self.request.user)

    def get_object(self, queryset=None):
        return self.get_in_scope(self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") in ("xlsx", "csv"):
            campaign = self.get_object()
            return export_response(
                user=request.user, kind=IMPORT_KIND, export_format=request.GET["export"],
                queryset=selectors.campaign_answers(request.user, campaign),
            )  # fmt: skip
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from core.audit import history_for

        context = super().get_context_data(**kwargs)
        campaign, user = self.object, self.request.user
        runs = SurveyCampaign.objects.restrict(user, "change").filter(pk=campaign.pk).exists()
        page = Paginator(selectors.campaign_answers(user, campaign), ANSWERS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            compounds=selectors.campaign_compounds(campaign),
            page_obj=page,
            paginator=page.paginator,
            answers=page.object_list,
            querystring=query.urlencode(),
            can_change=context["can_change"] and runs,
            can_delete=context["can_delete"] and runs and campaign.answer_count == 0,
            can_import=importer_allowed(user, IMPORT_KIND),
            can_enter=user.has_perm("residents.add_surveyresponse"),
            is_needs=campaign.kind == SurveyCampaign.Kind.NEEDS,
            history=history_for(campaign)[:20],
        )
        return context


class CampaignTemplateView(CampaignMixin, RestrictedViewMixin, View):
    """The answers' import template with this campaign's number and one of its households in the
    example row, so a clerk only types the answers."""

    def get(self, request, pk):
        if not importer_allowed(request.user, IMPORT_KIND):
            raise PermissionDenied
        campaign = self.get_in_scope(pk)
        example = self.example(campaign)
        columns = [
            dataclasses.replace(column, example=example.get(column.key, ""))
            for column in SurveyResponseImporter.columns
        ]
        guide = [
            GUIDE_HEADERS,
            *(
                (row.header, row.meaning, _("yes") if row.required else "", row.format, row.allowed, "")
                for row in SurveyResponseImporter.guide()
            ),
        ]
        content = write_template(
            columns, sheet_title=str(campaign)[:31], choice_error=_("Choose a value from the list."),
            guide=guide, guide_title=_("How to fill in"),
        )  # fmt: skip
        return attachment(content, f"{campaign}-{SurveyResponseImporter.label}导入模板.xlsx", XLSX)

    def example(self, campaign):
        from residents.models import Household

        household = (
            Household.objects.restrict(self.request.user)
            .filter(compound__in=campaign.compounds.all())
            .exclude(survey_responses__campaign=campaign)
            .select_related("building", "compound")
            .first()
        )
        day = min(timezone.localdate(), campaign.closes_on)
        example = {
            "campaign": campaign.pk,
            "origin": next(iter(ORIGINS)),
            "answered_on": max(day, campaign.opens_on).isoformat(),
        }
        if household is not None:  # else the clerk writes where each household lives
            example.update(
                compound=household.compound.code or household.compound.name,
                building=household.building.number,
                unit=household.unit,
                room=household.room,
            )
        if campaign.kind == SurveyCampaign.Kind.NEEDS:
            example.update(agrees=next(iter(AGREEMENTS)), willing_to_contribute="否")
        else:
            example.update(overall_score=5)
        return example
