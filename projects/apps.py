from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Renovation projects")

    def ready(self):
        from core.navigation import SETTINGS_GROUP, MenuItem, register_menu

        from . import history, policy, roles
        from .archive import hooks as archive_hooks

        # Job kinds and importers register on import.
        from .lifecycle import flows
        from .lifecycle import importers as _project_importers  # noqa: F401
        from .lifecycle import jobs as _lifecycle_jobs  # noqa: F401
        from .pages import organisation as organisation_page
        from .quotas import importers as _quota_importers  # noqa: F401
        from .registry import importers as _registry_importers  # noqa: F401
        from .registry import jobs as _registry_jobs  # noqa: F401
        from .works import hooks as works_hooks
        from .works import importers as _works_importers  # noqa: F401

        # What the archive and the works add to the lifecycle's steps; the section of the city policy.
        flows.register()  # projects go through the city's approval flows
        archive_hooks.register()
        organisation_page.register()  # the projects section of an organisation's page
        works_hooks.register()
        policy.register()
        roles.register()
        history.register()  # how its audit entries read

        register_menu(
            MenuItem(
                _("Compounds"),
                "projects:compound_list",
                model="projects.Compound",
                order=10,
                icon="bi-houses",
            ),
            MenuItem(
                _("Renovation projects"),
                "projects:project_list",
                model="projects.Project",
                order=20,
                icon="bi-kanban",
            ),
            MenuItem(
                _("Annual quotas"),
                "projects:quota_table",
                model="projects.AnnualQuota",
                order=22,
                icon="bi-bullseye",
            ),
            MenuItem(
                _("Renovation items"),
                "projects:renovationitem_list",
                model="projects.RenovationItem",
                order=30,
                icon="bi-list-check",
                group=SETTINGS_GROUP,
            ),
        )
