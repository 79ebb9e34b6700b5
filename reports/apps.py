from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from .notices import setup as notices_setup

        notices_setup.register()  # notices: roles, kinds, render job, project link, menu
