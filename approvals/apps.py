from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from core.navigation import MenuItem, register_menu

        from . import roles
        from .selectors import inbox_count

        roles.register()
        # 待办 with what waits for the user: one query, and only for users who may read requests.
        register_menu(
            MenuItem(
                _("To do"),
                "approvals:request_inbox",
                model="approvals.ApprovalRequest",
                order=5,
                icon="bi-inbox",
                badge=inbox_count,
            )
        )
