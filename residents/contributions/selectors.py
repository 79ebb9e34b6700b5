"""The reads of household contributions: a project's households with their contribution (one page
of rows in a constant number of queries), the totals per compound and for the project, the projects
with contributions a user reads, and whether the residents-contribute prerequisite is met."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce, Length

from projects.models import Project
from residents.models import Contribution, Household, ResidentPolicy
from residents.models.policy import TWO_THIRDS

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _rate(part, whole):
    """A share in per cent, two places, as the page shows it; None without a whole."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Totals:
    """What a compound's (or the project's) households are due and paid, in yuan."""

    label: str = ""
    households: int = 0  # households with a contribution recorded
    paid_households: int = 0  # of those with something due, paid in full
    due: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def outstanding(self):
        return max(self.due - self.paid, ZERO)

    @property
    def rate(self):
        """Paid over due, in per cent."""
        return _rate(self.paid, self.due)


def households_of(user, project):
    """The households of ``project``'s compounds that ``user`` reads, each with ``contribution`` (its
    row for this project, or None): two queries whatever the number of rows."""
    rows = (
        Household.objects.restrict(user)
        .filter(compound__in=project.compounds.all())
        .select_related("compound", "building")
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.filter(project=project),
                to_attr="project_contribution",
            )
        )
        # Room 101 before 1001: the shorter number first, as the doors are numbered.
        .order_by("compound__name", "compound_id", "building__number", "unit", Length("room"), "room", "pk")
    )
    return rows


def attach_contribution(households):
    for household in households:
        found = getattr(household, "project_contribution", None) or []
        household.contribution = found[0] if found else None
    return households


def _aggregates():
    money = DecimalField(max_digits=16, decimal_places=2)
    return {
        "households": Count("pk"),
        "paid_households": Count("pk", filter=Q(due__gt=0, paid__gte=F("due"))),
        "due_sum": Coalesce(Sum("due"), Value(ZERO), output_field=money),
        "paid_sum": Coalesce(Sum("paid"), Value(ZERO), output_field=money),
    }


def _totals(label, row):
    return Totals(
        label=label,
        households=row["households"],
        paid_households=row["paid_households"],
        due=Decimal(row["due_sum"]).quantize(CENT),
        paid=Decimal(row["paid_sum"]).quantize(CENT),
    )


def totals_of(user, project):
    """([Totals per compound], Totals of the project) over the contributions ``user`` reads."""
    rows = Contribution.objects.restrict(user).filter(project=project)
    compounds = [
        _totals(row["household__compound__name"], row)
        for row in rows.values("household__compound__name", "household__compound_id")
        .annotate(**_aggregates())
        .order_by("household__compound__name", "household__compound_id")
    ]
    whole = _totals("", rows.aggregate(**_aggregates()))
    return compounds, whole


def projects_with_contributions(user):
    """The projects ``user`` reads that have contributions, each with ``totals``; one query for the
    projects, one for their sums."""
    sums = {
        row["project_id"]: _totals("", row)
        for row in Contribution.objects.restrict(user)
        .values("project_id")
        .annotate(**_aggregates())
        .order_by()
    }
    projects = list(
        Project.objects.restrict(user).filter(pk__in=list(sums)).select_related("region").order_by("-pk")
    )
    for project in projects:
        project.totals = sums[project.pk]
    return projects


@dataclass
class Collection:
    """How far ``project``'s residents have paid, for the residents-contribute prerequisite."""

    households: int  # households of the project's compounds
    calculated: int  # of those, with a contribution recorded
    owing: int  # with something due
    paid: int  # of those, paid in full
    threshold: Decimal  # the share of households that must have paid, in per cent

    @property
    def rate(self):
        return _rate(self.paid, self.owing) if self.owing else (HUNDRED if self.calculated else None)

    @property
    def met(self):
        return self.calculated > 0 and self.calculated == self.households and self.rate >= self.threshold


def collection_of(project):
    """Every household of the project counted, whoever looks (the lifecycle asks it)."""
    households = Household.objects.filter(compound__in=project.compounds.all()).count()
    row = Contribution.objects.filter(project=project).aggregate(
        calculated=Count("pk"),
        owing=Count("pk", filter=Q(due__gt=0)),
        paid=Count("pk", filter=Q(due__gt=0, paid__gte=F("due"))),
    )
    section = ResidentPolicy.in_force(project.city_id)
    threshold = section.support_threshold if section is not None else TWO_THIRDS
    return Collection(households=households, threshold=threshold, **row)
