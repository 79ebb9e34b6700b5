"""What the monthly report registers from reports' AppConfig.ready(): the permissions each role gets,
the reports section of the city policy, its job kind and beat task, and its menu entry.

City staff build and submit their city's report; district staff, department reviewers, leaders and
auditors read it; the system administrator (the superior role of the portal) reopens a submitted
one with a reason. Street clerks have no business with it."""

from django.utils.translation import gettext_lazy as _

READ = ("reports.view_monthlyreport",)
BUILD = ("reports.add_monthlyreport", "reports.submit_monthlyreport")
REOPEN = ("reports.reopen_monthlyreport",)
POLICY_READ = ("reports.view_reportpolicy",)
POLICY_KEEP = ("reports.add_reportpolicy", "reports.change_reportpolicy", "reports.delete_reportpolicy")


def register_roles():
    from org.roles import AUDITOR, CITY_STAFF, DEPT_REVIEWER, DISTRICT_STAFF, LEADER, SYSADMIN, grant

    for role in (CITY_STAFF, DISTRICT_STAFF, DEPT_REVIEWER, LEADER, AUDITOR, SYSADMIN):
        grant(role, *READ)
    grant(CITY_STAFF, *BUILD)
    grant(SYSADMIN, *REOPEN)
    for role in (CITY_STAFF, LEADER, AUDITOR, SYSADMIN):
        grant(role, *POLICY_READ)
    grant(CITY_STAFF, *POLICY_KEEP)
    grant(SYSADMIN, *POLICY_KEEP)


def register():
    from core.navigation import MenuItem, register_menu

    from .. import policy
    from ..navigation import REPORTS_GROUP
    from . import bulletin
    from . import jobs as _jobs  # noqa: F401  (the build job kind)
    from . import tasks as _tasks  # noqa: F401  (the beat task)

    register_roles()
    policy.register()
    bulletin.register()  # the 通报 notice kind (reports.notices), whose subject is a submitted report
    register_menu(
        MenuItem(
            _("Monthly reports"),
            "reports:monthly_list",
            model="reports.MonthlyReport",
            order=40,
            icon="bi-file-earmark-bar-graph",
            group=REPORTS_GROUP,
        )
    )
