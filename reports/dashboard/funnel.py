"""The lifecycle funnel: the chosen area's projects of the plan year per stage (every stage, in the
lifecycle's order, none left out for having no project), and how long they have been there as of the
as-of date: on average and at the longest, with the project waiting longest.

A project entered its current stage on the date the step that brought it there recorded
(projects.lifecycle.transitions: the target stage's step records survey_completed_on → design, …,
audited_on → closed); a project still at the needs survey has been there since it was created. A
project with no such date, or one dated after the as-of date, counts in its stage but not in the
days. Each stage opens the project list filtered by that stage and plan year.

One query: the entering date picked by Case/When on the stage, the days since it, and per stage the
count, average and longest over a window, keeping each stage's longest-waiting project."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Avg, Case, Count, DateField, DurationField, F, Max, Value, When, Window
from django.db.models.functions import RowNumber, TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.lifecycle.transitions import TRANSITIONS
from projects.models import Project

from .figures import number
from .scope import DISTRICT, STREET
from .sections import Section, Table

DAY = Decimal("0.1")

# The date a project entered each stage: recorded by the step whose target it is (its first input).
ENTERED_BY = {transition.target: transition.inputs[0] for transition in TRANSITIONS}


def entered_on():
    """The date the project entered its current stage (an expression on Project)."""
    whens = [When(stage=Project.Stage.SURVEY, then=TruncDate("created_at"))]
    whens += [When(stage=stage, then=F(name)) for stage, name in ENTERED_BY.items()]
    return Case(*whens, output_field=DateField())


def _days(duration):
    """A duration (an average of SQL's intervals) as days with one place (None stays None)."""
    if duration is None:
        return None
    days = Decimal(duration.total_seconds()) / Decimal(86400)
    return days.quantize(DAY, rounding=ROUND_HALF_UP)


def stage_rows(projects, as_of):
    """{stage: row} of the stages holding one of ``projects`` at least: projects (count), known
    (how many have an entering date by ``as_of``), average and longest (durations), and the
    longest-waiting project (pk, name, entered). One query."""
    stage = [F("stage")]
    waiting = projects.annotate(entered=entered_on()).annotate(
        waited=Case(
            When(entered__lte=as_of, then=Value(as_of, output_field=DateField()) - F("entered")),
            output_field=DurationField(),
        )
    )
    rows = (
        waiting.annotate(
            projects=Window(Count("pk"), partition_by=stage),
            known=Window(Count("waited"), partition_by=stage),
            average=Window(Avg("waited"), partition_by=stage),
            longest=Window(Max("waited"), partition_by=stage),
            place=Window(
                RowNumber(), partition_by=stage, order_by=[F("waited").desc(nulls_last=True), F("pk").asc()]
            ),
        )
        .filter(place=1)
        .values("stage", "projects", "known", "average", "longest", "pk", "name", "entered", "waited")
    )
    return {row["stage"]: row for row in rows}


def list_url(scope, **filters):
    """The project list filtered by the plan year, the drilled-down district (a street's too: the
    list filters by district) and ``filters``."""
    params = {"plan_year": scope.year}
    if scope.level in (DISTRICT, STREET):
        params["district"] = scope.trail[1].pk
    params.update(filters)
    return f"{reverse('projects:project_list')}?{urlencode(params)}"


def _stage(scope, value, label, row):
    """What the chart and tables show of one stage (``row`` empty: no project there)."""
    waited = row.get("waited") is not None  # the longest-waiting project has days
    return {
        "name": str(label),
        "value": row.get("projects", 0),
        "known": row.get("known", 0),
        "seconds": row["average"].total_seconds() * row["known"] if row.get("average") is not None else 0,
        "average": _days(row.get("average")),
        "longest": _whole(row.get("longest")),
        "project": row["name"] if waited else None,
        "project_url": reverse("projects:project_detail", args=[row["pk"]]) if waited else None,
        "entered": row["entered"].isoformat() if waited else None,
        "url": list_url(scope, stage=value),
    }


def build(scope):
    found = stage_rows(scope.projects, scope.as_of)
    stages = [_stage(scope, value, label, found.get(value, {})) for value, label in Project.Stage.choices]
    known = sum(s["known"] for s in stages)
    average = _days(datetime.timedelta(seconds=sum(s["seconds"] for s in stages) / known)) if known else None
    longest = max((s["longest"] for s in stages if s["longest"] is not None), default=None)
    table = Table(
        title=_("Projects per stage"),
        columns=[
            _("Stage"), _("Number of projects"), _("Average time in stage (days)"),
            _("Longest time in stage (days)"),
        ],
        rows=[[s["name"], s["value"], s["average"], s["longest"]] for s in stages],
        links=[s["url"] for s in stages],
        total=[_("Total"), sum(s["value"] for s in stages), average, longest],
    )  # fmt: skip
    waiting = [s for s in stages if s["project"] is not None]
    longest_table = Table(
        title=_("Waiting longest at each stage"),
        columns=[_("Project"), _("Stage"), _("In the stage since"), _("Days in the stage")],
        rows=[[s["project"], s["name"], s["entered"], s["longest"]] for s in waiting],
        links=[s["project_url"] for s in waiting],
    )
    chart = {
        "kind": "funnel",
        "stages": [
            {key: number(s[key]) for key in ("name", "value", "average", "longest", "url")} for s in stages
        ],
        "labels": {
            "projects": str(_("Number of projects")),
            "waited": str(_("{average} days on average, {longest} at most")),
            "waited_short": str(_("{average} / {longest} days")),
        },
    }
    return Section(
        key="funnel",
        title=_("Projects per stage and time spent there"),
        chart=chart,
        tables=[table, longest_table],
    )


def _whole(duration):
    """A duration as whole days (None stays None)."""
    return None if duration is None else duration.days
