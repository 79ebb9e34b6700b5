"""What the home page shows each role, composed from the selectors of the apps below (reports is
the top layer): the projects overdue in the user's area, those waiting for a step the user may
take, the stage picture, the user's recent imports and the projects they touched lately.

Each read is one or two queries whatever the number of rows, so the home page costs the same
with one project or twenty thousand."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.importing import importer_for
from core.models import AuditEntry, ImportBatch
from core.permissions import can
from projects.lifecycle.selectors import project_totals, projects_by_stage, projects_for_list
from projects.lifecycle.transitions import TRANSITIONS, next_transition
from projects.models import Project
from projects.works.selectors import with_overdue_findings

SHOWN = 8
# How many of the user's latest entries are read to find the projects they touched lately.
TOUCHED_WINDOW = 60


@dataclass(frozen=True)
class ProjectList:
    """A few rows of a longer list, and how many there are in all."""

    rows: list
    total: int

    @property
    def more(self):
        return self.total > len(self.rows)


def _listed(queryset, shown=SHOWN):
    # Always counted: the page runs the same queries with one row or a thousand.
    return ProjectList(list(queryset[:shown]), queryset.count())


def may_see_projects(user):
    return can(user, "view", Project)


def overdue_projects(user, shown=SHOWN):
    """Projects of the user's area whose next deadline (the city's calendar) has passed, the most
    overdue first, each with its number of overdue inspection findings."""
    projects = with_overdue_findings(
        projects_for_list(user).filter(next_due_on__lt=timezone.localdate()).order_by("next_due_on", "pk")
    )
    return _listed(projects, shown)


def stages_the_user_acts_on(user):
    """The stages whose next step needs a permission the user holds."""
    return [t.source for t in TRANSITIONS if user.has_perm(t.permission)]


def waiting_projects(user, shown=SHOWN):
    """Projects the user may change that stand at a stage whose next step the user may take,
    the earliest deadline first; each row carries that step (``row.next_step``)."""
    stages = stages_the_user_acts_on(user)
    if not stages:
        return ProjectList([], 0)
    changeable = Project.objects.restrict(user, "change").values("pk")
    projects = (
        projects_for_list(user)
        .filter(stage__in=stages, pk__in=changeable)
        .order_by("next_due_on", "-plan_year", "pk")
    )
    listed = _listed(projects, shown)
    for project in listed.rows:
        project.next_step = next_transition(project)
    return listed


def projects_at_stage(user, stage, shown=SHOWN):
    """Projects of the user's area at ``stage`` (a reviewer's: those in joint review)."""
    return _listed(projects_for_list(user).filter(stage=stage).order_by("next_due_on", "pk"), shown)


def stage_picture(user):
    """Counts per stage, and the totals (projects, overdue, households) of the user's area."""
    projects = projects_for_list(user)
    return {"by_stage": projects_by_stage(projects), "totals": project_totals(projects)}


def recently_touched_projects(user, shown=5):
    """The projects the user last changed (by their own audit entries), newest first, as far as
    their scope still lets them see them. Two queries."""
    content_type = ContentType.objects.get_for_model(Project)
    latest = AuditEntry.objects.filter(actor=user, content_type=content_type).order_by("-at", "-pk")
    order = list(dict.fromkeys(latest.values_list("object_id", flat=True)[:TOUCHED_WINDOW]))[:shown]
    ids = [int(pk) for pk in order if pk and pk.isdigit()]
    found = {p.pk: p for p in projects_for_list(user).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


@dataclass(frozen=True)
class ImportRow:
    batch: ImportBatch
    kind_label: str


def recent_imports(user, shown=5):
    """The user's own latest spreadsheet imports, with the kind's label."""
    rows = []
    for batch in ImportBatch.objects.restrict(user).filter(created_by=user)[:shown]:
        try:
            label = importer_for(batch.kind).label
        except LookupError:
            label = ""
        rows.append(ImportRow(batch, label))
    return rows
