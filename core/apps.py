from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("System")

    def ready(self):
        from . import checks, imports, selfcheck  # noqa: F401  register system checks and job kinds
        from .navigation import MenuItem, register_menu

        register_menu(
            MenuItem(
                _("Audit log"),
                "core:auditentry_list",
                model="core.AuditEntry",
                order=90,
                icon="bi-journal-text",
            ),
        )
