"""The menu group the reports' pages share (progress, monthly reports, notices)."""

REPORTS_GROUP = "reports"
