"""Filters of the project list; every choice list is narrowed to the user's scope."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Region
from projects.catalogue.selectors import categories
from projects.models import Finding, Project, ProjectItem


class ProjectFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("project name"), lookup_expr="contains")
    plan_year = django_filters.NumberFilter(label=_("plan year"))
    district = django_filters.ModelChoiceFilter(
        label=_("district or county"), queryset=Region.objects.none(), method="under_region"
    )
    stage = django_filters.ChoiceFilter(label=_("stage"), choices=Project.Stage.choices)
    pool = django_filters.ChoiceFilter(label=_("pipeline pool"), choices=Project.Pool.choices)
    overdue = django_filters.ChoiceFilter(
        label=_("overdue"),
        choices=(
            ("any", _("deadline or rectification overdue")),
            ("deadline", _("a deadline has passed")),
            ("findings", _("rectification overdue")),
        ),
        method="filter_overdue",
    )
    item_category = django_filters.ModelChoiceFilter(
        label=_("with items of"), queryset=categories(), method="with_item_category"
    )

    class Meta:
        model = Project
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        districts = Region.objects.restrict(request.user).filter(level=Region.Level.DISTRICT)
        if districts.count() > 1:
            self.filters["district"].queryset = districts
        else:
            del self.filters["district"]

    def under_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        late = Q(next_due_on__lt=today)
        # IN (projects with an overdue finding), not a correlated EXISTS under an OR: PostgreSQL
        # overestimates the latter and JIT-compiles every query of the page (docs/benchmarks.md).
        findings = Q(pk__in=Finding.objects.overdue(today).values("inspection__project"))
        condition = {"deadline": late, "findings": findings, "any": late | findings}[value]
        return queryset.filter(condition)

    def with_item_category(self, queryset, name, value):
        # EXISTS, not a join: a join would multiply the rows the list's sums add up.
        return queryset.filter(
            Exists(ProjectItem.objects.filter(project=OuterRef("pk"), item__category=value))
        )
