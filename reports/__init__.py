"""Quota progress, monthly report snapshots, dashboards, PDF notices and their numbers."""
