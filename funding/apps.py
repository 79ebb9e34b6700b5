from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        from core.navigation import MenuItem, register_menu
        from projects.pages.links import register_project_link

        from . import flows, history, policy, roles
        from . import importers as _importers  # noqa: F401  (funding_plans, receipts, disbursements register)

        roles.register()
        flows.register()  # disbursements go through the city's disbursement flow
        policy.register()  # funding's section of the city policy, and its rules
        history.register()
        # The project page links to the project's money page (projects.pages.links).
        register_project_link(
            _("Funding"), "funding:project_funding", "funding.view_fundreceipt", icon="bi-cash-coin", order=10
        )
        # The menu's 资金: the ledger of everything the user reads (funding.ledger_views).
        register_menu(
            MenuItem(
                _("Funding"), "funding:ledger", model="funding.FundReceipt", order=25, icon="bi-cash-coin"
            )
        )
