from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        from . import flows, roles

        roles.register()
        flows.register()  # disbursements go through the city's disbursement flow
