"""Filters of core's own lists."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

DATE_INPUT = {
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "error_messages": {"invalid": _("Not a date: write it as 2026-11-29 or pick it from the calendar.")},
}


class AuditEntryFilter(django_filters.FilterSet):
    actor_name = django_filters.CharFilter(label=_("user"), lookup_expr="contains")
    action = django_filters.ChoiceFilter(label=_("action"), choices=AuditEntry.Action.choices)
    object_repr = django_filters.CharFilter(label=_("object"), lookup_expr="contains")
    object_id = django_filters.CharFilter(label=_("object id"))
    # Date pickers, which send 2026-11-29 whatever the user's locale writes; a typed date is read
    # in the portal's own format and a wrong one is refused on the page (AuditEntryListView).
    at_after = django_filters.DateFilter(
        label=_("from"), field_name="at", lookup_expr="date__gte", **DATE_INPUT
    )
    at_before = django_filters.DateFilter(
        label=_("until"), field_name="at", lookup_expr="date__lte", **DATE_INPUT
    )

    class Meta:
        model = AuditEntry
        fields = ["actor_name", "action", "object_repr", "object_id", "at_after", "at_before"]


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter that starts at "全部" (django-filter's own starts at "未知", a value nobody means)."""

    def __init__(self, *args, **kwargs):
        choices = [("", _("All")), ("true", _("yes")), ("false", _("no"))]
        kwargs.setdefault("widget", forms.Select(choices=choices))
        super().__init__(*args, **kwargs)
