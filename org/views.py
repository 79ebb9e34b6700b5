"""Portal pages of regions and organisations: the generic views of core, configured."""

from django.utils.translation import gettext_lazy as _

from core.permissions import can
from core.views import Column, ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

from . import policy, services
from .filters import OrganisationFilter, RegionFilter
from .forms import CityPolicyForm, RegionForm
from .models import CityPolicy, Organisation, Region


class RegionListView(ObjectListView):
    model = Region
    related = ("parent",)
    filterset_class = RegionFilter
    columns = (
        Column(_("name"), "name", link=True, sort="name"),
        Column(_("division code"), "code", sort="code"),
        Column(_("level"), "get_level_display", sort="level"),
        Column(_("parent region"), "parent"),
    )
    sort_default = "path"


class RegionDetailView(ObjectDetailView):
    model = Region
    related = ("parent",)
    template_name = "org/region_detail.html"
    fields = ("name", "code", "level", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["children"] = Region.objects.restrict(user).filter(parent=self.object)
        context["organisations"] = Organisation.objects.restrict(user).filter(region=self.object)
        return context


class RegionEditView(ObjectEditView):
    model = Region
    form_class = RegionForm
    create_service = services.region_create
    update_service = services.region_update


class RegionDeleteView(ObjectDeleteView):
    model = Region
    delete_service = services.region_delete
    success_url_name = "org:region_list"


class OrganisationListView(ObjectListView):
    """Organisations are managed in the administration site; the portal shows them."""

    model = Organisation
    related = ("region",)
    portal_actions = ()
    filterset_class = OrganisationFilter
    columns = (
        Column(_("name"), "name", link=True, sort="name"),
        Column(_("short name"), "short_name"),
        Column(_("kind"), "get_kind_display", sort="kind"),
        Column(_("region covered"), "region", sort="region__path"),
    )
    sort_default = "region__path"


class OrganisationDetailView(ObjectDetailView):
    model = Organisation
    related = ("region",)
    portal_actions = ()
    fields = ("name", "short_name", "kind", "region")


class CityPolicyListView(ObjectListView):
    model = CityPolicy
    related = ("city",)
    columns = (
        Column(_("policy title"), "title", link=True),
        Column(_("document number"), "document_number"),
        Column(_("city"), "city"),
        Column(_("effective from"), "effective_from", sort="effective_from"),
    )


class CityPolicyDetailView(ObjectDetailView):
    model = CityPolicy
    related = ("city",)
    template_name = "org/citypolicy_detail.html"
    fields = policy.POLICY_FIELDS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = [
            (section, section.rules_of(self.object))
            for section in policy.policy_sections()
            if can(self.request.user, "view", section.model)
        ]
        return context


class CityPolicyEditView(ObjectEditView):
    model = CityPolicy
    form_class = CityPolicyForm
    template_name = "org/citypolicy_form.html"
    create_service = policy.citypolicy_create
    update_service = policy.citypolicy_update


class CityPolicyDeleteView(ObjectDeleteView):
    model = CityPolicy
    delete_service = policy.citypolicy_delete
    success_url_name = "org:citypolicy_list"
