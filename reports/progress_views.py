"""The progress page (任务进度, /reports/progress/?year=&as_of=): a city's quota progress per
district and in total, the districts' ranking with the last ones marked (末位), and the lagging
projects with links. It reads ``reports.progress``, ``reports.ranking`` and ``reports.lagging``.

Who reads it: whoever reads the monthly report (``reports.view_monthlyreport``) and projects —
city staff, district staff (their district only), department reviewers, leaders and auditors.
Street clerks work below the district and have no business with it (403)."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.navigation import MenuItem, register_menu
from org.models import Region
from org.selectors import cities_of
from projects.models import AnnualQuota, Project

from .lagging import lagging_projects
from .navigation import REPORTS_GROUP
from .progress import indicators, progress
from .ranking import district_ranking

PERMISSIONS = ("reports.view_monthlyreport", "projects.view_project")
# The lagging list shows this many projects; the count says how many there are.
SHOWN_LAGGING = 100


def may_read_progress(user):
    return user.is_authenticated and user.has_perms(PERMISSIONS)


def user_cities(user):
    """The cities the user works in (every city for a user working everywhere), by path."""
    paths = user.get_scope_paths()
    if paths is None:
        return list(Region.objects.filter(level=Region.Level.CITY).order_by("path"))
    found = {city.pk: city for city in cities_of(paths).values() if city is not None}
    return sorted(found.values(), key=lambda city: city.path)


def plan_years(city, today):
    """The years the city has quotas or planned projects for, and this year; newest first."""
    quota_years = AnnualQuota.objects.filter(Q(region=city) | Q(region__parent=city)).values_list(
        "year", flat=True
    )
    project_years = (
        Project.objects.filter(city=city, plan_year__isnull=False)
        .order_by()
        .values_list("plan_year", flat=True)
    )
    return sorted({today.year, *quota_years.distinct(), *project_years.distinct()}, reverse=True)


class ProgressForm(forms.Form):
    """The city (when the user works in several), the plan year and the date the figures are as of."""

    city = forms.TypedChoiceField(label=_("city"), coerce=int, required=False)
    year = forms.TypedChoiceField(label=_("plan year"), coerce=int, required=False)
    as_of = forms.DateField(
        label=_("as of"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data, *, cities, years):
        super().__init__(data)
        self.fields["city"].choices = [(city.pk, city.name) for city in cities]
        self.fields["year"].choices = [(year, str(year)) for year in years]


class ProgressView(LoginRequiredMixin, TemplateView):
    template_name = "reports/progress.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_read_progress(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def choice(self, cities):
        """(city, year, as_of, form) as chosen: this year and today unless chosen; a value the form
        refuses counts as not chosen, and the form says why."""
        today = timezone.localdate()
        data = self.request.GET
        chosen = data.get("city", "")
        city = next((c for c in cities if str(c.pk) == chosen), cities[0])
        years = plan_years(city, today)
        form = ProgressForm(data or None, cities=cities, years=years)
        cleaned = form.cleaned_data if form.is_valid() else getattr(form, "cleaned_data", {})
        year = cleaned.get("year") or today.year
        as_of = cleaned.get("as_of") or today
        form.initial = {"city": city.pk, "year": year, "as_of": as_of}
        return city, year, as_of, form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        cities = user_cities(user)
        if not cities:
            return context | {"city": None}
        city, year, as_of, form = self.choice(cities)
        figures = progress(city=city, year=year, as_of=as_of, user=user)
        codes = indicators()
        lagging = lagging_projects(city=city, year=year, as_of=as_of, user=user)
        return context | {
            "city": city,
            "cities": cities,
            "year": year,
            "as_of": as_of,
            "form": form,
            "progress": figures,
            # A label names its unit (加装电梯（部）); one that does not gets it added.
            "indicators": [
                (code, label if str(unit) in str(label) else f"{label}（{unit}）", unit)
                for code, label, unit in codes
            ],
            "indicator_rows": [
                (row.region_name, [row.indicator(c) for c, _l, _u in codes]) for row in figures.rows
            ],
            "indicator_total": [figures.total.indicator(c) for c, _l, _u in codes],
            "ranking": district_ranking(figures),
            "lagging": lagging[:SHOWN_LAGGING],
            "lagging_count": len(lagging),
        }


class ProgressMenuItem(MenuItem):
    """The menu's 任务进度: shown to whoever may read the page (two permissions, not one)."""

    def visible_to(self, user):
        return may_read_progress(user)


def register():
    """From reports' AppConfig.ready(): the menu entry."""
    register_menu(
        ProgressMenuItem(
            _("Quota progress"), "reports:progress", order=38, icon="bi-bar-chart-line", group=REPORTS_GROUP
        )
    )
