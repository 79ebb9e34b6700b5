"""Pages of the household register: the generic views of core, configured, and the action that
shows one household's personal data in full, with a reason (docs/privacy.md)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from core.display import display_value
from core.imports import importer_allowed
from core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    add_service_errors,
)
from projects.models import Compound
from residents.models import Household
from residents.privacy import may_unmask, sees_personal_data, shown_name, shown_phone

from . import services
from .filters import HouseholdFilter
from .forms import HouseholdForm, RevealForm
from .selectors import households_for

EXPORT_KIND = "households"


class HouseholdListView(ObjectListView):
    """The register of the user's households, or of one compound's (``compound_pk``)."""

    model = Household
    template_name = "residents/households/household_list.html"
    filterset_class = HouseholdFilter
    export_kind = EXPORT_KIND

    def compound(self):
        if "compound_pk" not in self.kwargs:
            return None
        if not hasattr(self, "_compound"):
            self._compound = get_object_or_404(
                Compound.objects.restrict(self.request.user).select_related("community"),
                pk=self.kwargs["compound_pk"],
            )
        return self._compound

    def base_queryset(self):
        queryset = households_for(self.request.user)
        compound = self.compound()
        return queryset.filter(compound=compound) if compound is not None else queryset

    def get_queryset(self):
        queryset = self.base_queryset()
        self.filterset = HouseholdFilter(
            self.request.GET, queryset=queryset, request=self.request, compound=self.compound()
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        compound = self.compound()
        context.update(
            compound=compound,
            can_import=importer_allowed(self.request.user, EXPORT_KIND),
            sees_personal=sees_personal_data(self.request.user),
            can_add=context["can_add"] and compound is not None,
        )
        return context


class HouseholdDetailView(ObjectDetailView):
    model = Household
    template_name = "residents/households/household_detail.html"
    fields = ("compound", "building", "unit", "room", "size", "has_elderly", "has_disabled", "tenure", "note")

    def base_queryset(self):
        return households_for(self.request.user)

    revealed = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        household, user = self.object, self.request.user
        full = True if self.revealed else sees_personal_data(user)
        personal = [
            (
                Household._meta.get_field("head_name").verbose_name,
                shown_name(user, household.head_name, full=full),
            ),
            (Household._meta.get_field("phone").verbose_name, shown_phone(user, household.phone, full=full)),
        ]
        if household.personal_data_removed_on:
            personal.append(
                (
                    Household._meta.get_field("personal_data_removed_on").verbose_name,
                    display_value(household, "personal_data_removed_on"),
                )
            )
        rows = context["field_rows"]
        rows[1] = (rows[1][0], household.building.number)  # the compound stands in the row above
        context.update(
            field_rows=rows[:4] + personal + rows[4:],
            revealed=self.revealed,
            may_reveal=not full and may_unmask(user) and bool(household.head_name or household.phone),
            reveal_form=kwargs.get("reveal_form") or RevealForm(),
            parent=household.compound,
        )
        return context


@method_decorator(never_cache, name="dispatch")
class HouseholdRevealView(HouseholdDetailView):
    """POST with a reason: this one response shows the household's name and phone in full, and the
    audit log records who saw them and why. Nothing is remembered for the next page."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_unmask(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_in_scope(kwargs["pk"])
        form = RevealForm(request.POST)
        if form.is_valid():
            try:
                self.object = services.household_reveal(
                    actor=request.user, household=self.object, reason=form.cleaned_data["reason"]
                )
                self.revealed = True
            except ValidationError as error:
                add_service_errors(form, error)
        return self.render_to_response(self.get_context_data(object=self.object, reveal_form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.revealed:
            context["reveal_form"] = RevealForm()
        return context


class HouseholdEditView(ObjectEditView):
    """Add a household to a compound (``compound_pk``) or change one (``pk``)."""

    model = Household
    form_class = HouseholdForm
    template_name = "residents/households/household_form.html"

    def create_service(*, actor, **fields):
        return services.household_save(actor=actor, **fields)

    def update_service(*, actor, instance, **fields):
        return services.household_save(actor=actor, instance=instance, **fields)

    def base_queryset(self):
        return households_for(self.request.user, self.action)

    def get_compound(self):
        if not hasattr(self, "_compound"):
            obj = self.get_object()
            if obj is not None:
                self._compound = obj.compound
            else:
                self._compound = get_object_or_404(
                    Compound.objects.restrict(self.request.user, "change"), pk=self.kwargs["compound_pk"]
                )
        return self._compound

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["compound"] = self.get_compound()
        return kwargs

    def service_kwargs(self):
        return {"compound": self.get_compound()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parent"] = self.get_compound()
        return context


class HouseholdDeleteView(ObjectDeleteView):
    model = Household
    delete_service = services.household_delete

    def base_queryset(self):
        return households_for(self.request.user, self.action)

    def get_success_url(self, obj):
        return reverse("residents:compound_households", args=[obj.compound_id])
