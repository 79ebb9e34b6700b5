"""Models of projects: the compound registry, the item catalogue, projects with their items, progress,
inspections and archive, and the projects' section of a city's policy."""

from .archive import Attachment, ProjectPrerequisite
from .catalogue import ItemCategory, RenovationItem
from .policy import DeadlineKind, Milestone, Prerequisite, ProjectPolicy
from .project import Project, ProjectCompound
from .quota import AnnualQuota
from .registry import EARLIEST_YEAR, Building, Compound
from .work import Finding, Inspection, ProgressReport, ProjectItem

__all__ = [
    "EARLIEST_YEAR", "AnnualQuota", "Attachment", "Building", "Compound", "DeadlineKind", "Finding", "Inspection", "ItemCategory",
    "Milestone", "Prerequisite", "ProgressReport", "Project", "ProjectCompound", "ProjectItem", "ProjectPolicy",
    "ProjectPrerequisite", "RenovationItem",
]  # fmt: skip
