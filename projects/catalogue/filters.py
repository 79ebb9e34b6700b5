"""Filters of the item catalogue."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import YesNoFilter
from projects.models import RenovationItem

from .selectors import categories


class RenovationItemFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("name"), lookup_expr="contains")
    category = django_filters.ModelChoiceFilter(label=_("category"), queryset=categories())
    indicator = django_filters.ChoiceFilter(
        label=_("national indicator"), choices=RenovationItem.Indicator.choices[1:]
    )
    default_payer = django_filters.ChoiceFilter(
        label=_("paid by default by"), choices=RenovationItem.Payer.choices
    )
    active = YesNoFilter(label=_("offered for new projects"))

    class Meta:
        model = RenovationItem
        fields = []
