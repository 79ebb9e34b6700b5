"""The project lifecycle driven by the city's approval flows (approvals/).

Declaring a project sends it through the annual plan declaration (street office → district bureau →
city programme office → city government); once that is approved, the joint review and approval
(住建, 发改, 财政, 自然资源, 行政审批 in one round → the city bureau's 批复 with its 文号) starts by
itself, and its approval takes the lifecycle's "approve" step with the date, the approving body and
the 文号. Completing construction sends the project through the completion acceptance, whose
approval takes the "accept" step. A rejection puts the project back where ``FLOW_STEPS`` says, with
the reason in its history; a return leaves it where it is, the reason on its page, until the
submitter resubmits.

A city without a published flow records these steps by hand, as before. City staff can still record
an approval obtained outside the portal: the running requests of that step end, withdrawn with the
note, and the history says the step was recorded by hand (services.project_transition).
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import ApprovalRequest, Flow, Record
from approvals.registry import Outcome, register_subject
from approvals.selectors import recorded
from approvals.services import request_settle, request_submit
from core.money import format_wan
from org.models import Region
from projects.models import Project, ProjectItem

from . import transitions
from .services import project_send_back, project_transition, project_transition_by_flow

S = Project.Stage
Code = Flow.Code


@dataclass(frozen=True)
class FlowStep:
    """How one flow drives the lifecycle: the step that starts it (None: another flow's approval
    does), the step its approval takes (None: it starts ``then``), the flow its approval starts,
    and the stage a rejection puts the project back to."""

    flow: str
    started_by: str | None
    approved_takes: str | None
    then: str | None
    rejected_to: str


FLOW_STEPS = {
    Code.PLAN_DECLARATION: FlowStep(Code.PLAN_DECLARATION, "declare", None, Code.PROJECT_APPROVAL, S.DECLARATION),
    Code.PROJECT_APPROVAL: FlowStep(Code.PROJECT_APPROVAL, None, "approve", None, S.DECLARATION),
    Code.COMPLETION_ACCEPTANCE: FlowStep(
        Code.COMPLETION_ACCEPTANCE, "complete_construction", "accept", None, S.CONSTRUCTION
    ),
}  # fmt: skip
# The manual step that settles a flow's requests when city staff record it by hand.
SETTLED_BY = {
    "approve": (Code.PLAN_DECLARATION, Code.PROJECT_APPROVAL),
    "accept": (Code.COMPLETION_ACCEPTANCE,),
}


# --- The project as an approval subject ----------------------------------------------------------

FACT_LABELS = {
    "area_level": gettext_lazy("area level"),
    "compound_names": gettext_lazy("compounds"),
    "items": gettext_lazy("renovation items"),
    "estimated_wan": gettext_lazy("estimated cost (10,000 yuan)"),
}


def project_facts(project):
    """What a flow's conditions read and what reviewers compare between rounds."""
    items = ProjectItem.objects.filter(project=project)
    per_category = (
        items.values("item__category__name", "item__category__order")
        .annotate(n=Count("pk"))
        .order_by("item__category__order")
    )
    estimated = items.aggregate(total=Sum("estimated_cost"))["total"]
    return {
        "name": project.name,
        "code": project.code,
        "plan_year": project.plan_year,
        # A street office reviews only its own street's projects (the seeded declaration's condition).
        "area_level": "街道" if project.region.level >= Region.Level.STREET else "区县",
        "compound_names": "、".join(sorted(project.compounds.values_list("name", flat=True))),
        "items": "、".join(f"{row['item__category__name']} {row['n']} 项" for row in per_category) or "—",
        # In 万元 without separators, so a condition reads it as a number: estimated_wan >= 500.
        "estimated_wan": format_wan(estimated).replace(",", "") if estimated is not None else None,
        "implementing_entity": project.implementing_entity,
        "contractor": project.contractor,
        "planned_start": project.planned_start,
        "planned_completion": project.planned_completion,
    }


def project_decided(*, request, subject, outcome, actor):
    """A flow's request of ``subject`` ended (or went back to its submitter): move the project as
    ``FLOW_STEPS`` says. Runs inside the decision's transaction: a refusal here refuses the decision,
    and the reviewer reads why."""
    flow_step = FLOW_STEPS.get(request.flow.code)
    if flow_step is None or outcome == Outcome.RETURNED:
        return  # a return waits for the submitter; the project page shows the reason
    if outcome in (Outcome.REJECTED, Outcome.WITHDRAWN):
        # Refused, or taken back by whoever sent it: the project goes back to where it was sent from.
        reason = request.steps.filter(action__in=("reject", "withdraw")).order_by("-at", "-id").first()
        project_send_back(
            actor=actor, project=subject, stage=flow_step.rejected_to, request=request,
            reason=(reason.opinion if reason else "") or str(request.get_state_display()),
            withdrawn=outcome == Outcome.WITHDRAWN,
        )  # fmt: skip
        return
    if outcome != Outcome.APPROVED:
        return
    if flow_step.then:
        request_submit(
            subject=subject, flow_code=flow_step.then, actor=request.submitter,
            comment=_("The annual plan was approved: on to the joint review."),
        )  # fmt: skip
        return
    today = timezone.localdate()
    inputs = {"approve": {"approved_on": today, "approval_body": actor.organisation.name,
                          "approval_number": recorded(request, Record.DOCUMENT_NUMBER)},
              "accept": {"accepted_on": today}}[flow_step.approved_takes]  # fmt: skip
    project_transition_by_flow(
        actor=actor, project=subject, action=flow_step.approved_takes, request=request, **inputs
    )


def register():
    register_subject(
        Project,
        flows=list(FLOW_STEPS),
        region_path=lambda project: project.region.path,
        facts=project_facts,
        on_decided=project_decided,
        label=gettext_lazy("renovation project"),
        fact_labels=FACT_LABELS,
    )
    for flow_step in FLOW_STEPS.values():
        if flow_step.started_by:
            transitions.register_effect(flow_step.started_by, _start(flow_step.flow))


# --- Starting and settling flows from the lifecycle ------------------------------------------------


def city_has_flow(project, code):
    return Flow.objects.filter(
        city_id=project.city_id, code=code, versions__published_at__isnull=False
    ).exists()


# What the user sent with a step that starts a flow (its note and files), for the step's effect.
_sent_with_step = ContextVar("sent_with_step", default=None)


def starts_flow(project, action):
    """Whether ``action`` sends ``project`` into one of its city's flows."""
    return any(
        flow_step.started_by == action and city_has_flow(project, flow_step.flow)
        for flow_step in FLOW_STEPS.values()
    )


def take_step(*, actor, project, action, note="", comment="", attachments=(), **inputs):
    """A step from the project page: recorded by hand where a flow of it runs (``note``), and with
    the note to the reviewers and the files (``comment``, ``attachments``) where it starts a flow."""
    token = _sent_with_step.set({"comment": comment, "attachments": attachments})
    try:
        return record_by_hand(actor=actor, project=project, action=action, note=note, **inputs)
    finally:
        _sent_with_step.reset(token)


def _start(code):
    def start_flow(*, actor, project, transition):
        """The step starts the city's flow (a city without one records the next steps by hand)."""
        if city_has_flow(project, code):
            sent = _sent_with_step.get() or {}
            request_submit(
                subject=project, flow_code=code, actor=actor, comment=sent.get("comment") or transition.label,
                attachments=sent.get("attachments") or (),
            )  # fmt: skip

    start_flow.__name__ = f"start_{code}"
    return start_flow


def requests_of(project):
    """Every request of ``project``, newest first (not restricted: callers restrict or check)."""
    return ApprovalRequest.objects.filter(
        content_type=ContentType.objects.get_for_model(Project), object_id=str(project.pk)
    ).select_related("flow", "current_stage", "submitter", "submitter_organisation")


def open_requests(project, codes=None):
    requests = requests_of(project).filter(state__in=ApprovalRequest.OPEN_STATES)
    return requests.filter(flow__code__in=codes) if codes else requests


def record_by_hand(*, actor, project, action, note="", **inputs):
    """City staff record a step a flow would take (an approval, an acceptance) obtained outside the
    portal: with a flow of it under way, a note saying where is required, and its requests end,
    withdrawn with that note. One transaction; the history says it was recorded by hand."""
    with transaction.atomic():
        running = list(open_requests(project, SETTLED_BY.get(action, ())))
        note = (note or "").strip()
        if running and not note:
            raise ValidationError(
                {
                    "outside_note": _(
                        "Say where this approval was obtained: the running approval flow ends with it."
                    )
                }
            )
        project = project_transition(actor=actor, project=project, action=action, outside_note=note, **inputs)
        for request in running:
            request_settle(
                request=request, actor=actor,
                reason=_("Recorded by hand in the project: %(note)s") % {"note": note},
            )  # fmt: skip
    return project


__all__ = ["FLOW_STEPS", "SETTLED_BY", "open_requests", "record_by_hand", "register", "requests_of"]
