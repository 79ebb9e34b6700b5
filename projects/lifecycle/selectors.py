"""Reads of projects as a whole: the restricted list with its counts, totals and stage counts, the
plan and the facts a project page shows, its stage bar and its compounds."""

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from core.display import display_value
from core.scoping import ancestor_paths
from org.models import Organisation
from projects.models import Compound, Project, ProjectCompound

from .services import PROJECT_EDITABLE
from .transitions import FACT_FIELDS

# What the project page shows as its plan (the name is its title).
PLAN_FIELDS = tuple(name for name in PROJECT_EDITABLE if name != "name")


def projects_for_list(user):
    """The projects ``user`` may see, with their area, number of compounds and households.

    Correlated subqueries, not joins: no GROUP BY over project × compound rows, and PostgreSQL
    computes them only for the page's rows (docs/benchmarks.md).
    """
    compounds = ProjectCompound.objects.filter(project=OuterRef("pk")).order_by().values("project")
    return (
        Project.objects.restrict(user)
        .select_related("region")
        .annotate(
            compound_count=Subquery(compounds.annotate(n=Count("pk")).values("n")),
            households=Subquery(compounds.annotate(n=Sum("compound__household_count")).values("n")),
        )
    )


def project_totals(projects):
    """Projects, overdue ones and households of a filtered list, in two queries."""
    filtered = Project.objects.filter(pk__in=projects.order_by().values("pk"))
    totals = filtered.aggregate(
        projects=Count("pk"), overdue=Count("pk", filter=Q(next_due_on__lt=timezone.localdate()))
    )
    totals.update(
        ProjectCompound.objects.filter(project__in=filtered).aggregate(
            households=Sum("compound__household_count")
        )
    )
    return totals


def projects_by_stage(projects):
    """[(stage label, number of projects)] for every stage, in lifecycle order."""
    counts = dict(projects.order_by().values_list("stage").annotate(n=Count("pk", distinct=True)))
    return [(label, counts.get(value, 0)) for value, label in Project.Stage.choices]


def plan_rows(project):
    """[(label, value)] of the project's plan."""
    return [
        (Project._meta.get_field(name).verbose_name, display_value(project, name)) for name in PLAN_FIELDS
    ]


def fact_rows(project):
    """[(label, value)] of the facts the steps have recorded so far (an exemption not granted is
    no fact)."""
    return [
        (Project._meta.get_field(name).verbose_name, display_value(project, name))
        for name in FACT_FIELDS
        if getattr(project, name) not in (None, "", False)
    ]


def stage_bar(project):
    """[(value, label, done, current)] of every stage."""
    return [
        (value, label, index < project.stage_index, value == project.stage)
        for index, (value, label) in enumerate(Project.Stage.choices)
    ]


def project_compounds(user, project):
    """The project's compounds the user may see, with their street, and their sums."""
    compounds = (
        Compound.objects.restrict(user)
        .filter(project_links__project=project)
        .select_related("community__parent")
        .order_by("name")
    )
    totals = compounds.aggregate(
        households=Sum("household_count"), buildings=Sum("building_count"), floor_area=Sum("floor_area")
    )
    return compounds, totals


def acting_organisation(transition, project):
    """Who takes ``transition`` on ``project``: the nearest organisation, from the project's own area
    up to its city, with an active user whose role holds the step's permission (the street office
    of a street's project, the district bureau of a bundle, the city bureau for approvals). None
    when nobody holds it."""
    app_label, codename = transition.permission.split(".")
    path = project.region.path
    return (
        Organisation.objects.filter(
            region__path__in=[path, *ancestor_paths(path)],
            users__is_active=True,
            users__groups__permissions__codename=codename,
            users__groups__permissions__content_type__app_label=app_label,
        )
        .order_by("-region__level", "kind", "pk")
        .first()
    )
