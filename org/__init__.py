"""Regions (市→区县→街道→社区), organisations, users and roles, per-city policy."""
