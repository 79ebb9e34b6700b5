"""The stored residents' support of each compound (residents.models.CompoundSupport), kept equal to
what residents.results.selectors.compound_support counts live.

Every service that changes what it counts calls ``support_refresh`` with the compounds it touched,
inside its transaction: saving or deleting a household or an answer, saving or deleting a campaign,
importing households, building the demo or the synthetic residents. It counts set-based (four
reads per 5,000 compounds whatever their households, and one upsert per 1,000 rows) and judges
with the selectors' own
``judge``, so the stored rates are rounded exactly as the results pages round them. A changed city
policy re-judges the city's stored rates in one UPDATE."""

from django.db.models import Case, Count, Q, Value, When
from django.utils import timezone

from org.policy import register_policy_listener
from projects.models import Compound
from projects.registry.hooks import register_compounds_listener
from residents.models import CompoundSupport, Household, SurveyResponse

from .selectors import YES, judge, latest_needs_campaign, rules_by_city

CHUNK = 5000
FIGURES = [
    "campaign",
    "households",
    "households_from_registry",
    "answered",
    "agreeing",
    "participation",
    "support",
    "meets_threshold",
    "meets_participation",
    "passes",
    "refreshed_at",
]


def support_refresh(compound_ids=None):
    """Count and store the residents' support of ``compound_ids`` (ids or Compound rows; None: every
    compound). Returns the number of rows written."""
    if compound_ids is None:
        return _refresh(Compound.objects.order_by(), None)
    ids = sorted({getattr(compound, "pk", compound) for compound in compound_ids} - {None})
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        written += _refresh(Compound.objects.filter(pk__in=chunk).order_by(), chunk)
    return written


def _refresh(compounds, ids):
    rows = list(
        compounds.annotate(campaign_id=latest_needs_campaign()).values(
            "pk", "city_id", "household_count", "campaign_id"
        )
    )
    if not rows:
        return 0
    households = Household.objects.order_by()
    answers = SurveyResponse.objects.order_by().filter(
        campaign_id__in={row["campaign_id"] for row in rows if row["campaign_id"]}
    )
    if ids is not None:
        households = households.filter(compound_id__in=ids)
        answers = answers.filter(household__compound_id__in=ids)
    counted = dict(households.values("compound_id").annotate(n=Count("pk")).values_list("compound_id", "n"))
    tallies = {
        (row["campaign_id"], row["household__compound_id"]): row
        for row in answers.values("campaign_id", "household__compound_id").annotate(
            answered=Count("pk"), agreeing=Count("pk", filter=Q(agrees=YES))
        )
    }
    rules = rules_by_city([row["city_id"] for row in rows])
    now = timezone.now()
    stored = []
    for row in rows:
        recorded = counted.get(row["pk"], 0)
        tally = tallies.get((row["campaign_id"], row["pk"]), {})
        support = judge(
            recorded or row["household_count"],
            tally.get("answered", 0),
            tally.get("agreeing", 0),
            rules[row["city_id"]],
        )
        stored.append(
            CompoundSupport(
                compound_id=row["pk"],
                campaign_id=row["campaign_id"],
                households=support.households,
                households_from_registry=not recorded,
                answered=support.answered,
                agreeing=support.agreeing,
                participation=support.participation,
                support=support.support,
                meets_threshold=support.meets_threshold,
                meets_participation=support.meets_participation,
                passes=support.passes,
                refreshed_at=now,
            )
        )
    CompoundSupport.objects.bulk_create(
        stored, batch_size=1000, update_conflicts=True, unique_fields=["compound"], update_fields=FIGURES
    )
    return len(stored)


def _at_least(name, minimum):
    return Case(When(**{f"{name}__gte": minimum}, then=Value(True)), default=Value(False))


def support_rejudge(city_id):
    """Hold the city's stored rates against its rules in force now (one UPDATE)."""
    rules = rules_by_city([city_id])[city_id]
    return CompoundSupport.objects.filter(compound__city_id=city_id).update(
        meets_threshold=_at_least("support", rules.support_threshold),
        meets_participation=_at_least("participation", rules.min_participation),
        passes=Case(
            When(
                support__gte=rules.support_threshold,
                participation__gte=rules.min_participation,
                then=Value(True),
            ),
            default=Value(False),
        ),
        refreshed_at=timezone.now(),
    )


@register_policy_listener
def support_follows_the_policy(*, actor, city_id):
    support_rejudge(city_id)


@register_compounds_listener
def support_follows_the_compounds(compound_ids):
    """A compound created or changed (its households, its city) has its row at once: support 0 and
    no campaign for a new one, so the ranking can read stored rows only (residents.results.ranking)."""
    support_refresh(compound_ids)
