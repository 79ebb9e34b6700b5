"""What the notices register with the layers below, from ReportsConfig.ready(): the roles' rights,
the five kinds of a renovation project, the render job, the project page's link and the menu entry.

Who does what (docs/reports.md, "Notices"): city staff issue every kind, in the name of the city's
issuers (the housing bureau 淄建, the finance bureau 淄财), and void notices; district staff issue
改造公示 and 施工告知书 for their district's projects, in the name of their district bureau when it
has an issuer; street clerks read the notices of their street's projects (they post the 公示 and
告知书 on the compound's board); reviewers, leaders and auditors read the register of their area."""

from django.utils.translation import gettext_lazy as _

from org.roles import (
    AUDITOR,
    CITY_STAFF,
    DEPT_REVIEWER,
    DISTRICT_STAFF,
    LEADER,
    STREET_CLERK,
    SYSADMIN,
    grant,
)

READ = ("reports.view_notice",)
ISSUE = ("reports.add_notice",)
VOID = ("reports.void_notice",)
ISSUERS = ("reports.view_noticeissuer", "reports.add_noticeissuer", "reports.change_noticeissuer")


def register():
    from core.navigation import MenuItem, register_menu
    from projects.pages.links import register_project_link

    from ..navigation import REPORTS_GROUP
    from . import contributions, rendering, standard

    for role in (CITY_STAFF, DISTRICT_STAFF, STREET_CLERK, DEPT_REVIEWER, LEADER, AUDITOR):
        grant(role, *READ)
    grant(CITY_STAFF, *ISSUE, *VOID)
    grant(DISTRICT_STAFF, *ISSUE)
    grant(SYSADMIN, *ISSUERS)
    standard.register()
    contributions.register()  # 居民出资通知书, one per household (reports.notices.contributions)
    rendering.register()
    register_project_link(
        _("Notices"), "reports:project_notices", "reports.view_notice", icon="bi-file-earmark-text", order=40
    )
    register_menu(
        MenuItem(
            _("Notices"),
            "reports:notice_list",
            model="reports.Notice",
            order=60,
            icon="bi-file-earmark-text",
            group=REPORTS_GROUP,
        )
    )
