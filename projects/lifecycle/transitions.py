"""The project lifecycle as data: which action moves a project from which stage to which, who may
take it, what it must record, and what must be true first.

``project_transition`` (projects.services) carries out any row of this table, so an approval flow
(a later issue) can drive the same transitions as the buttons on the project page.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.archive.selectors import prerequisites_missing
from projects.models import Finding, Project

S = Project.Stage
ADVANCE = "projects.advance_project"
APPROVE = "projects.approve_project"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: str
    target: str
    permission: str
    # Inputs the user gives, as Project field names; each is recorded on the project.
    inputs: tuple
    required: tuple = ()
    # guard(project) -> reasons: what the project itself must satisfy (explains a disabled button).
    guards: tuple = ()
    # guard(project, inputs) -> reasons: checks of what the user gives with the step.
    input_guards: tuple = ()


def needs_compounds(project):
    if not project.compounds.exists():
        return [_("The project has no compound.")]
    return []


def needs_plan_year(project):
    return [] if project.plan_year else [_("Set the plan year before declaring the project.")]


def needs_contractor(project):
    return [] if project.contractor else [_("Record the contractor (the winning bidder) first.")]


def needs_prerequisites(project):
    """Where the city's policy says so, its checklist must be complete before the annual plan."""
    return [
        _("Prerequisite not met yet: %(prerequisite)s.") % {"prerequisite": label}
        for label in prerequisites_missing(project, blocking_only=True)
    ]


def no_open_critical_findings(project):
    open_critical = Finding.objects.open().filter(
        inspection__project=project, severity=Finding.Severity.CRITICAL
    )
    return [
        _("Critical inspection finding still open: %(finding)s (rectify by %(deadline)s).")
        % {"finding": finding.description, "deadline": finding.deadline.isoformat()}
        for finding in open_critical
    ]


def dates_in_order(project, inputs):
    """A recorded date is not in the future, nor before the date the previous step recorded."""
    reasons = []
    today = timezone.localdate()
    for name in FACT_DATES:
        day = inputs.get(name)
        if not day:
            continue
        label = Project._meta.get_field(name).verbose_name
        earlier = [getattr(project, before) for before in FACT_DATES[: FACT_DATES.index(name)]]
        latest = max((d for d in earlier if d), default=None)
        if day > today:
            reasons.append(_("“%(field)s” cannot be in the future.") % {"field": label})
        elif latest and day < latest:
            reasons.append(
                _("“%(field)s” cannot be before %(date)s, the date of the previous step.")
                % {"field": label, "date": latest.isoformat()}
            )
    return reasons


def needs_permit(project, inputs):
    if inputs.get("permit_exempt") or inputs.get("permit_number"):
        return []
    return [_("Give the construction permit number, or mark the project as exempt.")]


TRANSITIONS = (
    Transition("finish_survey", _("Finish the needs survey"), S.SURVEY, S.DESIGN, ADVANCE,
               ("survey_completed_on",), ("survey_completed_on",), (needs_compounds,)),
    Transition("finish_design", _("Finish the preliminary plan and budget"), S.DESIGN, S.DECLARATION, ADVANCE,
               ("design_completed_on",), ("design_completed_on",)),
    Transition("declare", _("Declare for the annual plan"), S.DECLARATION, S.REVIEW, ADVANCE,
               ("declared_on",), ("declared_on",), (needs_plan_year, needs_prerequisites)),
    Transition("approve", _("Record the approval"), S.REVIEW, S.PROCUREMENT, APPROVE,
               ("approved_on", "approval_body", "approval_number"), ("approved_on", "approval_body", "approval_number")),
    Transition("start_construction", _("Start construction"), S.PROCUREMENT, S.CONSTRUCTION, ADVANCE,
               ("started_on", "permit_number", "permit_exempt"), ("started_on",), (needs_contractor,), (needs_permit,)),
    Transition("complete_construction", _("Complete construction"), S.CONSTRUCTION, S.ACCEPTANCE, ADVANCE,
               ("completed_on",), ("completed_on",)),
    Transition("accept", _("Record the completion acceptance"), S.ACCEPTANCE, S.HANDOVER, APPROVE,
               ("accepted_on",), ("accepted_on",), (no_open_critical_findings,)),
    Transition("hand_over", _("Hand over to management"), S.HANDOVER, S.AUDIT, ADVANCE,
               ("handed_over_on", "management_entity"), ("handed_over_on", "management_entity")),
    Transition("record_audit", _("Record the audit"), S.AUDIT, S.CLOSED, APPROVE,
               ("audited_on",), ("audited_on",)),
)  # fmt: skip

BY_ACTION = {t.action: t for t in TRANSITIONS}
# The dates the steps record, in order (each step's first input): a date cannot precede the one before.
FACT_DATES = tuple(t.inputs[0] for t in TRANSITIONS)


def transition_for(action):
    return BY_ACTION.get(action)


def next_transition(project):
    """The one transition that leads out of the project's stage (None once closed)."""
    return next((t for t in TRANSITIONS if t.source == project.stage), None)


def blockers(transition, project, user, inputs=None):
    """Why ``user`` cannot take ``transition`` on ``project`` now; empty when they can.

    With ``inputs`` None only the project's own state is checked (to explain a disabled button);
    with inputs, the values the user gave are checked too.
    """
    reasons = []
    if project.stage != transition.source:
        reasons.append(
            _("The project is at “%(stage)s”; this step belongs to “%(source)s”.")
            % {"stage": project.get_stage_display(), "source": S(transition.source).label}
        )
        return reasons
    if not user.has_perm(transition.permission):
        reasons.append(_("Your role cannot take this step."))
    for guard in transition.guards:
        reasons.extend(guard(project))
    if inputs is not None:
        for guard in (dates_in_order, *transition.input_guards):
            reasons.extend(guard(project, inputs))
    if inputs is not None:
        for name in transition.required:
            if inputs.get(name) in (None, ""):
                label = Project._meta.get_field(name).verbose_name
                reasons.append(_("“%(field)s” is required.") % {"field": label})
    return reasons
