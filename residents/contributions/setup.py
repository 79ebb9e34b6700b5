"""What residents.contributions registers with the layers below it, called from ResidentsConfig.ready():
the project page's link to its contributions, the menu's 居民出资, and the residents-contribute
guard on declaring the plan (residents.contributions.guards)."""

from django.utils.translation import gettext_lazy as _


def register():
    from core.navigation import MenuItem, register_menu
    from projects.pages.links import register_project_link

    from ..navigation import RESIDENTS_GROUP
    from . import guards

    register_project_link(
        _("Residents' contributions"),
        "residents:contribution_list",
        "residents.view_contribution",
        icon="bi-piggy-bank",
        order=20,
    )
    register_menu(
        MenuItem(
            _("Residents' contributions"),
            "residents:contribution_projects",
            model="residents.Contribution",
            order=30,
            icon="bi-piggy-bank",
            group=RESIDENTS_GROUP,
        )
    )
    guards.register()
