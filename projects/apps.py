from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Renovation projects")

    def ready(self):
        from core.navigation import MenuItem, register_menu

        from . import jobs  # noqa: F401  registers the import and eligibility jobs

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
                _("Renovation items"),
                "projects:renovationitem_list",
                model="projects.RenovationItem",
                order=30,
                icon="bi-list-check",
            ),
        )
