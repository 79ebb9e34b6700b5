"""Filters of the survey campaigns' list: kind, open / closed / upcoming, and compound."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.widgets import SearchSelectMultiple
from projects.registry.selectors import compounds_for_choice
from residents.models import SurveyCampaign

from .forms import CompoundChoiceField


class CompoundFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CompoundChoiceField


class CampaignFilter(django_filters.FilterSet):
    OPEN, CLOSED, UPCOMING = "open", "closed", "upcoming"

    kind = django_filters.ChoiceFilter(label=_("kind"), choices=SurveyCampaign.Kind.choices)
    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=(
            (OPEN, _("open")),
            (CLOSED, pgettext_lazy("campaign status", "closed")),
            (UPCOMING, _("not yet open")),
        ),
        method="filter_status",
    )
    compounds = CompoundFilter(
        label=_("compound"),
        queryset=None,
        distinct=True,
        widget=SearchSelectMultiple("projects:compound_search"),
    )
    title = django_filters.CharFilter(label=_("title"), lookup_expr="contains")

    class Meta:
        model = SurveyCampaign
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["compounds"].queryset = compounds_for_choice(request.user)
        self.form.fields["compounds"].queryset = compounds_for_choice(request.user)

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == self.OPEN:
            return queryset.filter(opens_on__lte=today, closes_on__gte=today)
        if value == self.CLOSED:
            return queryset.filter(closes_on__lt=today)
        if value == self.UPCOMING:
            return queryset.filter(opens_on__gt=today)
        return queryset

    @property
    def media(self):
        return self.form.media
