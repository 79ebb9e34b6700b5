"""Filters of the compound, item and project lists; every choice list is narrowed to the user's scope."""

import copy

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import Region
from projects.models import Compound

from .columns import compound_columns


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
        for column in compound_columns(request.user) if request else ():
            for name, extra in column.filters.items():
                self.filters[name] = copy.deepcopy(extra)
        self._cascade_region_choices(
            Region.objects.restrict(request.user) if request else Region.objects.none()
        )
        for name in ("year_from", "year_to"):
            self.form.fields[name].widget = forms.NumberInput(attrs={"min": 1949, "max": 2100})

    def _cascade_region_choices(self, regions):
        """District → street → community, each offered only once the level above is chosen (or the
        user's area leaves no choice): a province has thousands of communities, and a select with
        all of them would weigh more than the page."""
        levels = (
            ("district", Region.Level.DISTRICT, None),
            ("street", Region.Level.STREET, "district"),
            ("community", Region.Level.COMMUNITY, "street"),
        )
        offered_above, waiting = 0, False
        for name, level, above in levels:
            queryset = regions.filter(level=level)
            chosen_above = _region_id(self.data.get(above)) if above else None
            if chosen_above is not None:
                queryset = queryset.filter(parent_id=chosen_above)
                waiting = False
            elif (waiting or offered_above > 1) and not self.data.get(name):
                waiting = True  # the level above must be chosen first
                del self.filters[name]
                continue
            offered_above = queryset.count()
            if offered_above == 0 or (
                level != Region.Level.COMMUNITY and offered_above == 1 and not self.data.get(name)
            ):
                del self.filters[name]  # nothing to choose, or one option that changes nothing
                continue
            self.filters[name].queryset = queryset
            # Choosing a district reloads the page with its streets, and so on down.
            self.filters[name].extra["widget"] = forms.Select(
                attrs={"data-autosubmit": "", "data-clears": _below(name)}
            )

    def search(self, queryset, name, value):
        # __contains (not __icontains): Chinese has no case, and it can use the trigram index.
        return queryset.filter(Q(name__contains=value) | Q(address__contains=value))

    def under_region(self, queryset, name, value):
        return queryset.filter(community__path__startswith=value.path)


def _region_id(value):
    """The region id chosen at a level, or None for nothing or junk (text, "²", 10**30)."""
    try:
        region_id = int(value)
    except (TypeError, ValueError):
        return None
    return region_id if 0 < region_id < 2**63 else None


def _below(name):
    return {"district": "street community", "street": "community", "community": ""}[name]
