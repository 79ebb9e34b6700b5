"""Filters of the complaint list and of the statistics; every choice is narrowed to the user's area."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.filters import DATE_INPUT, YesNoFilter
from org.models import Region
from residents.models import Complaint

from .selectors import overdue_q


def _region_id(value):
    try:
        region_id = int(value)
    except (TypeError, ValueError):
        return None
    return region_id if 0 < region_id < 2**63 else None


def narrow_areas(filterset, regions):
    """District, then its streets: a street is offered once a district is chosen (or the user's area
    holds one district); a level with one option or none is not offered."""
    districts = regions.filter(level=Region.Level.DISTRICT)
    if districts.count() > 1:
        filterset.filters["district"].queryset = districts
        filterset.filters["district"].extra["widget"] = forms.Select(
            attrs={"data-autosubmit": "", "data-clears": "street"}
        )
        chosen = _region_id(filterset.data.get("district"))
        streets = regions.filter(level=Region.Level.STREET, parent_id=chosen) if chosen else None
    else:
        del filterset.filters["district"]
        streets = regions.filter(level=Region.Level.STREET)
    if streets is None or (streets.count() <= 1 and not filterset.data.get("street")):
        del filterset.filters["street"]
    else:
        filterset.filters["street"].queryset = streets


class ComplaintFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("number, compound or content"), method="search")
    status = django_filters.ChoiceFilter(label=_("status"), choices=Complaint.Status.choices)
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=Complaint.Channel.choices)
    category = django_filters.ChoiceFilter(
        label=pgettext_lazy("complaint", "category"), choices=Complaint.Category.choices
    )
    district = django_filters.ModelChoiceFilter(
        label=_("district or county"), queryset=Region.objects.none(), method="under_region"
    )
    street = django_filters.ModelChoiceFilter(
        label=_("street or town"), queryset=Region.objects.none(), method="under_region"
    )
    overdue = YesNoFilter(label=_("overdue only"), method="only_overdue")
    received_from = django_filters.DateFilter(
        label=_("received from"), field_name="received_on", lookup_expr="gte", **DATE_INPUT
    )
    received_until = django_filters.DateFilter(
        label=_("received until"), field_name="received_on", lookup_expr="lte", **DATE_INPUT
    )

    class Meta:
        model = Complaint
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        narrow_areas(self, Region.objects.restrict(request.user) if request else Region.objects.none())

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__contains=value)
            | Q(compound__name__contains=value)
            | Q(project__name__contains=value)
            | Q(content__contains=value)
        )

    def under_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())


class StatsForm(forms.Form):
    """The period of the statistics (a year, or dates from/until) and a district of the user's area."""

    year = forms.TypedChoiceField(label=_("year"), coerce=int, required=False)
    date_from = forms.DateField(label=_("received from"), required=False, **DATE_INPUT)
    date_to = forms.DateField(label=_("received until"), required=False, **DATE_INPUT)
    district = forms.ModelChoiceField(
        label=_("district or county"), queryset=Region.objects.none(), required=False
    )

    def __init__(self, data, *, user):
        this_year = timezone.localdate().year
        if "year" not in data:
            data = data.copy()
            data["year"] = str(this_year)  # the page opens on this year; "全部年度" is a choice
        super().__init__(data)
        years = (
            Complaint.objects.restrict(user).order_by().values_list("received_on__year", flat=True).distinct()
        )
        choices = sorted({this_year, *years}, reverse=True)
        self.fields["year"].choices = [("", _("all years"))] + [(y, str(y)) for y in choices]
        districts = Region.objects.restrict(user).filter(level=Region.Level.DISTRICT)
        if districts.count() > 1:
            self.fields["district"].queryset = districts
            self.fields["district"].empty_label = _("All")
        else:
            del self.fields["district"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end comes before the start."))
        return data

    def period(self):
        """(from, until, district) as chosen: the year unless dates are given; a value the form
        refuses counts as not chosen."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        date_from, date_to = data.get("date_from"), data.get("date_to")
        year = data.get("year") if "year" in data else None
        if year and not (date_from or date_to):
            date_from, date_to = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if "date_to" in self.errors:
            date_to = None
        return date_from, date_to, data.get("district")
