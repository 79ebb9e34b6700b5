from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("Residents")

    def ready(self):
        from core.navigation import MenuGroup, register_menu_group

        from . import roles
        from .navigation import RESIDENTS_GROUP

        roles.register()
        # Households, surveys, contributions and complaints gather under one dropdown (居民).
        register_menu_group(MenuGroup(RESIDENTS_GROUP, _("Residents"), icon="bi-people"))
        # Each part registers what it adds to the lower layers (policy section, lifecycle guards,
        # importers, job kinds, menu entries) from its own ``setup.register()``.
        from .complaints import setup as complaints_setup
        from .contributions import setup as contributions_setup
        from .entry import setup as entry_setup
        from .households import setup as households_setup
        from .results import setup as results_setup
        from .surveys import setup as surveys_setup

        households_setup.register()
        surveys_setup.register()
        entry_setup.register()
        results_setup.register()
        contributions_setup.register()
        complaints_setup.register()
