"""Ranking candidate compounds by residents' support: the compound list (projects.registry) gets a
support-rate column, sortable, with two filters (支持率 ≥ X%, 达到门槛), through the generic
projects.registry.columns. Each figure is read from the compound's stored support
(residents.models.CompoundSupport, kept exact by residents.results.support.support_refresh): one
LEFT JOIN on its primary key, so the list keeps its constant number of queries. Every compound has
its stored row: the compound services, the importer, the demo and the synthetic province tell
projects.registry.hooks.compounds_changed, and support_refresh writes a new compound's row (support
0, below the threshold) in the same transaction. So the sort and the filters join INNER, and
PostgreSQL walks the rank index (COALESCE(support, 0) DESC, compound) and stops at the page's end
(docs/benchmarks.md)."""

from decimal import Decimal

import django_filters
from django.db.models import DecimalField, F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from projects.registry.columns import CompoundColumn, register_compound_column

KEY = "support_rate"
STORED = "residents_support"
RATE = DecimalField(max_digits=5, decimal_places=2)


def annotate_support(queryset):
    """The compounds with ``support_rate``: agreeing households of the newest needs campaign over
    all households, in percent (0 without a campaign), as stored."""
    return queryset.annotate(**{KEY: Coalesce(F(f"{STORED}__support"), Value(0, output_field=RATE))})


def support_at_least(queryset, name, value):
    """支持率 ≥ X%: above 0 it keeps only compounds with a stored row (an INNER JOIN, which lets
    PostgreSQL walk the rank index); a compound without one reads 0."""
    if value is None or value <= 0:
        return queryset
    return queryset.filter(**{f"{STORED}__support__gte": value})


def meeting_threshold(queryset, name, value):
    """达到门槛: support and participation both reach the city's rules in force (defaults without),
    as stored; a compound without a stored row is below them."""
    if value == "yes":
        return queryset.filter(**{f"{STORED}__passes": True})
    if value == "no":
        return queryset.exclude(**{f"{STORED}__passes": True})
    return queryset


def stored_only(queryset):
    """Sorting by support reads the stored rows (every compound has one): an INNER JOIN, which lets
    PostgreSQL walk the rank index instead of sorting every compound of the scope."""
    return queryset.filter(**{f"{STORED}__isnull": False})


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
            sorted=stored_only,
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
