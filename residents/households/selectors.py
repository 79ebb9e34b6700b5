"""The reads of households: the restricted register with what its pages show in one query."""

from residents.models import Household


def households_for(user, action="view"):
    """The households ``user`` may ``action`` (a street clerk: her street's only), each with its
    compound (its community and street) and building read in the same query."""
    return Household.objects.restrict(user, action).select_related(
        "compound", "compound__community", "compound__community__parent", "building"
    )
