"""Ranking candidate compounds by residents' support: the compound list (projects.registry) gets a
support-rate column, sortable, with two filters (支持率 ≥ X%, 达到门槛), through the generic
projects.registry.columns. Each figure is a correlated subquery over the compound's newest needs
campaign, so the list keeps its constant number of queries, and the rate is rounded to 0.01 % in
the database before it is compared, as residents.results.selectors rounds it."""

from decimal import Decimal

import django_filters
from django.db.models import Case, Count, DecimalField, F, FloatField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.registry.columns import CompoundColumn, register_compound_column
from residents.models import Household, ResidentPolicy, SurveyResponse
from residents.models.policy import TWO_THIRDS

from .selectors import YES, latest_needs_campaign

KEY = "support_rate"
CAMPAIGN = "support_campaign"
RATE = DecimalField(max_digits=7, decimal_places=2)


def _count(queryset):
    return Coalesce(
        Subquery(queryset.order_by().values("household__compound_id").annotate(n=Count("pk")).values("n")),
        0,
    )


def _households():
    """The compound's Household rows, or the registry's count when it has none."""
    rows = Household.objects.filter(compound_id=OuterRef("pk")).order_by().values("compound_id")
    return Coalesce(NullIf(Subquery(rows.annotate(n=Count("pk")).values("n")), 0), F("household_count"))


def _answers(**conditions):
    return _count(
        SurveyResponse.objects.filter(
            campaign_id=OuterRef(CAMPAIGN), household__compound_id=OuterRef("pk"), **conditions
        )
    )


def _rate(part):
    """``part`` over all households, in percent, rounded to 0.01 in SQL; 0 without households or
    without a needs campaign (the CASE spares the database the counts of a compound never surveyed)."""
    share = Cast(part, FloatField()) * 100.0 / NullIf(Cast(_households(), FloatField()), 0.0)
    rounded = Round(Cast(share, DecimalField(max_digits=12, decimal_places=4)), 2, output_field=RATE)
    zero = Value(0, output_field=RATE)
    return Case(
        When(**{f"{CAMPAIGN}__isnull": True}, then=zero), default=Coalesce(rounded, zero), output_field=RATE
    )


def _rule(name):
    today = timezone.localdate()
    rules = ResidentPolicy.objects.filter(
        policy__city_id=OuterRef("city_id"), policy__effective_from__lte=today
    )
    found = Subquery(rules.order_by("-policy__effective_from").values(name)[:1], output_field=RATE)
    return Coalesce(found, Value(TWO_THIRDS, output_field=RATE))


def annotate_support(queryset):
    """The compounds with ``support_rate``: agreeing households of the newest needs campaign over
    all households, in percent (0 without a campaign)."""
    queryset = queryset.annotate(**{CAMPAIGN: latest_needs_campaign()})
    return queryset.annotate(**{KEY: _rate(_answers(agrees=YES))})


def support_at_least(queryset, name, value):
    return queryset.filter(**{f"{KEY}__gte": value}) if value is not None else queryset


def meeting_threshold(queryset, name, value):
    """达到门槛: support and participation both reach the city's rules in force (defaults without)."""
    if value not in ("yes", "no"):
        return queryset
    queryset = queryset.annotate(
        support_participation=_rate(_answers()),
        support_threshold=_rule("support_threshold"),
        support_min_participation=_rule("min_participation"),
    )
    passes = Q(**{f"{KEY}__gte": F("support_threshold")}) & Q(
        support_participation__gte=F("support_min_participation")
    )
    return queryset.filter(passes) if value == "yes" else queryset.exclude(passes)


def _shown(value):
    """58.33: SQLite gives the rounded rate back as a float."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def register():
    register_compound_column(
        CompoundColumn(
            key=KEY,
            label=_("support rate (%)"),
            annotate=annotate_support,
            permission="residents.view_surveycampaign",
            display=_shown,
            filters={
                "support_min": django_filters.NumberFilter(
                    label=_("support rate at least (%)"), method=support_at_least, min_value=0, max_value=100
                ),
                "support_passes": django_filters.ChoiceFilter(
                    label=_("residents' support threshold"),
                    choices=[("yes", _("meets the threshold")), ("no", _("below the threshold"))],
                    method=meeting_threshold,
                ),
            },
        )
    )
