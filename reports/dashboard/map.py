"""The map of compounds: every registered compound of the chosen area the user may see, placed by
its coordinates and coloured by the stage of this plan year's project holding it (grey: in no
project of the year), over outlines of the areas one level down (the city's districts, a district's
streets, a street's communities) drawn from the compounds' own coordinates (reports.dashboard.
outlines) — no tiles, nothing fetched from the internet. A compound opens its page; an area's name
opens its dashboard. The same counts are a table: compounds per area and stage, with a total.

Three queries whatever the number of compounds: the areas, the compounds, and the stages of the
year's projects holding them. Points go to the browser as short arrays ([lon, lat, stage, area,
name, id]) and one URL pattern, so a province's tens of thousands of compounds stay a small page."""

from dataclasses import dataclass, field

from django.db.models import F, FloatField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from org.models import Region
from projects.models import Compound, Project, ProjectCompound

from ..addresses import STAND_IN
from ..progress import year_projects
from .outlines import PLACES, centre, geojson, margin_for, rounded
from .scope import CITY, DISTRICT, STREET
from .sections import Section, Table

# (the region level one down, the compound's path to that region, the area column's header)
AREAS = {
    CITY: (Region.Level.DISTRICT, "community__parent__parent", _("District")),
    DISTRICT: (Region.Level.STREET, "community__parent", _("Street")),
}
COMMUNITIES = (Region.Level.COMMUNITY, "community", _("Community"))
TITLES = {
    CITY: _("Compounds per district by stage"),
    DISTRICT: _("Compounds per street by stage"),
}
COMMUNITY_TITLE = _("Compounds per community by stage")

# The key of compounds in no project of the plan year (after the stages, in the legend and table).
NOT_PLANNED = "none"


def stage_keys():
    """The lifecycle's stages in order, then “in no project of the year”."""
    return [*Project.Stage.values, NOT_PLANNED]


def stage_labels():
    return [*(str(label) for label in Project.Stage.labels), str(_("Not in this year's plan"))]


def compound_stages(scope):
    """{compound id: stage index}: for each compound of the area held by a project of the plan year
    the user may see, the furthest stage among those projects (one query). The year's projects are
    not narrowed to the drilled area: a project bundling compounds of several streets colours its
    compounds on each street's map alike."""
    order = {key: index for index, key in enumerate(Project.Stage.values)}
    projects = year_projects(city=scope.city, year=scope.year, user=scope.user)
    rows = ProjectCompound.objects.filter(
        project__in=projects.values("pk"), compound__community__path__startswith=scope.region.path
    ).values_list("compound_id", "project__stage")
    found = {}
    for compound_id, stage in rows:
        found[compound_id] = max(found.get(compound_id, -1), order[stage])
    return found


@dataclass
class Area:
    """One area of the map (a district, street or community) and its compounds."""

    name: str
    url: str | None = None
    counts: list = field(default_factory=lambda: [0] * len(stage_keys()))  # per stage index
    placed: list = field(default_factory=list)  # [(lon, lat)]
    unplaced: int = 0

    @property
    def total(self):
        return sum(self.counts)

    def bounds(self):
        """The corners of the box around its placed compounds ([] when none is)."""
        if not self.placed:
            return []
        xs, ys = [x for x, _y in self.placed], [y for _x, y in self.placed]
        return [(min(xs), min(ys)), (max(xs), max(ys))]

    def at(self, margin):
        """Where its name is written: above the middle of its outline's top edge (None: no compound
        is placed), so the name covers none of its compounds."""
        if not self.placed:
            return None
        return [rounded(centre(self.placed)[0]), rounded(max(y for _x, y in self.placed) + margin)]


def _areas(scope, level):
    """{region id: Area} of the regions one level down the user may see, in region order."""
    drills = scope.level != STREET
    regions = (
        Region.objects.restrict(scope.user)
        .filter(parent=scope.region, level=level)
        .order_by("path")
        .values_list("pk", "name")
    )
    return {pk: Area(name, scope.region_url(pk) if drills else None) for pk, name in regions}


def _compounds(scope, path):
    """[(id, name, lon, lat, area id, area name)] of the area's compounds the user may see."""
    return list(
        Compound.objects.restrict(scope.user)
        .filter(city=scope.city, community__path__startswith=scope.region.path)
        .order_by()
        .values_list(
            "pk",
            "name",
            Cast("longitude", FloatField()),
            Cast("latitude", FloatField()),
            F(path),
            F(f"{path}__name"),
        )
    )


def _table(scope, header, areas, shown):
    labels = stage_labels()
    rows = list(areas.values())
    totals = [sum(area.counts[index] for area in rows) for index in shown]
    return Table(
        title=TITLES.get(scope.level, COMMUNITY_TITLE),
        columns=[
            header, _("Compounds"), *(labels[index] for index in shown), _("Without coordinates (not on the map)")
        ],
        rows=[[area.name, area.total, *(area.counts[index] for index in shown), area.unplaced] for area in rows],
        links=[area.url for area in rows],
        total=[
            _("Total"), sum(area.total for area in rows), *totals, sum(area.unplaced for area in rows)
        ],
    )  # fmt: skip


def _chart(scope, areas, points, totals):
    rows = list(areas.values())
    margin = margin_for([corner for area in rows for corner in area.bounds()])
    return {
        "kind": "map",
        "map": f"portal-dashboard-{scope.region.pk}",
        "outlines": geojson([(area.name, area.placed) for area in rows], margin),
        "stages": [
            {"key": key, "label": label, "count": total}
            for key, label, total in zip(stage_keys(), stage_labels(), totals, strict=True)
        ],
        "areas": [
            {"name": area.name, "count": area.total, "at": area.at(margin), "url": area.url} for area in rows
        ],
        # [lon, lat, stage index, area index, name, compound id]
        "points": points,
        "compound_url": reverse("projects:compound_detail", args=[STAND_IN]),
        "stand_in": str(STAND_IN),
        "unit": pgettext("unit", "compounds"),
    }


def build(scope):
    level, path, header = AREAS.get(scope.level, COMMUNITIES)
    areas = _areas(scope, level)
    compounds = _compounds(scope, path)
    stages = compound_stages(scope)
    none = len(stage_keys()) - 1
    for *_rest, area_id, area_name in compounds:
        if area_id not in areas:  # an area seen only through a compound granted one by one
            areas[area_id] = Area(area_name)
    index = {pk: position for position, pk in enumerate(areas)}
    points = []
    for pk, name, longitude, latitude, area_id, _area_name in compounds:
        area, stage = areas[area_id], stages.get(pk, none)
        area.counts[stage] += 1
        if longitude is None or latitude is None:
            area.unplaced += 1
            continue
        area.placed.append((longitude, latitude))
        points.append([round(longitude, PLACES), round(latitude, PLACES), stage, index[area_id], name, pk])

    totals = [sum(area.counts[stage] for area in areas.values()) for stage in range(none + 1)]
    missing = sum(area.unplaced for area in areas.values())
    note = {
        "shown": len(points),
        "missing": missing,
        "missing_text": ngettext(
            "%(count)s compound has no coordinates and is not on the map.",
            "%(count)s compounds have no coordinates and are not on the map.",
            missing,
        )
        % {"count": f"{missing:,}"},
        "drills": scope.level != STREET,
    }
    return Section(
        key="map", title=_("Map of compounds"),
        chart=_chart(scope, areas, points, totals) if points else None,
        tables=[_table(scope, header, areas, [stage for stage, total in enumerate(totals) if total])],
        template="reports/dashboard/_map.html", data=note, width=12,
    )  # fmt: skip
