"""Survey results read in a constant number of queries, whatever the number of households: each
figure is counted by the database (annotate/aggregate), Python only arranges the aggregated rows.

A rate is a percentage of ALL households of the compound (its Household rows; a compound with none
recorded falls back to the registry's household count and says so), rounded to 0.01 % as shown,
and compared with the city's residents' rules in force (defaults when it has none)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Compound
from residents.models import CategoryScore, Household, ResidentPolicy, SurveyCampaign, SurveyResponse
from residents.models.policy import TWO_THIRDS

CENT = Decimal("0.01")
YES = SurveyResponse.Agreement.YES
SCORES = (1, 2, 3, 4, 5)


def rate(part, whole):
    """``part`` of ``whole`` in percent, rounded to 0.01 % as it is shown (None without a whole)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(value):
    """66.67, 60 (not 60.00): a rate or threshold as a reader writes it, without the sign."""
    if value is None:
        return "—"
    text = f"{Decimal(value):.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Rules:
    """The thresholds a compound's rates are held against (its city's residents' rules in force)."""

    support_threshold: Decimal = TWO_THIRDS
    min_participation: Decimal = TWO_THIRDS
    blocks_plan: bool = True
    section: object = None  # the ResidentPolicy row, None when the city has none in force

    @classmethod
    def of(cls, section):
        if section is None:
            return cls()
        return cls(section.support_threshold, section.min_participation, section.support_blocks_plan, section)


def rules_by_city(city_ids, on=None):
    """{city_id: Rules} of the residents' rules in force on ``on`` (today), in one query."""
    on = on or timezone.localdate()
    found = {}
    sections = (
        ResidentPolicy.objects.select_related("policy")
        .filter(policy__city_id__in=set(city_ids), policy__effective_from__lte=on)
        .order_by("policy__city_id", "-policy__effective_from")
    )
    for section in sections:
        found.setdefault(section.policy.city_id, Rules.of(section))
    return {city_id: found.get(city_id, Rules()) for city_id in set(city_ids)}


@dataclass(frozen=True)
class Support:
    """A compound's residents' support in a needs survey, against its city's thresholds."""

    households: int
    answered: int
    agreeing: int
    participation: Decimal | None
    support: Decimal | None
    passes: bool
    campaign_id: int | None = None
    households_from_registry: bool = False  # no Household rows: the registry's count is used
    rules: Rules = field(default_factory=Rules)

    @property
    def meets_threshold(self):
        return self.support is not None and self.support >= self.rules.support_threshold

    @property
    def meets_participation(self):
        return self.participation is not None and self.participation >= self.rules.min_participation

    @property
    def threshold_text(self):
        """达到支持率门槛 66.67% / 未达到支持率门槛 66.67%."""
        values = {"threshold": percent(self.rules.support_threshold)}
        if self.meets_threshold:
            return _("meets the support threshold of %(threshold)s%%") % values
        return _("below the support threshold of %(threshold)s%%") % values

    @property
    def participation_text(self):
        values = {"minimum": percent(self.rules.min_participation)}
        if self.meets_participation:
            return _("participation meets the minimum of %(minimum)s%%") % values
        return _("participation below the minimum of %(minimum)s%%") % values


def judge(households, answered, agreeing, rules, **extra):
    participation, support = rate(answered, households), rate(agreeing, households)
    passes = (
        support is not None
        and support >= rules.support_threshold
        and participation >= rules.min_participation
    )
    return Support(households, answered, agreeing, participation, support, passes, rules=rules, **extra)


def latest_needs_campaign(compound_ref="pk", *, closed_on=None):
    """A subquery: the id of the newest needs campaign covering the compound ``compound_ref``
    names (newest by opening date); with ``closed_on``, only campaigns closed before that day."""
    links = SurveyCampaign.compounds.through.objects.filter(
        compound_id=OuterRef(compound_ref), surveycampaign__kind=SurveyCampaign.Kind.NEEDS
    )
    if closed_on is not None:
        links = links.filter(surveycampaign__closes_on__lt=closed_on)
    return Subquery(
        links.order_by("-surveycampaign__opens_on", "-surveycampaign_id").values("surveycampaign_id")[:1]
    )


def _household_counts(compound_ids, by="compound_id"):
    rows = (
        Household.objects.filter(compound_id__in=compound_ids).order_by().values(by).annotate(n=Count("pk"))
    )
    return {row[by]: row["n"] for row in rows}


def compound_support(compounds, *, closed_only=False, on=None):
    """{compound_id: Support} for ``compounds`` (ids or Compound rows), each from the newest needs
    campaign covering it (``closed_only``: closed before ``on``, today). Four queries in all."""
    on = on or timezone.localdate()
    ids = [getattr(compound, "pk", compound) for compound in compounds]
    rows = list(
        Compound.objects.filter(pk__in=ids)
        .order_by()
        .annotate(campaign_id=latest_needs_campaign(closed_on=on if closed_only else None))
        .values("pk", "city_id", "household_count", "campaign_id")
    )
    counted = _household_counts(ids)
    pairs = Q()
    for row in rows:
        if row["campaign_id"]:
            pairs |= Q(campaign_id=row["campaign_id"], household__compound_id=row["pk"])
    answers = {}
    if pairs:
        for answer in (
            SurveyResponse.objects.filter(pairs)
            .order_by()
            .values("campaign_id", "household__compound_id")
            .annotate(answered=Count("pk"), agreeing=Count("pk", filter=Q(agrees=YES)))
        ):
            answers[answer["household__compound_id"], answer["campaign_id"]] = answer
    rules = rules_by_city([row["city_id"] for row in rows], on)
    support = {}
    for row in rows:
        households = counted.get(row["pk"], 0)
        answer = answers.get((row["pk"], row["campaign_id"]), {})
        support[row["pk"]] = judge(
            households or row["household_count"],
            answer.get("answered", 0),
            answer.get("agreeing", 0),
            rules[row["city_id"]],
            campaign_id=row["campaign_id"],
            households_from_registry=not households,
        )
    return support


# --- a campaign's results ------------------------------------------------------------------------


@dataclass
class Figures:
    """One compound's or building's results in a campaign."""

    name: str
    households: int
    answered: int = 0
    agreeing: int = 0
    undecided: int = 0
    disagreeing: int = 0
    willing: int = 0
    amount_total: Decimal = Decimal("0.00")
    amount_count: int = 0  # willing households that gave an amount
    score_total: int = 0
    distribution: tuple = (0, 0, 0, 0, 0)
    households_from_registry: bool = False
    compound_id: int | None = None
    building_id: int | None = None
    support: Support | None = None  # a compound's, judged against its city's rules
    items: list = field(default_factory=list)  # [ItemCount], most wanted first
    categories: list = field(default_factory=list)  # [(category name, average score, answers)]
    building_rows: list = field(default_factory=list)  # a compound's buildings' [Figures]

    @property
    def participation(self):
        return rate(self.answered, self.households)

    @property
    def support_rate(self):
        return rate(self.agreeing, self.households)

    @property
    def amount_average(self):
        return _average(self.amount_total / self.amount_count) if self.amount_count else None

    @property
    def overall_average(self):
        scored = sum(self.distribution)
        return _average(Decimal(self.score_total) / scored) if scored else None

    @property
    def willing_share(self):
        return rate(self.willing, self.answered)

    @property
    def distribution_rows(self):
        return [
            (score, count, rate(count, self.answered))
            for score, count in zip(SCORES, self.distribution, strict=True)
        ]


@dataclass(frozen=True)
class ItemCount:
    item: str
    category: str
    count: int
    share: Decimal | None  # of the households that answered


def _average(value):
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


ANSWER_FIGURES = {
    "answered": Count("pk"),
    "agreeing": Count("pk", filter=Q(agrees=YES)),
    "undecided": Count("pk", filter=Q(agrees=SurveyResponse.Agreement.UNDECIDED)),
    "disagreeing": Count("pk", filter=Q(agrees=SurveyResponse.Agreement.NO)),
    "willing": Count("pk", filter=Q(willing_to_contribute=True)),
    "amount_total": Sum("contribution_amount", filter=Q(willing_to_contribute=True)),
    "amount_count": Count("contribution_amount", filter=Q(willing_to_contribute=True)),
    "score_total": Sum("overall_score"),
    **{f"score_{score}": Count("pk", filter=Q(overall_score=score)) for score in SCORES},
}


def _fill(figures, row):
    figures.answered = row["answered"]
    figures.agreeing = row["agreeing"]
    figures.undecided = row["undecided"]
    figures.disagreeing = row["disagreeing"]
    figures.willing = row["willing"]
    figures.amount_total = row["amount_total"] or Decimal("0.00")
    figures.amount_count = row["amount_count"]
    figures.score_total = row["score_total"] or 0
    figures.distribution = tuple(row[f"score_{score}"] for score in SCORES)


@dataclass
class CampaignResults:
    campaign: SurveyCampaign
    compounds: list  # [Figures] with their support, items and categories
    buildings: dict  # {compound_id: [Figures]}
    total: Figures

    @property
    def is_needs(self):
        return self.campaign.kind == SurveyCampaign.Kind.NEEDS


def campaign_results(campaign, *, compounds=None, on=None):
    """Every figure of ``campaign``'s results page, per compound and per building, in a constant
    number of queries (seven) whatever its number of households and answers. ``compounds``, a
    Compound queryset (the user's restricted one), narrows a batch to those the user may see."""
    covered = campaign.compounds.all() if compounds is None else compounds.filter(survey_campaigns=campaign)
    compounds = list(covered.order_by("name", "pk").only("pk", "name", "city_id", "household_count"))
    ids = [compound.pk for compound in compounds]
    rules = rules_by_city([compound.city_id for compound in compounds], on)
    counted = _household_counts(ids)
    per_compound = {}
    for compound in compounds:
        households = counted.get(compound.pk, 0)
        per_compound[compound.pk] = Figures(
            compound.name,
            households or compound.household_count,
            households_from_registry=not households,
            compound_id=compound.pk,
        )
    answers = SurveyResponse.objects.filter(campaign=campaign, household__compound_id__in=ids).order_by()
    for row in answers.values("household__compound_id").annotate(**ANSWER_FIGURES):
        if figures := per_compound.get(row["household__compound_id"]):
            _fill(figures, row)

    buildings = defaultdict(dict)
    for row in (
        Household.objects.filter(compound_id__in=ids)
        .order_by()
        .values("compound_id", "building_id", "building__number")
        .annotate(n=Count("pk"))
    ):
        buildings[row["compound_id"]][row["building_id"]] = Figures(
            row["building__number"],
            row["n"],
            compound_id=row["compound_id"],
            building_id=row["building_id"],
        )
    for row in answers.values("household__compound_id", "household__building_id").annotate(**ANSWER_FIGURES):
        figures = buildings[row["household__compound_id"]].get(row["household__building_id"])
        if figures:
            _fill(figures, row)

    item_rows = (
        SurveyResponse.wanted_items.through.objects.filter(
            surveyresponse__campaign=campaign, surveyresponse__household__compound_id__in=ids
        )
        .order_by()
        .values(
            "surveyresponse__household__compound_id",
            "renovationitem__name",
            "renovationitem__category__name",
        )
        .annotate(n=Count("pk"))
    )
    items = defaultdict(list)
    for row in item_rows:
        items[row["surveyresponse__household__compound_id"]].append(row)

    categories = defaultdict(list)
    for row in (
        CategoryScore.objects.filter(response__campaign=campaign, response__household__compound_id__in=ids)
        .order_by()
        .values("response__household__compound_id", "category__name", "category__order")
        .annotate(total=Sum("score"), n=Count("pk"))
        .order_by("category__order", "category__name")
    ):
        categories[row["response__household__compound_id"]].append(
            (row["category__name"], row["total"], row["n"])
        )

    for compound in compounds:
        figures = per_compound[compound.pk]
        figures.support = judge(
            figures.households,
            figures.answered,
            figures.agreeing,
            rules[compound.city_id],
            campaign_id=campaign.pk,
            households_from_registry=figures.households_from_registry,
        )
        figures.items = _ranking(items[compound.pk], figures.answered)
        figures.categories = _averages(categories[compound.pk])

    for pk, rows in buildings.items():
        per_compound[pk].building_rows = sorted(rows.values(), key=_building_order)
    total = _total(campaign, list(per_compound.values()), items, categories)
    return CampaignResults(
        campaign, list(per_compound.values()), {pk: per_compound[pk].building_rows for pk in buildings}, total
    )


def _building_order(figures):
    return (len(figures.name), figures.name)  # 2号楼 before 10号楼


def _averages(rows):
    """[(category, average score, answers)] from [(category, score total, answers)]."""
    return [(name, _average(Decimal(score_total) / count), count) for name, score_total, count in rows]


def _ranking(rows, answered):
    counts = defaultdict(int)
    for row in rows:
        counts[row["renovationitem__name"], row["renovationitem__category__name"]] += row["n"]
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [ItemCount(name, category, n, rate(n, answered)) for (name, category), n in ranked]


def _total(campaign, rows, items, categories):
    """The campaign's figures over all its compounds, from the compounds' (no further query)."""
    total = Figures(str(campaign), sum(row.households for row in rows))
    for name in ("answered", "agreeing", "undecided", "disagreeing", "willing"):
        setattr(total, name, sum(getattr(row, name) for row in rows))
    for name in ("amount_total", "amount_count", "score_total"):
        setattr(total, name, sum((getattr(row, name) for row in rows), type(getattr(total, name))()))
    total.distribution = tuple(sum(row.distribution[i] for row in rows) for i in range(len(SCORES)))
    total.items = _ranking([row for group in items.values() for row in group], total.answered)
    merged = {}
    for group in categories.values():
        for name, score_total, count in group:
            before = merged.get(name, (0, 0))
            merged[name] = (before[0] + score_total, before[1] + count)
    total.categories = _averages([(name, *sums) for name, sums in merged.items()])
    return total
