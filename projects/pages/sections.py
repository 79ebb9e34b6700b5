"""The project page, composed from each part's reads: every section reads its records through the
records' own model permission (a role that may see the project need not see its files, say), and
says what the user may do there, asking the project's own yes/no questions."""

from django.utils import timezone

from approvals.models import ApprovalRequest
from approvals.selectors import waiting_organisations
from core.permissions import can
from projects.archive import selectors as archive
from projects.archive.forms import AttachmentForm, PrerequisiteForm
from projects.lifecycle import flows
from projects.lifecycle import selectors as lifecycle
from projects.lifecycle.forms import transition_form
from projects.lifecycle.schedule import deadlines
from projects.lifecycle.transitions import ROLE_CANNOT, blockers, next_transition, warnings_for
from projects.models import (
    Attachment,
    Inspection,
    ProgressReport,
    ProjectItem,
    ProjectPolicy,
    ProjectPrerequisite,
)
from projects.works import selectors as works
from projects.works.forms import FindingCloseForm

from .links import project_links


def project_page(user, project, step_form=None):
    """Everything the project page shows below its title."""
    step = next_transition(project)
    compounds, compound_totals = lifecycle.project_compounds(user, project)
    # The step's form only for whoever may take it; everybody else reads who acts instead.
    takes_step = bool(step) and user.has_perm(step.permission) and project.is_run_by(user)
    approval = project_approvals(user, project, step)
    if takes_step and step_form is None:
        step_form = transition_form(
            step, outside_note=bool(approval["running"]), starts_flow=flows.starts_flow(project, step.action)
        )
    return {
        **approval,
        "field_rows": lifecycle.plan_rows(project) + lifecycle.fact_rows(project),
        "stages": lifecycle.stage_bar(project),
        "step": step,
        "takes_step": takes_step,
        "step_actor": lifecycle.acting_organisation(step, project) if step and not takes_step else None,
        "step_blockers": [r for r in blockers(step, project, user) if r != str(ROLE_CANNOT)] if step else [],
        "step_warnings": warnings_for(step, project) if step else [],
        "step_form": step_form if takes_step else None,
        "compounds": compounds,
        "compound_totals": compound_totals,
        "project_links": project_links(user, project),
        **project_sections(user, project),
    }


def project_sections(user, project):
    """Deadlines, items, prerequisites, progress, inspections and the archive, each read in one or
    two queries, each shown only to whoever may see its records."""
    policy = ProjectPolicy.in_force(project.city_id)
    shows = {
        "items": can(user, "view", ProjectItem),
        "prerequisites": can(user, "view", ProjectPrerequisite),
        "progress": can(user, "view", ProgressReport),
        "inspections": can(user, "view", Inspection),
        "attachments": can(user, "view", Attachment),
    }
    sections = {"shows": shows, "deadlines": deadlines(project, policy), "may": _may(user, project)}
    if shows["items"]:
        item_rows, grand_total = works.item_totals(project)
        items = list(works.project_items(user, project))
        sections.update(
            items_by_category=[
                (category, totals, [row for row in items if row.item.category_id == category.pk])
                for category, totals in item_rows
            ],
            grand_total=grand_total,
            missing_basic=works.missing_basic_items(project),
        )
    if shows["prerequisites"]:
        checklist = archive.prerequisite_checklist(user, project, policy)
        sections.update(
            checklist=checklist,
            prerequisite_notes=archive.prerequisite_notes(user, project, checklist),
            prerequisites_block_plan=bool(policy and policy.prerequisites_block_plan),
            prerequisite_form=PrerequisiteForm(initial={"met_on": timezone.localdate().isoformat()}),
        )
    if shows["progress"]:
        sections["progress_reports"] = works.progress_reports(user, project)
    if shows["inspections"]:
        sections.update(
            inspections=works.inspections(user, project),
            close_form=FindingCloseForm(initial={"closed_on": timezone.localdate().isoformat()}),
        )
    if shows["attachments"]:
        sections.update(attachments=archive.attachments(user, project), attachment_form=AttachmentForm())
    return sections


def _may(user, project):
    """What the user may do on the page: the role's permission and the project's own rule, the same
    pair the services enforce."""
    # The project itself (its fields, items, steps) is changed only by whoever works in its own
    # area; a clerk who reads a bundle through her street's compound adds records to it.
    runs = project.is_run_by(user)
    return {
        "edit": runs and can(user, "change", project.__class__) and project.can_be_edited(),
        "delete": runs and can(user, "delete", project.__class__) and project.can_be_deleted(),
        "items": runs and user.has_perm("projects.change_projectitem") and not project.items_are_frozen(),
        "prerequisites": user.has_perm("projects.add_projectprerequisite"),
        "untick_prerequisites": user.has_perm("projects.delete_projectprerequisite")
        and not project.prerequisites_are_settled(),
        "progress": user.has_perm("projects.add_progressreport") and project.takes_progress_reports(),
        "inspect": user.has_perm("projects.add_inspection"),
        "close_findings": user.has_perm("projects.change_finding"),
        "attach": user.has_perm("projects.add_attachment"),
    }


def project_approvals(user, project, step):
    """The project's approval requests the user may read, newest first; the one under way for the
    next step (``running``: the flow moves the project on, so the step's form becomes recording an
    approval obtained outside the portal); the reason it was last returned or rejected."""
    requests = list(
        flows.requests_of(project)
        .filter(pk__in=ApprovalRequest.objects.restrict(user).values("pk"))
        .order_by("-submitted_at", "-id")
    )
    settled = flows.SETTLED_BY.get(step.action, ()) if step else ()
    running = next((r for r in requests if r.is_open() and r.flow.code in settled), None)
    last_no = None
    if running is not None and running.state == ApprovalRequest.State.RETURNED:
        last_no = running.steps.filter(action="return").select_related("actor_organisation").last()
    elif requests and requests[0].state == ApprovalRequest.State.REJECTED:
        last_no = requests[0].steps.filter(action="reject").select_related("actor_organisation").last()
    return {
        "approval_requests": requests,
        "running": running,
        "running_waits_for": waiting_organisations(running) if running and running.state == "pending" else [],
        "last_no": last_no,
        "last_no_request": running if running is not None and last_no else (requests[0] if last_no else None),
    }
