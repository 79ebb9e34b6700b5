"""Areas compared, one level below the chosen one: at the city, its districts' start and completion
rates (the monthly report's ranking, the last ones marked 末位); in a district, its streets'
compounds started and completed (streets hold no quota, so no rates); in a street, its projects'
percent done by their latest progress report. Every bar drills down: a district or street to its
own dashboard, a project to its page."""

from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from org.models import Region
from projects.models import ProgressReport, Project

from ..addresses import address_maker
from ..progress import COMPOUND_STREET, compound_figures
from ..ranking import district_ranking
from .figures import in_wan, number
from .scope import CITY, DISTRICT
from .sections import Section, Table

# A street's projects shown as bars (the rest are in the project list).
SHOWN_PROJECTS = 40


def _districts(scope):
    ranking = district_ranking(scope.progress)
    bars = [
        {
            "name": row.region_name,
            "start_rate": number(row.figures.start_rate),
            "completion_rate": number(row.figures.completion_rate),
            "investment": number(in_wan(row.figures.completed_investment)),
            "rank": row.rank,
            "last": row.last,
            "url": scope.region_url(row.figures.region_id),
        }
        for row in ranking
    ]
    table = Table(
        title=_("Districts ranked"),
        columns=[
            _("District"), _("Rank"), _("Quota (compounds)"), _("Started"), _("Start rate (%)"),
            _("Completed"), _("Completion rate (%)"), _("Investment completed (10,000 yuan)"),
            _("Marked last"),
        ],
        rows=[
            [row.region_name, row.rank, row.figures.quota_compounds, row.figures.started_compounds,
             row.figures.start_rate, row.figures.completed_compounds, row.figures.completion_rate,
             in_wan(row.figures.completed_investment), _("last") if row.last else ""]
            for row in ranking
        ],
        links=[bar["url"] for bar in bars],
    )  # fmt: skip
    chart = {
        "kind": "compare",
        "mode": "rates",
        "bars": bars,
        "labels": {
            "start_rate": str(_("Start rate (%)")),
            "completion_rate": str(_("Completion rate (%)")),
            "investment": str(_("Investment completed (10,000 yuan)")),
            "last": str(_("last")),
        },
        "sorts": ["start_rate", "completion_rate", "investment"],
    }
    return Section(
        key="compare", title=_("Districts compared"), chart=chart, tables=[table],
        template="reports/dashboard/_sort.html",
    )  # fmt: skip


def _streets(scope):
    streets = list(
        Region.objects.restrict(scope.user)
        .filter(parent=scope.region, level=Region.Level.STREET)
        .order_by("path")
        .values_list("pk", "name")
    )
    figures = compound_figures(scope.projects, scope.as_of, by=COMPOUND_STREET)
    counts = dict(
        scope.projects.filter(region__level=Region.Level.STREET)
        .values_list("region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    bars = []
    for pk, name in streets:
        values = figures.get(pk, {})
        bars.append(
            {
                "name": name,
                "projects": counts.get(pk, 0),
                "started": values.get("started_compounds", 0),
                "completed": values.get("completed_compounds", 0),
                "started_households": values.get("started_households") or 0,
                "completed_households": values.get("completed_households") or 0,
                "url": scope.region_url(pk),
            }
        )
    table = Table(
        title=_("Streets compared"),
        columns=[
            _("Street"), _("Projects"), _("Compounds started"), _("Compounds completed"),
            _("Households started"), _("Households completed"),
        ],
        rows=[
            [bar["name"], bar["projects"], bar["started"], bar["completed"], bar["started_households"],
             bar["completed_households"]]
            for bar in bars
        ],
        links=[bar["url"] for bar in bars],
    )  # fmt: skip
    chart = {
        "kind": "compare",
        "mode": "counts",
        "bars": bars,
        "labels": {"started": str(_("Compounds started")), "completed": str(_("Compounds completed"))},
        "sorts": ["started", "completed"],
    }
    return Section(
        key="compare", title=_("Streets compared"), chart=chart, tables=[table],
        template="reports/dashboard/_sort.html",
    )  # fmt: skip


def _projects(scope):
    latest = ProgressReport.objects.filter(project=OuterRef("pk"), reported_on__lte=scope.as_of).order_by(
        "-reported_on", "-id"
    )
    rows = list(
        scope.projects.annotate(percent=Subquery(latest.values("percent")[:1]))
        .order_by("name", "pk")
        .values("pk", "name", "stage", "percent")[:SHOWN_PROJECTS]
    )
    stages = dict(Project.Stage.choices)
    url_of = address_maker("projects:project_detail")
    bars = [
        {
            "name": row["name"],
            "percent": row["percent"] or 0,
            "stage": str(stages.get(row["stage"], "")),
            "url": url_of(row["pk"]),
        }
        for row in rows
    ]
    table = Table(
        title=_("Projects of the street"),
        columns=[_("Project"), _("Stage"), _("Percent done (%)")],
        rows=[[bar["name"], bar["stage"], bar["percent"]] for bar in bars],
        links=[bar["url"] for bar in bars],
    )
    chart = {
        "kind": "compare",
        "mode": "projects",
        "bars": bars,
        "labels": {"percent": str(_("Percent done (%)"))},
        "sorts": ["percent"],
    }
    return Section(key="compare", title=_("Projects compared"), chart=chart, tables=[table])


def build(scope):
    if scope.level == CITY:
        return _districts(scope)
    if scope.level == DISTRICT:
        return _streets(scope)
    return _projects(scope)
