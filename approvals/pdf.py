"""The printable approval form (审批表) of a request: what was decided, every stage with its
organisations, opinions, names and dates, as one PDF (core.pdf: WeasyPrint with CJK fonts).

An official document, so it is written in Chinese whatever language the user reads the site in.
"""

from dataclasses import dataclass, field

from django.utils import timezone, translation

from core.pdf import render_pdf

from . import selectors
from .models import ApprovalRequest, Stage, Step
from .registry import fact_display, fact_label, subject_label

TEMPLATE = "approvals/pdf/approval_form.html"
DECISIONS = (Step.Action.APPROVE, Step.Action.RETURN, Step.Action.REJECT, Step.Action.PASS)
SENDINGS = (Step.Action.SUBMIT, Step.Action.RESUBMIT, Step.Action.WITHDRAW)


@dataclass
class FormStage:
    """One stage on the form: its decisions so far (oldest first), else the organisations that act."""

    stage: Stage
    state: str
    steps: list = field(default_factory=list)
    awaited: list = field(default_factory=list)
    actors: str = ""

    @property
    def rows(self):
        return max(1, len(self.steps) + len(self.awaited))


def _name(user):
    return (user.get_full_name() or user.username) if user is not None else ""


def form_stages(request):
    """[FormStage] of the request's flow version in order, with the decision steps of each (every
    round's, so a return shows with the approval that followed it) and, at the current stage, the
    organisations still awaited this round."""
    steps_by_stage = {}
    for step in selectors.timeline(request):
        if step.action in DECISIONS:
            steps_by_stage.setdefault(step.stage_id, []).append(step)
    awaited = (
        selectors.waiting_organisations(request) if request.state == ApprovalRequest.State.PENDING else []
    )
    rows = []
    for stage, state in selectors.stages_with_state(request):
        row = FormStage(
            stage=stage,
            state=state,
            steps=steps_by_stage.get(stage.pk, []),
            actors="、".join(str(actor) for actor in stage.actors.all()),
        )
        if stage.pk == request.current_stage_id:
            row.awaited = awaited
        rows.append(row)
    return rows


def approval_form_context(request, *, printed_by):
    """What the 审批表 shows of ``request`` (already restricted by the caller)."""
    model = request.content_type.model_class()
    steps = list(selectors.timeline(request))
    snapshot = next((step.facts for step in reversed(steps) if step.facts is not None), None) or {}
    return {
        "request": request,
        "city": request.flow.city.name,
        "subject_label": subject_label(model),
        "facts": [(fact_label(model, name), fact_display(value)) for name, value in snapshot.items()],
        "sendings": [step for step in steps if step.action in SENDINGS],
        "stages": form_stages(request),
        "files": [row for row in request.attachments.all() if row.removed_in_round is None],
        "submitter": _name(request.submitter),
        "printed_by": _name(printed_by),
        "printed_at": timezone.localtime(),
    }


def approval_form_pdf(request, *, printed_by):
    """The 审批表 of ``request`` as PDF bytes (raises core.pdf.PdfError when it cannot be made)."""
    with translation.override("zh-hans"):
        return render_pdf(TEMPLATE, approval_form_context(request, printed_by=printed_by))
