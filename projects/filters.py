"""Filters of the compound list; every choice list is narrowed to the user's scope."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import Region

from .models import Compound


class CompoundFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("name or address"), method="search")
    district = django_filters.ModelChoiceFilter(
        label=_("district or county"), queryset=Region.objects.none(), method="under_region"
    )
    street = django_filters.ModelChoiceFilter(
        label=_("street or town"), queryset=Region.objects.none(), method="under_region"
    )
    community = django_filters.ModelChoiceFilter(label=_("community"), queryset=Region.objects.none())
    year_from = django_filters.NumberFilter(
        label=_("built from (year)"), field_name="year_built", lookup_expr="gte"
    )
    year_to = django_filters.NumberFilter(
        label=_("built until (year)"), field_name="year_built", lookup_expr="lte"
    )
    eligibility = django_filters.ChoiceFilter(label=_("eligibility"), choices=Compound.Eligibility.choices)
    pool = django_filters.ChoiceFilter(label=_("pipeline pool"), choices=Compound.Pool.choices)
    property_management = django_filters.ChoiceFilter(
        label=_("property management"), choices=Compound.PropertyManagement.choices
    )
    origin = django_filters.ChoiceFilter(label=_("ownership origin"), choices=Compound.Origin.choices)

    class Meta:
        model = Compound
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        regions = Region.objects.restrict(request.user) if request else Region.objects.none()
        self.filters["district"].queryset = regions.filter(level=Region.Level.DISTRICT)
        self.filters["street"].queryset = regions.filter(level=Region.Level.STREET)
        self.filters["community"].queryset = regions.filter(level=Region.Level.COMMUNITY)
        # A clerk's scope holds no district: a filter with nothing to choose is only noise.
        for name in ("district", "street"):
            if not self.filters[name].queryset.exists():
                del self.filters[name]
        for name in ("year_from", "year_to"):
            self.form.fields[name].widget = forms.NumberInput(attrs={"min": 1949, "max": 2100})

    def search(self, queryset, name, value):
        # __contains (not __icontains): Chinese has no case, and it can use the trigram index.
        return queryset.filter(Q(name__contains=value) | Q(address__contains=value))

    def under_region(self, queryset, name, value):
        return queryset.filter(community__path__startswith=value.path)
