"""Portal pages of regions and organisations: the generic views of core, configured."""

from django.utils.translation import gettext_lazy as _

from core.permissions import can
from core.views import Column, ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

from . import policy, services
from .filters import OrganisationFilter, RegionFilter
from .forms import CityPolicyForm, RegionForm
from .models import CityPolicy, Organisation, Region, User
from .roles import role_label
from .sections import organisation_sections
from .selectors import region_tree


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
    # Without a search or a sort the list is the tree of the user's area, whole and unpaginated
    # (a city ~100 regions, a province ~5,000), drawn from one query; a search lists what matches.
    SEARCH_KEYS = ("name", "level", "sort")

    def is_tree(self):
        return not any(self.request.GET.get(key) for key in self.SEARCH_KEYS)

    def get_template_names(self):
        return ["org/region_tree.html"] if self.is_tree() else super().get_template_names()

    def get_paginate_by(self, queryset):
        return None if self.is_tree() else super().get_paginate_by(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.is_tree():
            context["tree"], context["tree_end"] = region_tree(self.object_list)
        return context


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
    """The organisation, its users (for roles that may see users) and the sections other apps
    register about it (org.sections)."""

    model = Organisation
    related = ("region",)
    portal_actions = ()
    template_name = "org/organisation_detail.html"
    fields = ("name", "short_name", "kind", "region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if can(user, "view", User):
            context["members"] = [
                (member, [role_label(group.name) for group in member.groups.all()])
                for member in User.objects.restrict(user)
                .filter(organisation=self.object, is_active=True)
                .prefetch_related("groups")
                .order_by("last_name", "first_name", "username")
            ]
        context["sections"] = organisation_sections(user, self.object)
        return context


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
