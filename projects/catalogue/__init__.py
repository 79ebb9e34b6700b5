"""The catalogue of renovation content (改造内容): categories, items, who pays by default."""

# Migration 0005 loads the catalogue through this name.
from .services import catalogue_load

__all__ = ["catalogue_load"]
