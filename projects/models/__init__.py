"""Models of projects: the compound registry and the catalogue of renovation content."""

from .catalogue import ItemCategory, RenovationItem
from .registry import EARLIEST_YEAR, Building, Compound

__all__ = ["EARLIEST_YEAR", "Building", "Compound", "ItemCategory", "RenovationItem"]
