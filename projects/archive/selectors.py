"""Reads of a project's archive: what it still lacks, and the prerequisites checklist."""

from django.db.models import Exists, OuterRef

from projects.models import Attachment, Prerequisite, ProjectPolicy, ProjectPrerequisite


def archive_missing(project):
    """Labels of the document types the archive must hold at acceptance and does not yet."""
    present = set(project.attachments.values_list("kind", flat=True).distinct())
    return [Attachment.Kind(kind).label for kind in Attachment.ARCHIVE_AT_ACCEPTANCE if kind not in present]


def prerequisites_asked(project, policy=None):
    """The prerequisites the city's policy in force asks of ``project``, in the policy's order."""
    policy = policy or ProjectPolicy.in_force(project.city_id)
    return [
        Prerequisite(kind) for kind in (policy.prerequisites if policy else []) if kind in Prerequisite.values
    ]


def prerequisite_checklist(user, project, policy=None):
    """[(Prerequisite, ProjectPrerequisite or None)] in the order of the city's policy, the ticks
    read as ``user`` may see them."""
    met = {
        row.kind: row
        for row in ProjectPrerequisite.objects.restrict(user)
        .filter(project=project)
        .select_related("evidence")
    }
    return [(kind, met.get(kind)) for kind in prerequisites_asked(project, policy)]


# What apps above projects know about a prerequisite, shown under its row of the checklist.
_NOTES = {}


def register_prerequisite_note(kind, note):
    """``note(user, project) -> (text, url) or None``: what an app above projects computes about a
    prerequisite of the checklist (how many households have paid, say), shown under its row; the
    tick stays the user's."""
    _NOTES[Prerequisite(kind)] = note


def prerequisite_notes(user, project, checklist):
    """[(prerequisite value, text, url)] of the registered notes of the checklist's rows."""
    notes = []
    for kind, _met in checklist:
        note = _NOTES.get(kind)
        found = note(user, project) if note is not None else None
        if found:
            notes.append((kind.value, *found))
    return notes


def prerequisites_missing(project, *, blocking_only=False, as_kinds=False):
    """Labels (``as_kinds``: the Prerequisite members) of the prerequisites asked and not met; with
    ``blocking_only``, only where the city's policy makes them a condition of the annual plan."""
    policy = ProjectPolicy.in_force(project.city_id)
    if policy is None or (blocking_only and not policy.prerequisites_block_plan):
        return []
    met = set(ProjectPrerequisite.objects.filter(project=project).values_list("kind", flat=True))
    missing = [kind for kind in prerequisites_asked(project, policy) if kind not in met]
    return missing if as_kinds else [kind.label for kind in missing]


def attachments(user, project):
    """The project's files ``user`` may see, each knowing whether it proves a prerequisite and
    whether ``user`` may remove it (``may_delete``, the model's own answer)."""
    rows = list(
        Attachment.objects.restrict(user)
        .filter(project=project)
        .select_related("uploaded_by")
        .annotate(proves_prerequisite=Exists(ProjectPrerequisite.objects.filter(evidence=OuterRef("pk"))))
    )
    for row in rows:
        row.project = project
        row.may_delete = row.can_be_deleted_by(user)
    return rows
