"""Models of projects: the compound registry and the catalogue of renovation content."""

from .catalogue import ItemCategory, RenovationItem
from .project import Project, ProjectCompound
from .registry import EARLIEST_YEAR, Building, Compound

__all__ = [
    "EARLIEST_YEAR", "Building", "Compound", "ItemCategory", "Project", "ProjectCompound", "RenovationItem",
]  # fmt: skip
