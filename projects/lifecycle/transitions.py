"""The project lifecycle as data: which action moves a project from which stage to which, who may
take it, what it records, which pipeline pools the project and its compounds enter, and what must
be true first.

The table is closed; what stands in a step's way is open. A *guard* gives the reasons a project
cannot take a step now (a disabled button explains itself with them); an *input guard* checks
what the user gives with the step; a *warning* is shown beside the step without blocking it; an
*effect* runs after the step, inside its transaction. Each part registers its own from where its
data lives (the archive: prerequisites before the plan; the works: no open critical finding at
acceptance), and so will approvals, funding and residents, from their apps, without editing this
module. ``project_transition`` (lifecycle.services) carries out any row, so an approval flow can
drive the same steps as the buttons on the project page.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Compound, Project

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
    # The pipeline pool the project, and the compounds it bundles, enter with this step.
    project_pool: str = ""
    compound_pool: str = ""


TRANSITIONS = (
    Transition("finish_survey", _("Finish the needs survey"), S.SURVEY, S.DESIGN, ADVANCE,
               ("survey_completed_on",), ("survey_completed_on",)),
    Transition("finish_design", _("Finish the preliminary plan and budget"), S.DESIGN, S.DECLARATION, ADVANCE,
               ("design_completed_on",), ("design_completed_on",)),
    Transition("declare", _("Declare for the annual plan"), S.DECLARATION, S.REVIEW, ADVANCE,
               ("declared_on",), ("declared_on",), project_pool=Project.Pool.PLANNING),
    Transition("approve", _("Record the approval"), S.REVIEW, S.PROCUREMENT, APPROVE,
               ("approved_on", "approval_body", "approval_number"), ("approved_on", "approval_body", "approval_number"),
               project_pool=Project.Pool.IMPLEMENTATION, compound_pool=Compound.Pool.IMPLEMENTATION),
    Transition("start_construction", _("Start construction"), S.PROCUREMENT, S.CONSTRUCTION, ADVANCE,
               ("started_on", "permit_number", "permit_exempt"), ("started_on",)),
    Transition("complete_construction", _("Complete construction"), S.CONSTRUCTION, S.ACCEPTANCE, ADVANCE,
               ("completed_on",), ("completed_on",)),
    Transition("accept", _("Record the completion acceptance"), S.ACCEPTANCE, S.HANDOVER, APPROVE,
               ("accepted_on",), ("accepted_on",), compound_pool=Compound.Pool.RENOVATED),
    Transition("hand_over", _("Hand over to management"), S.HANDOVER, S.AUDIT, ADVANCE,
               ("handed_over_on", "management_entity"), ("handed_over_on", "management_entity")),
    Transition("record_audit", _("Record the audit"), S.AUDIT, S.CLOSED, APPROVE,
               ("audited_on",), ("audited_on",)),
)  # fmt: skip

BY_ACTION = {t.action: t for t in TRANSITIONS}
# The dates the steps record, in order (each step's first input): a date cannot precede the one before.
FACT_DATES = tuple(t.inputs[0] for t in TRANSITIONS)
# Every fact a step records, in the order of the steps.
FACT_FIELDS = tuple(dict.fromkeys(name for t in TRANSITIONS for name in t.inputs))


def transition_for(action):
    return BY_ACTION.get(action)


def next_transition(project):
    """The one transition that leads out of the project's stage (None once closed)."""
    return next((t for t in TRANSITIONS if t.source == project.stage), None)


class Reason(str):
    """A reason a step is blocked, saying where to put it right: ``fix``, the URL name of a page of
    the project (it takes the project's pk), or ``anchor``, a section of the project page."""

    def __new__(cls, text, *, fix="", anchor=""):
        reason = super().__new__(cls, text)
        reason.fix, reason.anchor = fix, anchor
        return reason


ROLE_CANNOT = _("Your role cannot take this step.")


# --- what parts and apps register -----------------------------------------------------------------

_GUARDS = defaultdict(list)
_INPUT_GUARDS = defaultdict(list)
_WARNINGS = defaultdict(list)
_EFFECTS = defaultdict(list)
EVERY_STEP = "*"


def _register(table, action, fn):
    if action != EVERY_STEP and action not in BY_ACTION:
        raise LookupError(f"No lifecycle step {action!r}; known: {', '.join(BY_ACTION)}")
    if fn not in table[action]:  # a module imported twice registers once
        table[action].append(fn)
    return fn


def register_guard(action, guard):
    """``guard(project) -> [reason]``: why the project cannot take ``action`` (or any step, for
    ``EVERY_STEP``) now. Reasons are sentences for the user."""
    return _register(_GUARDS, action, guard)


def register_input_guard(action, guard):
    """``guard(project, inputs) -> [reason]``: what is wrong with the values given with the step."""
    return _register(_INPUT_GUARDS, action, guard)


def register_warning(action, warning):
    """``warning(project) -> [note]``: shown beside the step, never blocking it."""
    return _register(_WARNINGS, action, warning)


def register_effect(action, effect):
    """``effect(*, actor, project, transition)``: runs after the step is saved, in its transaction
    (raising ValidationError there refuses the whole step)."""
    return _register(_EFFECTS, action, effect)


def _registered(table, action):
    return [*table[EVERY_STEP], *table[action]]


def effects_for(transition):
    return _registered(_EFFECTS, transition.action)


def warnings_for(transition, project):
    return [note for warning in _registered(_WARNINGS, transition.action) for note in warning(project)]


def blockers(transition, project, user, inputs=None):
    """Why ``user`` cannot take ``transition`` on ``project`` now; empty when they can.

    With ``inputs`` None only the project's own state is checked (to explain a disabled button);
    with inputs, the values the user gave are checked too.
    """
    if project.stage != transition.source:
        return [
            _("The project is at “%(stage)s”; this step belongs to “%(source)s”.")
            % {"stage": project.get_stage_display(), "source": S(transition.source).label}
        ]
    reasons = []
    if not user.has_perm(transition.permission):
        reasons.append(str(ROLE_CANNOT))
    for guard in _registered(_GUARDS, transition.action):
        reasons.extend(guard(project))
    if inputs is not None:
        for guard in _registered(_INPUT_GUARDS, transition.action):
            reasons.extend(guard(project, inputs))
        for name in transition.required:
            if inputs.get(name) in (None, ""):
                label = Project._meta.get_field(name).verbose_name
                reasons.append(_("“%(field)s” is required.") % {"field": label})
    return reasons


# --- the lifecycle's own guards: what the project itself must hold ----------------------------------

EDIT = "projects:project_edit"  # where the project's own fields are put right


def needs_compounds(project):
    return [] if project.compounds.exists() else [Reason(_("The project has no compound."), fix=EDIT)]


def needs_plan_year(project):
    return (
        [] if project.plan_year else [Reason(_("Set the plan year before declaring the project."), fix=EDIT)]
    )


def needs_contractor(project):
    return (
        []
        if project.contractor
        else [Reason(_("Record the contractor (the winning bidder) first."), fix=EDIT)]
    )


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


register_guard("finish_survey", needs_compounds)
register_guard("declare", needs_plan_year)
register_guard("start_construction", needs_contractor)
register_input_guard(EVERY_STEP, dates_in_order)
register_input_guard("start_construction", needs_permit)
