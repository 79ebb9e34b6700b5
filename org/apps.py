from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisations and users")

    def ready(self):
        from core.navigation import SETTINGS_GROUP, MenuItem, register_menu

        from . import roles
        from .roles import sync_roles_after_migrate

        # Roles are groups whose permissions follow what every app granted, after every migrate.
        roles.register()
        post_migrate.connect(sync_roles_after_migrate, sender=self)
        register_menu(
            MenuItem(
                _("Regions"),
                "org:region_list",
                model="org.Region",
                order=80,
                icon="bi-diagram-3",
                group=SETTINGS_GROUP,
            ),
            MenuItem(
                _("Organisations"),
                "org:organisation_list",
                model="org.Organisation",
                order=81,
                icon="bi-building",
                group=SETTINGS_GROUP,
            ),
        )
