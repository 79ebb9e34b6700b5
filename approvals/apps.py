from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from core.navigation import SETTINGS_GROUP, MenuItem, register_menu
        from org.cities import register_city_listener

        from . import notifications, roles
        from .selectors import inbox_count

        roles.register()
        # Who is told what once a step of a request is committed (bell, e-mail).
        notifications.connect()
        register_city_listener(_seed_flows)
        # 待办 with what waits for the user: one query, and only for users who may read requests.
        register_menu(
            MenuItem(
                _("To do"),
                "approvals:request_inbox",
                model="approvals.ApprovalRequest",
                order=5,
                icon="bi-inbox",
                badge=inbox_count,
            ),
            # The flow editor, beside the regions and organisations: for those who may edit flows.
            MenuItem(
                _("Approval flows"),
                "approvals:flow_list",
                model="approvals.Flow",
                order=82,
                icon="bi-diagram-2",
                group=SETTINGS_GROUP,
            ),
        )


def _seed_flows(*, city, actor):
    """Every new city starts with the four seed flows (approvals.seeding)."""
    from .seeding import seed_city_flows

    seed_city_flows(city, actor=actor)
