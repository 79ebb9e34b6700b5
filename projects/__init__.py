"""Compound registry, buildings, projects, item catalogue, lifecycle, annual plans and quotas, inspections."""
