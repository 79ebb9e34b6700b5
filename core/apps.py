from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("System")

    def ready(self):
        # System checks and job kinds register on import; tasks too, so that every process (web
        # included) finds the task that runs a job by its name.
        from . import checks, imports, lookups, selfcheck, tasks  # noqa: F401
        from .navigation import SETTINGS_GROUP, MenuGroup, MenuItem, register_menu, register_menu_group

        lookups.register()

        # Reference data and administration pages of every app gather under one dropdown.
        register_menu_group(MenuGroup(SETTINGS_GROUP, _("Settings"), icon="bi-gear"))
        register_menu(
            MenuItem(
                _("Audit log"),
                "core:auditentry_list",
                model="core.AuditEntry",
                order=90,
                icon="bi-journal-text",
                group=SETTINGS_GROUP,
            ),
        )
