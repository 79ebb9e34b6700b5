"""Filters of core's own lists."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    actor_name = django_filters.CharFilter(label=_("user"), lookup_expr="contains")
    action = django_filters.ChoiceFilter(label=_("action"), choices=AuditEntry.Action.choices)
    object_repr = django_filters.CharFilter(label=_("object"), lookup_expr="contains")
    object_id = django_filters.CharFilter(label=_("object id"))
    at_after = django_filters.DateFilter(label=_("from"), field_name="at", lookup_expr="date__gte")
    at_before = django_filters.DateFilter(label=_("until"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["actor_name", "action", "object_repr", "object_id", "at_after", "at_before"]


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter that starts at "全部" (django-filter's own starts at "未知", a value nobody means)."""

    def __init__(self, *args, **kwargs):
        choices = [("", _("All")), ("true", _("yes")), ("false", _("no"))]
        kwargs.setdefault("widget", forms.Select(choices=choices))
        super().__init__(*args, **kwargs)
