import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Region


class RegionFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("name"), lookup_expr="contains")
    level = django_filters.ChoiceFilter(label=_("level"), choices=Region.Level.choices)

    class Meta:
        model = Region
        fields = ["name", "level"]


class OrganisationFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("name"), lookup_expr="contains")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Organisation.Kind.choices)

    class Meta:
        model = Organisation
        fields = ["name", "kind"]
