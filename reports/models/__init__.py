"""The reports app's tables, one module per part: notices (the register of official documents),
monthly (the monthly report snapshots and the reports section of the city policy), public (the
public pages of projects)."""

from .monthly import MonthlyReport, ReportPolicy
from .notices import DocumentCounter, Notice, NoticeIssuer
from .public import ProjectPublicPage

__all__ = ["DocumentCounter", "MonthlyReport", "Notice", "NoticeIssuer", "ProjectPublicPage", "ReportPolicy"]
