"""What residents.results registers with the layers below it, called from ResidentsConfig.ready():
residents' section of the city policy, the "residents agree" guard before declaring a project,
the project page's link to its residents' support, and the compound list's support-rate column."""

from django.utils.translation import gettext_lazy as _


def register():
    from projects.pages.links import register_project_link
    from residents import policy

    from . import guards, ranking, support  # noqa: F401 (support: its policy listener)

    policy.register()
    guards.register()
    ranking.register()
    register_project_link(
        _("Residents' support"),
        "residents:project_support",
        "residents.view_surveycampaign",
        icon="bi-people",
    )
