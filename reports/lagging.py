"""Lagging projects (滞后项目) of a city's plan year as of a date, each with the reasons in words:

- **overdue**: the next milestone of the city's calendar was due before the date
  (``Project.next_due_on``, kept by projects.schedule);
- **no progress report**: under construction on the date (started, not yet completed) and its
  latest progress report is older than N days — or none since construction started N days ago.
  N is the city's policy's number in force on the date (reports' policy section,
  ``reports.policy.stale_progress_days``: 30 unless the city sets another);
- **below the time-curve**: under construction and the latest reported percent is more than
  ``TOLERANCE`` points below the share of the planned time already elapsed (from the planned start,
  or the actual start when none was planned, to the planned completion).

One query for the projects, whatever their number (and the user's scope, read once).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from projects.models import Milestone, ProgressReport

from .addresses import address_maker
from .policy import stale_progress_days
from .progress import year_projects

# What a row shows and the reasons read (the rest of a project is left unread).
SHOWN_FIELDS = (
    "name", "next_milestone", "next_due_on", "started_on", "completed_on", "planned_start",
    "planned_completion",
)  # fmt: skip
# Points a project may be behind the time-curve before it counts as lagging.
TOLERANCE = 10


@dataclass(frozen=True)
class LaggingRow:
    """A lagging project and why (Chinese sentences), with its link (the project's page)."""

    project: object
    reasons: list
    url: str = ""


def expected_percent(project, as_of):
    """The share of the planned time elapsed by ``as_of``, in whole percent (None without a plan)."""
    start = project.planned_start or project.started_on
    end = project.planned_completion
    if start is None or end is None or end <= start:
        return None
    share = Decimal((as_of - start).days) * 100 / Decimal((end - start).days)
    return int(min(max(share, Decimal(0)), Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def lagging_projects(*, city, year, as_of, user=None):
    """[LaggingRow] of ``city``'s projects planned for ``year`` that lag as of ``as_of`` (those
    ``user`` may see when given), the most overdue first."""
    days = stale_progress_days(city, as_of)
    latest = ProgressReport.objects.filter(project=OuterRef("pk"), reported_on__lte=as_of).order_by(
        "-reported_on", "-id"
    )
    building = Q(started_on__lte=as_of) & (Q(completed_on__isnull=True) | Q(completed_on__gt=as_of))
    projects = (
        year_projects(city=city, year=year, user=user)
        .filter(Q(next_due_on__lt=as_of) | building)
        .only(*SHOWN_FIELDS)
        .annotate(
            # The area's name read with the row, not a Region built for each (``project.region_name``).
            region_name=F("region__name"),
            latest_reported_on=Subquery(latest.values("reported_on")[:1]),
            latest_percent=Subquery(latest.values("percent")[:1]),
        )
        .order_by(F("next_due_on").asc(nulls_last=True), "region__path", "name", "pk")
    )
    # The milestones' labels once, not through get_next_milestone_display() for every row.
    milestones = {value: str(label) for value, label in Milestone.choices}
    url_of = address_maker("projects:project_detail")
    rows = []
    for project in projects:
        reasons = []
        if project.next_due_on is not None and project.next_due_on < as_of:
            reasons.append(
                _("Overdue: %(milestone)s was due on %(date)s (%(days)s days ago).")
                % {
                    "milestone": milestones.get(project.next_milestone, project.next_milestone),
                    "date": project.next_due_on.isoformat(),
                    "days": (as_of - project.next_due_on).days,
                }
            )
        under_construction = project.started_on is not None and project.started_on <= as_of
        under_construction &= project.completed_on is None or project.completed_on > as_of
        if under_construction:
            reasons.extend(_construction_reasons(project, as_of, days))
        if reasons:
            rows.append(LaggingRow(project, reasons, url_of(project.pk)))
    return rows


def _construction_reasons(project, as_of, days):
    reasons = []
    if project.latest_reported_on is None:
        silent = (as_of - project.started_on).days
        if silent > days:
            reasons.append(
                _("No progress report since construction started on %(date)s (%(days)s days).")
                % {"date": project.started_on.isoformat(), "days": silent}
            )
    else:
        silent = (as_of - project.latest_reported_on).days
        if silent > days:
            reasons.append(
                _("No progress report for %(days)s days (the last on %(date)s).")
                % {"days": silent, "date": project.latest_reported_on.isoformat()}
            )
    expected = expected_percent(project, as_of)
    done = project.latest_percent or 0
    if expected is not None and done < expected - TOLERANCE:
        reasons.append(
            _("%(done)s%% done, below the %(expected)s%% the schedule expects by now.")
            % {"done": done, "expected": expected}
        )
    return reasons
