"""Household contributions: due amounts from the city's rule, payments that feed the ledger, and
the residents-contribute prerequisite."""
