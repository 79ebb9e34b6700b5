from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import progress_views
        from .monthly import setup as monthly_setup
        from .notices import setup as notices_setup

        notices_setup.register()  # notices: roles, kinds, render job, project link, menu
        monthly_setup.register()  # the monthly report: roles, policy section, job, beat task, menu
        progress_views.register()  # the progress page's menu entry
