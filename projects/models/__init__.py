"""Models of projects: the compound registry and the catalogue of renovation content."""

from .archive import Attachment, ProjectPrerequisite
from .catalogue import ItemCategory, RenovationItem
from .project import Project, ProjectCompound
from .registry import EARLIEST_YEAR, Building, Compound
from .work import Finding, Inspection, ProgressReport, ProjectItem

__all__ = [
    "EARLIEST_YEAR", "Attachment", "Building", "Compound", "Finding", "Inspection", "ItemCategory",
    "ProgressReport", "Project", "ProjectCompound", "ProjectItem", "ProjectPrerequisite", "RenovationItem",
]  # fmt: skip
