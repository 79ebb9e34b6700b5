"""From reports' AppConfig.ready(): the dashboard's menu entry, shown to whoever may read it."""

from django.utils.translation import gettext_lazy as _

from core.navigation import register_menu

from ..navigation import REPORTS_GROUP
from ..progress_views import ProgressMenuItem


def register():
    register_menu(
        ProgressMenuItem(
            _("Dashboard"), "reports:dashboard", order=36, icon="bi-speedometer2", group=REPORTS_GROUP
        )
    )
