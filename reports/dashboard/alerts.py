"""Alerts (预警): what is late in the chosen area, each kind counted, its first rows each a link to
the thing itself, and a link to the list page filtered to the rest where one exists:

- **overdue stages**: projects whose next milestone of the city's calendar was due before the day
  (``Project.next_due_on``, as the home page's overdue list and the monthly report's lagging list
  read it);
- **inspection findings past their deadline**: open findings whose rectification deadline has
  passed (``Finding.objects.overdue``), linked to their project's inspections;
- **complaints past their deadline**: not yet answered and past the deadline
  (residents.complaints.selectors.overdue_q);
- **idle funds**: the ledger's own idle-funds warnings (funding.ledger_warnings, kind ``idle``);
- **requests overdue in approval**: pending approval requests whose stage was due before the date
  (as approvals.selectors flags them ``overdue``).

The day is the dashboard's as-of date, or today when that is later: what is due next month is not
late yet. What is open is what is open now (a finding closed since an earlier as-of date is no
longer shown). Late work is late whatever plan year it belongs to, so alerts are not narrowed to the plan year,
only to the area (the city, a district or a street) and to what the user may see: each kind goes
through its own model's ``restrict(user)`` (the ledger through ``ledger_rows``), and a kind whose
model the user may not read is left out. Two queries a kind (the count and the first rows), the
ledger's warnings six and the user's roles one, whatever the number of rows.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from approvals.models import ApprovalRequest
from core.permissions import can
from funding.ledger import ledger_rows
from funding.ledger_warnings import idle_warnings
from funding.models import FundReceipt
from projects.models import Finding, Milestone, Project
from residents.complaints.selectors import overdue_q
from residents.models import Complaint

from ..addresses import address_maker
from .scope import DISTRICT, STREET
from .sections import Section, Table

# Rows shown of each kind; the count says how many there are.
SHOWN = 5


@dataclass(frozen=True)
class Alert:
    """One late thing: what it is (the link's text), a note (its area, what it is about), when it
    was due and how many days ago (None: the kind counts no days, as idle funds)."""

    title: str
    note: str
    url: str
    due_on: object = None
    days: int | None = None

    @property
    def cells(self):
        return (self.title, self.note, self.due_on, self.days)


@dataclass
class AlertKind:
    key: str
    label: str
    total: int
    rows: list = field(default_factory=list)
    more_url: str = ""  # the list page filtered to this kind ("" when there is none)
    columns: tuple = ()

    @property
    def more(self):
        return self.total > len(self.rows)


def _listed(queryset, *fields):
    # Always counted: the section runs the same queries with one row or a thousand.
    return queryset.count(), list(queryset.values(*fields)[:SHOWN])


def _query(url, **params):
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def _day(scope):
    """The day lateness is measured on: the as-of date, but never a day to come (what is due next
    month is not late yet)."""
    return min(scope.as_of, timezone.localdate())


def _district_of(scope):
    """The district the area is or lies in (None at the city)."""
    if scope.level == DISTRICT:
        return scope.region.pk
    if scope.level == STREET:
        return scope.region.parent_id
    return None


def _overdue_stages(scope):
    if not can(scope.user, "view", Project):
        return None
    day = _day(scope)
    projects = (
        Project.objects.restrict(scope.user)
        .filter(region__path__startswith=scope.region.path, next_due_on__lt=day)
        .order_by("next_due_on", "pk")
    )
    total, rows = _listed(projects, "pk", "name", "next_milestone", "next_due_on", "region__name")
    milestones = dict(Milestone.choices)
    url_of = address_maker("projects:project_detail")
    alerts = [
        Alert(
            title=row["name"],
            note=f"{row['region__name']} · {milestones.get(row['next_milestone'], '')}",
            url=url_of(row["pk"]),
            due_on=row["next_due_on"],
            days=(day - row["next_due_on"]).days,
        )
        for row in rows
    ]
    # The project list filters by district only: a street's alerts have no list of their own.
    more = ""
    if scope.level != STREET:
        more = _query(reverse("projects:project_list"), overdue="deadline", district=_district_of(scope))
    return AlertKind(
        "stages", _("Overdue stages"), total, alerts, more,
        (_("Project"), _("Area · milestone"), pgettext("dashboard alerts", "Due on"), _("Days overdue")),
    )  # fmt: skip


def _overdue_findings(scope):
    if not can(scope.user, "view", Finding):
        return None
    day = _day(scope)
    findings = (
        Finding.objects.restrict(scope.user)
        .overdue(day)
        .filter(inspection__project__region__path__startswith=scope.region.path)
        .order_by("deadline", "pk")
    )
    total, rows = _listed(
        findings, "description", "deadline", "inspection__project", "inspection__project__name"
    )
    url_of = address_maker("projects:project_detail", "#inspections")
    alerts = [
        Alert(
            title=row["inspection__project__name"],
            note=row["description"],
            url=url_of(row["inspection__project"]),
            due_on=row["deadline"],
            days=(day - row["deadline"]).days,
        )
        for row in rows
    ]
    more = ""
    if scope.level != STREET:
        more = _query(reverse("projects:project_list"), overdue="findings", district=_district_of(scope))
    return AlertKind(
        "findings", _("Inspection findings past their deadline"), total, alerts, more,
        (_("Project"), pgettext("dashboard alerts", "Finding"), _("Rectify by"), _("Days overdue")),
    )  # fmt: skip


def _overdue_complaints(scope):
    if not can(scope.user, "view", Complaint):
        return None
    day = _day(scope)
    complaints = (
        Complaint.objects.restrict(scope.user)
        .filter(overdue_q(day), region__path__startswith=scope.region.path)
        .order_by("deadline", "pk")
    )
    total, rows = _listed(
        complaints, "pk", "number", "category", "compound__name", "project__name", "deadline"
    )
    categories = dict(Complaint.Category.choices)
    url_of = address_maker("residents:complaint_detail")
    alerts = [
        Alert(
            title=row["number"],
            note=" · ".join(
                str(part)
                for part in (row["compound__name"] or row["project__name"], categories.get(row["category"]))
                if part
            ),
            url=url_of(row["pk"]),
            due_on=row["deadline"],
            days=(day - row["deadline"]).days,
        )
        for row in rows
    ]
    # The complaint list offers a street once its district is chosen.
    street = scope.region.pk if scope.level == STREET else None
    more = _query(
        reverse("residents:complaint_list"), overdue="true", district=_district_of(scope), street=street
    )
    return AlertKind(
        "complaints", _("Complaints past their deadline"), total, alerts, more,
        (_("Complaint number"), _("Compound · category"), _("Answer due by"), _("Days overdue")),
    )  # fmt: skip


def _idle_funds(scope):
    if not can(scope.user, "view", FundReceipt):
        return None
    day = _day(scope)
    # The ledger's own idle rule, alone (two queries; ledger_warnings would read every kind), in the
    # ledger page's order.
    rows = ledger_rows(scope.user, district=scope.region)
    warnings = sorted(idle_warnings(rows, day), key=lambda w: (w.project_name, w.project_id, w.text))
    alerts = [Alert(title=w.project_name, note=w.text, url=w.url) for w in warnings[:SHOWN]]
    more = ""
    if scope.level != STREET:
        more = _query(reverse("funding:ledger"), district=_district_of(scope)) + "#ledger-warnings"
    return AlertKind(
        "idle", _("Idle funds"), len(warnings), alerts, more, (_("Project"), _("What lies idle"), None, None)
    )


def _overdue_requests(scope):
    if not can(scope.user, "view", ApprovalRequest):
        return None
    day = _day(scope)
    requests = (
        ApprovalRequest.objects.restrict(scope.user)
        .filter(
            state=ApprovalRequest.State.PENDING,
            due_on__lt=day,
            region_path__startswith=scope.region.path,
        )
        .order_by("due_on", "pk")
    )
    total, rows = _listed(requests, "pk", "subject_repr", "flow__name", "current_stage__name", "due_on")
    url_of = address_maker("approvals:request_detail")
    alerts = [
        Alert(
            title=row["subject_repr"],
            note=f"{row['flow__name']} · {row['current_stage__name']}",
            url=url_of(row["pk"]),
            due_on=row["due_on"],
            days=(day - row["due_on"]).days,
        )
        for row in rows
    ]
    # No list gathers every overdue request of an area (the inbox is the user's own turn).
    return AlertKind(
        "requests", _("Requests overdue in approval"), total, alerts, "",
        (_("Subject"), _("Flow · stage"), pgettext("dashboard alerts", "Due on"), _("Days overdue")),
    )  # fmt: skip


KINDS = (_overdue_stages, _overdue_findings, _overdue_complaints, _idle_funds, _overdue_requests)


def _table(kind):
    """The kind's rows as a table; a column named None is one the kind has not (idle funds have no
    deadline)."""
    shown = [index for index, column in enumerate(kind.columns) if column is not None]
    if kind.more:
        title = _("%(kind)s: %(total)s, the first %(shown)s") % {
            "kind": kind.label, "total": kind.total, "shown": len(kind.rows),
        }  # fmt: skip
    else:
        title = _("%(kind)s: %(total)s") % {"kind": kind.label, "total": kind.total}
    return Table(
        title=title,
        columns=[kind.columns[index] for index in shown],
        rows=[[alert.cells[index] for index in shown] for alert in kind.rows],
        links=[alert.url for alert in kind.rows],
    )


def build(scope):
    kinds = [kind for kind in (read(scope) for read in KINDS) if kind is not None]
    if not kinds:
        return None
    summary = Table(
        title=_("Alerts by kind"),
        columns=[pgettext("dashboard alerts", "Alert"), pgettext("dashboard alerts", "Count")],
        rows=[[kind.label, kind.total] for kind in kinds],
        links=[kind.more_url or None for kind in kinds],
    )
    return Section(
        key="alerts",
        title=gettext_lazy("Alerts"),
        tables=[summary, *(_table(kind) for kind in kinds)],
        template="reports/dashboard/_alerts.html",
        data=kinds,
        width=12,
    )
