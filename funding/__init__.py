"""Funding sources, plans, receipts, disbursements, subsidy and contribution rules."""
