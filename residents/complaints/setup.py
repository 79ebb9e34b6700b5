"""What residents.complaints registers with the layers below it, called from ResidentsConfig.ready()."""

from django.utils.translation import gettext_lazy as _


def register():
    from core.navigation import MenuItem, register_menu
    from residents.navigation import RESIDENTS_GROUP

    register_menu(
        MenuItem(
            _("Complaints"), "residents:complaint_list", model="residents.Complaint", order=60,
            icon="bi-megaphone", group=RESIDENTS_GROUP,
        )
    )  # fmt: skip
    register_menu(
        MenuItem(
            _("Complaint statistics"), "residents:complaint_stats", model="residents.Complaint", order=61,
            icon="bi-bar-chart", group=RESIDENTS_GROUP,
        )
    )  # fmt: skip
