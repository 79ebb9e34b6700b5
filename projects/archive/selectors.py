"""Reads of a project's archive: what it still lacks, and the prerequisites checklist."""

from org.models import CityPolicy, Prerequisite
from projects.models import Attachment


def archive_missing(project):
    """Labels of the document types the archive must hold at acceptance and does not yet."""
    present = set(project.attachments.values_list("kind", flat=True).distinct())
    return [Attachment.Kind(kind).label for kind in Attachment.ARCHIVE_AT_ACCEPTANCE if kind not in present]


def prerequisite_checklist(project, policy=None):
    """[(Prerequisite, ProjectPrerequisite or None)] in the order of the city's policy."""
    policy = policy or CityPolicy.in_force(project.city_id)
    kinds = [kind for kind in (policy.prerequisites if policy else []) if kind in Prerequisite.values]
    met = {row.kind: row for row in project.prerequisites.select_related("evidence")}
    return [(Prerequisite(kind), met.get(kind)) for kind in kinds]


def prerequisites_missing(project, *, blocking_only=False):
    policy = CityPolicy.in_force(project.city_id)
    if policy is None or (blocking_only and not policy.prerequisites_block_plan):
        return []
    return [kind.label for kind, met in prerequisite_checklist(project, policy) if met is None]
