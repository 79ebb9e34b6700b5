"""The project page below its plan, composed from each part's reads."""

from django.db.models import Prefetch
from django.utils import timezone

from org.models import CityPolicy
from projects.archive.forms import AttachmentForm, PrerequisiteForm
from projects.archive.selectors import prerequisite_checklist
from projects.lifecycle.schedule import deadlines
from projects.models import Finding
from projects.works.forms import FindingCloseForm
from projects.works.selectors import item_totals, missing_basic_items


def project_sections(user, project):
    """What the project page shows below its plan: deadlines, items, prerequisites, progress,
    inspections and the archive, each read in one or two queries."""
    policy = CityPolicy.in_force(project.city_id)
    item_rows, grand_total = item_totals(project)
    items = list(project.items.select_related("item__category"))
    return {
        "deadlines": deadlines(project, policy),
        "items_by_category": [
            (category, totals, [row for row in items if row.item.category_id == category.pk])
            for category, totals in item_rows
        ],
        "grand_total": grand_total,
        "missing_basic": missing_basic_items(project),
        "checklist": prerequisite_checklist(project, policy),
        "prerequisites_block_plan": bool(policy and policy.prerequisites_block_plan),
        "progress_reports": project.progress_reports.select_related("reported_by").prefetch_related("photos"),
        "inspections": project.inspections.prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("requested_item"))
        ),
        "attachments": project.attachments.select_related("uploaded_by"),
        "attachment_form": AttachmentForm(),
        "prerequisite_form": PrerequisiteForm(initial={"met_on": timezone.localdate().isoformat()}),
        "close_form": FindingCloseForm(initial={"closed_on": timezone.localdate().isoformat()}),
        "may": {
            "items": user.has_perm("projects.change_projectitem") and not project.items_are_frozen(),
            "prerequisites": user.has_perm("projects.add_projectprerequisite"),
            "untick_prerequisites": user.has_perm("projects.delete_projectprerequisite")
            and not project.prerequisites_are_settled(),
            "progress": user.has_perm("projects.add_progressreport") and project.takes_progress_reports(),
            "inspect": user.has_perm("projects.add_inspection"),
            "close_findings": user.has_perm("projects.change_finding"),
            "attach": user.has_perm("projects.add_attachment"),
            "remove_attachments": user.has_perm("projects.delete_attachment")
            and not project.archive_is_sealed(),
        },
    }
