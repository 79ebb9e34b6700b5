"""What residents.surveys registers with the layers below it, called from ResidentsConfig.ready():
the survey answers' importer (import_data / export_data survey_responses) and the menu's 入户调查."""


def register():
    from django.utils.translation import gettext_lazy as _

    from core.navigation import MenuItem, register_menu
    from residents.navigation import RESIDENTS_GROUP

    from . import importers as _importers  # noqa: F401  (survey_responses registers)

    register_menu(
        MenuItem(
            _("Household surveys"), "residents:campaign_list", model="residents.SurveyCampaign", order=20,
            icon="bi-clipboard-check", group=RESIDENTS_GROUP,
        )
    )  # fmt: skip
