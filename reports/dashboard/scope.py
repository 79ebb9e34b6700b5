"""What a dashboard shows: whose (the user's area), which city, plan year and as-of date, and how far
down it is drilled (the city, one district, one street). Every section reads the same ``Scope``,
so the progress of the chosen area is read once (``scope.progress``) however many sections show it.

Out-of-scope regions answer 404, as everywhere: a district user asking for another district's
dashboard learns nothing of it."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from org.models import Region

from ..monthly.services import month_of
from ..progress import progress, year_projects
from ..progress_views import ProgressForm, plan_years, user_cities

CITY, DISTRICT, STREET = "city", "district", "street"
LEVELS = {Region.Level.CITY: CITY, Region.Level.DISTRICT: DISTRICT, Region.Level.STREET: STREET}


def previous_month_end(as_of):
    """The last day of the month before ``as_of``'s: what “since last month” is measured from."""
    return month_of(as_of) - datetime.timedelta(days=1)


@dataclass
class Scope:
    user: object
    city: Region
    year: int
    as_of: datetime.date
    region: Region  # the city, or a district or street of it (the drill-down)
    cities: list = field(default_factory=list)
    form: object = None

    @property
    def level(self):
        return LEVELS[self.region.level]

    @property
    def within(self):
        """The region the reads are narrowed to (None at the city: the user's whole area)."""
        return None if self.region.pk == self.city.pk else self.region

    @cached_property
    def projects(self):
        """The plan year's projects of the chosen area the user may see (unordered)."""
        return year_projects(city=self.city, year=self.year, user=self.user, within=self.within)

    @cached_property
    def progress(self):
        """reports.progress for the chosen area: the monthly report's own figures."""
        return progress(city=self.city, year=self.year, as_of=self.as_of, user=self.user, within=self.within)

    @cached_property
    def previous(self):
        """The same as of the end of last month, or None in the year's first month."""
        before = previous_month_end(self.as_of)
        if before.year < self.year:
            return None
        return progress(city=self.city, year=self.year, as_of=before, user=self.user, within=self.within)

    @cached_property
    def trail(self):
        """[Region] from the city down to the chosen region (the drill-down's breadcrumbs)."""
        if self.region.pk == self.city.pk:
            return [self.city]
        return [r for r in self.region.ancestors(include_self=True) if r.level >= Region.Level.CITY]

    def url(self, view="reports:dashboard", **changes):
        """The dashboard's address with this scope's choices, some changed (``region=pk``)."""
        params = {"city": self.city.pk, "year": self.year, "as_of": self.as_of.isoformat()}
        if self.region.pk != self.city.pk:
            params["region"] = self.region.pk
        params.update({key: value for key, value in changes.items() if value is not None})
        if changes.get("region") == self.city.pk:
            params.pop("region")
        return f"{reverse(view)}?{urlencode(params)}"

    def region_url(self, region_id, view="reports:dashboard"):
        return self.url(view, region=region_id)


def _default_region(user, city):
    """The city, or the one district or street the user's area is inside it (district staff see
    their district's dashboard at once)."""
    paths = user.get_scope_paths()
    if paths is None:
        return city
    inside = [path for path in paths if path.startswith(city.path)]
    if len(inside) == 1 and inside[0] != city.path:
        return Region.objects.get(path=inside[0])
    return city


def _chosen_region(user, city, chosen):
    """The region asked for: a district or street of ``city`` in the user's area, else 404."""
    try:
        pk = int(chosen)
    except (TypeError, ValueError):
        raise Http404 from None
    if pk == city.pk:
        return city
    region = (
        Region.objects.restrict(user)
        .filter(pk=pk, path__startswith=city.path, level__in=[Region.Level.DISTRICT, Region.Level.STREET])
        .first()
    )
    if region is None:
        raise Http404
    return region


def choose(request):
    """The Scope chosen by the request's query (city, year, as_of, region), or None for a user
    working in no city. A value the form refuses counts as not chosen, and the form says why."""
    user = request.user
    cities = user_cities(user)
    if not cities:
        return None
    data = request.GET
    today = timezone.localdate()
    city = next((c for c in cities if str(c.pk) == data.get("city", "")), cities[0])
    form = ProgressForm(data or None, cities=cities, years=plan_years(city, today))
    cleaned = form.cleaned_data if form.is_valid() else getattr(form, "cleaned_data", {})
    year = cleaned.get("year") or today.year
    as_of = cleaned.get("as_of") or today
    region = _chosen_region(user, city, data["region"]) if data.get("region") else _default_region(user, city)
    form.initial = {"city": city.pk, "year": year, "as_of": as_of}
    return Scope(user=user, city=city, year=year, as_of=as_of, region=region, cities=cities, form=form)
