"""Pages of the compound registry: the generic views of core, configured."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.imports import importer_allowed
from core.views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RestrictedViewMixin,
)
from projects.models import Building, Compound

from . import services
from .columns import compound_columns, show_compound_columns, sorted_by_compound_column, with_compound_columns
from .filters import CompoundFilter
from .forms import BuildingForm, CompoundForm
from .selectors import compound_label, compound_search, compound_sections, compound_totals, compounds_for_list


class CompoundListView(ObjectListView):
    model = Compound
    template_name = "projects/compound_list.html"
    filterset_class = CompoundFilter
    export_kind = "compounds"
    own_columns = (
        Column(_("name"), "name", link=True, sort="name"),
        Column(_("compound code"), "code", sort="code"),
        Column(_("district or county"), "community.parent.parent.name", sort="community__path"),
        Column(_("street or town"), "community.parent.name"),
        Column(_("community"), "community.name"),
        Column(_("year built"), "year_built", sort="year_built", numeric=True),
        Column(_("households"), "household_count", sort="household_count", numeric=True),
        Column(_("number of buildings"), "building_count", sort="building_count", numeric=True),
        Column(_("floor area (m²)"), "floor_area", sort="floor_area", numeric=True),
        Column(_("eligibility"), "get_eligibility_display", sort="eligibility"),
        Column(_("pipeline pool"), "get_pool_display", sort="pool"),
    )

    @property
    def columns(self):
        """The registry's own columns, then those the apps above add (projects.registry.columns)."""
        return self.own_columns + tuple(
            Column(column.label, column.key, sort=column.key, numeric=column.numeric)
            for column in compound_columns(self.request.user)
        )

    def base_queryset(self):
        return with_compound_columns(compounds_for_list(self.request.user), self.request.user)

    def get_queryset(self):
        self.filtered = super().get_queryset()
        return sorted_by_compound_column(self.filtered, self.request.user, self.request.GET.get("sort", ""))

    def paginate_queryset(self, queryset, page_size):
        # The totals cards count the filtered set anyway; the paginator reuses that count
        # instead of scanning the same rows a second time. They count it without what a column's
        # sort adds (projects.registry.columns), which changes no row and would only cost a join.
        self.totals = compound_totals(self.filtered)
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        show_compound_columns(rows, self.request.user)  # reads the page's rows, which the template reuses
        return paginator, page, rows, is_paginated

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.__dict__["count"] = self.totals["compounds"]  # Paginator.count is a cached_property
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = self.totals
        context["can_import"] = importer_allowed(self.request.user, self.export_kind)
        return context


class CompoundDetailView(ObjectDetailView):
    model = Compound
    related = (
        "community__parent__parent",
        "city",
    )
    template_name = "projects/compound_detail.html"
    fields = (
        "code", "address", "year_built", "floor_area", "building_count", "household_count", "max_storeys",
        "property_management", "origin", "in_shanty_town_area", "self_built", "pool", "longitude", "latitude",
        "notes",
    )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(compound_sections(self.request.user, self.object))
        return context


class CompoundEditView(ObjectEditView):
    model = Compound
    form_class = CompoundForm
    create_service = services.compound_create
    update_service = services.compound_update


class CompoundDeleteView(ObjectDeleteView):
    model = Compound
    delete_service = services.compound_delete
    success_url_name = "projects:compound_list"


class BuildingCreateView(ObjectEditView):
    """A building is added from its compound's page; the compound must be in the user's scope."""

    model = Building
    form_class = BuildingForm
    create_service = services.building_create

    def get_compound(self):
        if not hasattr(self, "_compound"):
            self._compound = get_object_or_404(
                Compound.objects.restrict(self.request.user, "change"), pk=self.kwargs["compound_pk"]
            )
        return self._compound

    def get_object(self):
        return None  # always a new building

    def service_kwargs(self):
        return {"compound": self.get_compound()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parent"] = self.get_compound()
        return context


class BuildingEditView(ObjectEditView):
    model = Building
    form_class = BuildingForm
    update_service = services.building_update


class BuildingDeleteView(ObjectDeleteView):
    model = Building
    delete_service = services.building_delete

    def get_success_url(self, obj):
        return obj.compound.get_absolute_url()  # buildings are listed on their compound's page


class CompoundSearchView(RestrictedViewMixin, View):
    """The type-ahead of the project form: ?q=words&page=n → {results: [{id, text}], more}."""

    model = Compound

    def get(self, request, *args, **kwargs):
        try:
            page = int(request.GET.get("page", 1))
        except ValueError:
            page = 1
        rows, more = compound_search(request.user, request.GET.get("q", "")[:100], page)
        results = [
            {"id": row.pk, "text": compound_label(row), "name": row.name, "code": row.code} for row in rows
        ]
        return JsonResponse({"results": results, "more": more})
