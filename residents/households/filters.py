"""Filters of the household register: street, compound and building, each offered once the level
above is chosen (or the user's area leaves one), and the room searched."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Region
from projects.models import Building, Compound
from residents.models import Household


def _chosen_id(value):
    try:
        chosen = int(value)
    except (TypeError, ValueError):
        return None
    return chosen if 0 < chosen < 2**63 else None


class HouseholdFilter(django_filters.FilterSet):
    street = django_filters.ModelChoiceFilter(
        label=_("street or town"), queryset=Region.objects.none(), method="in_street"
    )
    compound = django_filters.ModelChoiceFilter(label=_("compound"), queryset=Compound.objects.none())
    building = django_filters.ModelChoiceFilter(label=_("building"), queryset=Building.objects.none())
    q = django_filters.CharFilter(label=_("room"), method="search")

    class Meta:
        model = Household
        fields = []

    def __init__(self, *args, request=None, compound=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request else None
        autosubmit = {"data-autosubmit": ""}
        if compound is not None:  # the register of one compound: its buildings only
            del self.filters["street"], self.filters["compound"]
            chosen_compound = compound.pk
        else:
            streets = Region.objects.restrict(user).filter(level=Region.Level.STREET)
            street_id = _chosen_id(self.data.get("street"))
            self.filters["street"].queryset = streets
            self.filters["street"].extra["widget"] = forms.Select(
                attrs={**autosubmit, "data-clears": "compound building"}
            )
            compounds = Compound.objects.restrict(user)
            if street_id is not None:
                compounds = compounds.filter(community__parent_id=street_id)
            elif streets.count() > 1 and not self.data.get("compound"):
                compounds = None  # a street first: a city's compounds would weigh more than the page
            if streets.count() <= 1 and not self.data.get("street"):
                del self.filters["street"]
            if compounds is None:
                del self.filters["compound"]
            else:
                self.filters["compound"].queryset = compounds.order_by("name", "pk")
                self.filters["compound"].extra["widget"] = forms.Select(
                    attrs={**autosubmit, "data-clears": "building"}
                )
            chosen_compound = _chosen_id(self.data.get("compound"))
        if chosen_compound is None and not self.data.get("building"):
            del self.filters["building"]
        else:
            buildings = Building.objects.restrict(user)
            if chosen_compound is not None:
                buildings = buildings.filter(compound_id=chosen_compound)
            self.filters["building"].queryset = buildings.select_related("compound").order_by("number", "pk")

    def in_street(self, queryset, name, value):
        return queryset.filter(compound__community__parent=value)

    def search(self, queryset, name, value):
        return queryset.filter(room__contains=value.strip())
