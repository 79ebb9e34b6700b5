"""Deadlines from the city's calendar (芒市: survey by October of the year before, ...; 汾阳: plan
declared by the end of August): each project's due dates, and the next one kept on the project so
lists can flag overdue projects in SQL."""

import calendar
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from projects.models import DeadlineKind, Milestone, Project, ProjectPolicy

# The project fact that marks each milestone as reached.
MILESTONE_FIELD = {
    Milestone.SURVEY: "survey_completed_on",
    Milestone.DESIGN: "design_completed_on",
    Milestone.DECLARATION: "declared_on",
    Milestone.APPROVAL: "approved_on",
    Milestone.BIDDING: "started_on",
    Milestone.COMPLETION: "completed_on",
    Milestone.ACCEPTANCE: "accepted_on",
    Milestone.HANDOVER: "handed_over_on",
}
YEAR_OFFSET = {DeadlineKind.YEAR_BEFORE: -1, DeadlineKind.PLAN_YEAR: 0, DeadlineKind.YEAR_AFTER: 1}


@dataclass(frozen=True)
class Deadline:
    milestone: Milestone
    due_on: datetime.date | None  # None: it depends on an earlier milestone not reached yet
    reached_on: datetime.date | None

    @property
    def overdue(self):
        """Not reached, and its deadline has passed."""
        return self.reached_on is None and self.due_on is not None and self.due_on < timezone.localdate()

    @property
    def late(self):
        """Reached, but after its deadline."""
        return bool(self.reached_on and self.due_on and self.reached_on > self.due_on)


def end_of_month(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day, months):
    """``months`` after ``day``; from the end of a month to the end of a month (Feb 28 + 3 → May 31)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return datetime.date(year, month, last)
    return datetime.date(year, month, min(day.day, last))


def deadlines(project, policy):
    """Every milestone the policy's calendar dates, in order, for ``project``."""
    rules = (policy.deadlines or {}) if policy else {}
    result = []
    previous_due = previous_reached = None
    for milestone in Milestone:
        reached = getattr(project, MILESTONE_FIELD[milestone])
        rule = rules.get(milestone.value)
        if rule:
            kind, value = rule["kind"], rule["value"]
            if kind == DeadlineKind.MONTHS_AFTER:
                # Counted from when the milestone before was reached; until then from its deadline.
                anchor = previous_reached or previous_due
                due = add_months(anchor, value) if anchor else None
            elif project.plan_year:
                due = end_of_month(project.plan_year + YEAR_OFFSET[kind], value)
            else:
                due = None
            result.append(Deadline(milestone, due, reached))
        else:
            due = None
        previous_due, previous_reached = due, reached
    return result


def next_deadline(project, policy):
    """The first dated milestone not reached yet, or None."""
    return next((d for d in deadlines(project, policy) if d.reached_on is None and d.due_on), None)


def rules_in_force(city):
    """The calendar of ``city`` in force today; an empty one when the city has no policy, so that
    callers holding it never look it up again."""
    return ProjectPolicy.in_force(city) or ProjectPolicy()


def schedule_refresh(project, policy=None):
    """Recompute ``project.next_milestone`` / ``next_due_on`` in memory; the caller saves."""
    if policy is None:
        policy = ProjectPolicy.in_force(project.city_id)
    upcoming = next_deadline(project, policy)
    project.next_milestone = upcoming.milestone.value if upcoming else ""
    project.next_due_on = upcoming.due_on if upcoming else None


@transaction.atomic
def schedules_recompute(*, city):
    """After the city's calendar changed: every project's next deadline again. Returns how many moved."""
    policy = ProjectPolicy.in_force(city)
    changed = []
    for project in Project.objects.filter(city=city).select_for_update().iterator(chunk_size=2000):
        before = (project.next_milestone, project.next_due_on)
        schedule_refresh(project, policy)
        if (project.next_milestone, project.next_due_on) != before:
            changed.append(project)
    Project.objects.bulk_update(changed, ["next_milestone", "next_due_on"], batch_size=1000)
    return len(changed)
