"""The residents-contribute prerequisite (不众筹不改造) as a lifecycle guard on declaring the plan.

Where the city's project rules list it and make the prerequisites a condition of the annual plan,
a project is declared only when every household of its compounds has its contribution recorded
(calculated from the city's rule, or set by hand) and the households that paid in full reach the
residents' support threshold of the city's policy (two thirds by default) among those with
something due: residents back the project with their money in the share they must back it with
their answers. A project whose compounds have no household entered in the portal is left to the
checklist's tick (the signed agreements), which the clerk keeps in every case."""

from django.urls import reverse
from django.utils.translation import gettext as _

from projects.archive.selectors import register_prerequisite_note
from projects.lifecycle.transitions import Reason, register_guard
from projects.models import Prerequisite, ProjectPolicy

from .selectors import collection_of


def asks_contribution(project):
    policy = ProjectPolicy.in_force(project.city_id)
    return bool(
        policy
        and policy.prerequisites_block_plan
        and Prerequisite.CONTRIBUTION.value in (policy.prerequisites or [])
    )


def contributions_collected(project):
    if not asks_contribution(project):
        return []
    state = collection_of(project)
    if state.households == 0:
        # Households not entered in the portal: the checklist's tick (the signed agreements) decides.
        return []
    if state.calculated < state.households:
        return [
            Reason(
                _("Residents' contributions are recorded for %(done)s of %(all)s households: calculate them.")
                % {"done": state.calculated, "all": state.households},
                fix="residents:contribution_list",
            )
        ]
    if state.rate < state.threshold:
        return [
            Reason(
                _(
                    "%(paid)s of %(owing)s households have paid their contribution (%(rate)s %%), "
                    "below the %(threshold)s %% the city's policy asks."
                )
                % {
                    "paid": state.paid,
                    "owing": state.owing,
                    "rate": state.rate,
                    "threshold": state.threshold,
                },
                fix="residents:contribution_list",
            )
        ]
    return []


def collection_note(user, project):
    """Under the checklist's 居民出资 row: how far the households have paid, for a reader of them."""
    if not user.has_perm("residents.view_contribution"):
        return None
    state = collection_of(project)
    if not state.calculated:
        text = _("Residents' contributions: not calculated yet.")
    else:
        text = _(
            "Residents' contributions: %(paid)s of %(owing)s households paid in full (%(rate)s %%; %(threshold)s %% asked)."
        ) % {"paid": state.paid, "owing": state.owing, "rate": state.rate, "threshold": state.threshold}
    return text, reverse("residents:contribution_list", args=[project.pk])


def register():
    register_guard("declare", contributions_collected)
    register_prerequisite_note(Prerequisite.CONTRIBUTION, collection_note)
