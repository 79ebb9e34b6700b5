from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core.navigation import MenuGroup, register_menu_group

        from . import progress_views
        from .navigation import REPORTS_GROUP

        # 任务进度, 月报 and 公文 gather under one dropdown of the menu bar.
        register_menu_group(MenuGroup(REPORTS_GROUP, _("Reports"), icon="bi-bar-chart"))
        from .dashboard import setup as dashboard_setup
        from .monthly import setup as monthly_setup
        from .notices import setup as notices_setup
        from .public import setup as public_setup

        notices_setup.register()  # notices: roles, kinds, render job, project link, menu
        monthly_setup.register()  # the monthly report: roles, policy section, job, beat task, menu
        progress_views.register()  # the progress page's menu entry
        dashboard_setup.register()  # the dashboard's menu entry
        public_setup.register()  # the public project pages: roles and the project page's link
