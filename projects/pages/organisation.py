"""The projects section of an organisation's page (org.sections): the projects in its area —
their own area, or a compound of theirs, lies in the organisation's region — and those it
implements, as far as the user may see them."""

from django.db.models import Exists, OuterRef, Q

from core.permissions import can
from org.sections import OrganisationSection, register_organisation_section
from projects.lifecycle.selectors import projects_for_list
from projects.models import Project, ProjectCompound

SHOWN = 20


def organisation_projects(user, organisation):
    """The projects of ``organisation`` that ``user`` may see, newest plan year first."""
    path = organisation.region.path
    bundling = ProjectCompound.objects.filter(
        project=OuterRef("pk"), compound__community__path__startswith=path
    )
    return (
        projects_for_list(user)
        .filter(
            Exists(bundling) | Q(region__path__startswith=path) | Q(implementing_entity=organisation.name)
        )
        .order_by("-plan_year", "name", "pk")
    )


def projects_section(user, organisation):
    if not can(user, "view", Project):
        return None
    projects = organisation_projects(user, organisation)
    return {"projects": projects[:SHOWN], "total": projects.count(), "shown": SHOWN}


def register():
    register_organisation_section(
        OrganisationSection(
            name="projects",
            template="projects/_organisation_projects.html",
            context=projects_section,
            order=10,
        )
    )
