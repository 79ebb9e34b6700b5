"""What residents.households registers with the layers below it, called from ResidentsConfig.ready():
the 住户 menu entry, the link from a compound's page, the importer, and the retention job."""

from django.utils.translation import gettext_lazy as _


def register():
    from core.navigation import MenuItem, register_menu
    from projects.registry.links import register_compound_link

    from ..navigation import RESIDENTS_GROUP
    from . import importers as _importers  # noqa: F401  (import_data / export_data households)
    from . import jobs as _jobs  # noqa: F401  (the retention job kind)
    from . import tasks as _tasks  # noqa: F401  (the beat task)

    register_menu(
        MenuItem(
            _("Household register"),
            "residents:household_list",
            model="residents.Household",
            order=70,
            icon="bi-house-door",
            group=RESIDENTS_GROUP,
        )
    )
    register_compound_link(
        _("Household register"),
        "residents:compound_households",
        "residents.view_household",
        icon="bi-house-door",
        order=10,
    )
