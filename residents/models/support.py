"""Each compound's residents' support, stored so the compound list can rank and filter a province's
candidates by it as cheaply as it lists them (projects.registry.columns; residents.results.ranking).

A row holds what residents.results.selectors.compound_support counts live: the newest needs
campaign covering the compound, its households (its Household rows, or the registry's count when it
has none), the households that answered and agreed, the rates rounded to 0.01 % as shown, and
whether they reach the city's rules in force. residents.results.support.support_refresh rewrites
the rows of the compounds a service touched, in the same transaction; a changed city policy
re-judges its city's rows."""

from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from projects.models import Compound

from .surveys import SurveyCampaign

RATE = {"max_digits": 5, "decimal_places": 2, "null": True, "blank": True}

RANK = Coalesce("support", Value(0, output_field=models.DecimalField(max_digits=5, decimal_places=2)))


class CompoundSupport(models.Model):
    """A compound's residents' support in its newest needs survey, as counted at ``refreshed_at``."""

    compound = models.OneToOneField(
        Compound,
        verbose_name=_("compound"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="residents_support",
    )
    campaign = models.ForeignKey(
        SurveyCampaign,
        verbose_name=_("survey campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    households = models.PositiveIntegerField(_("households"), default=0)
    households_from_registry = models.BooleanField(_("households from the compound register"), default=True)
    answered = models.PositiveIntegerField(_("households that answered"), default=0)
    agreeing = models.PositiveIntegerField(_("households agreeing"), default=0)
    participation = models.DecimalField(_("participation (%)"), **RATE)
    support = models.DecimalField(_("support rate (%)"), **RATE)
    meets_threshold = models.BooleanField(_("meets the support threshold"), default=False)
    meets_participation = models.BooleanField(_("meets the minimum participation"), default=False)
    passes = models.BooleanField(_("meets the threshold"), default=False)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("compound's residents' support")
        verbose_name_plural = _("compounds' residents' support")
        ordering = ["compound"]
        # The compound list ranks by COALESCE(support, 0) DESC, compound; filtered to the compounds
        # that pass or reach a rate, PostgreSQL walks these in order and stops at the page's end.
        indexes = [
            models.Index(RANK.desc(), "compound", name="compoundsupport_rank"),
            models.Index("passes", RANK.desc(), "compound", name="compoundsupport_passes_rank"),
        ]

    def __str__(self):
        return f"{self.compound_id}: {self.support}"
