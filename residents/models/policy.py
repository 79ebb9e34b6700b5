"""Residents' section of a city's policy: when a compound's residents count as agreeing (the
support threshold over all households and the minimum participation), whether that blocks the
annual plan, how long complaints may wait for an answer, and how long households' personal data is
kept after their project closed."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import RegionScope
from org.models import CityPolicy, PolicySectionModel

TWO_THIRDS = Decimal("66.67")  # a rate is compared as shown, rounded to 0.01 %: 2 of 3 passes
DEFAULT_COMPLAINT_DAYS = 15
DEFAULT_RETENTION_YEARS = 5
PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class ResidentPolicy(PolicySectionModel):
    """The rules a city's policy sets for residents' surveys, complaints and personal data."""

    policy = models.OneToOneField(
        CityPolicy,
        verbose_name=_("city policy"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="resident_rules",
    )
    support_threshold = models.DecimalField(
        _("support threshold"),
        default=TWO_THIRDS,
        help_text=_("Households agreeing, over all households of the compound (two thirds: 66.67 %)."),
        **PERCENT,
    )
    min_participation = models.DecimalField(
        _("minimum participation"),
        default=TWO_THIRDS,
        help_text=_("Households that answered the needs survey, over all households of the compound."),
        **PERCENT,
    )
    support_blocks_plan = models.BooleanField(
        _("residents must agree before a project enters the annual plan"), default=True
    )
    complaint_days = models.PositiveSmallIntegerField(
        _("days to answer a complaint"),
        default=DEFAULT_COMPLAINT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    retention_years = models.PositiveSmallIntegerField(
        _("years personal data is kept after the project closed"),
        default=DEFAULT_RETENTION_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )

    scope = RegionScope("policy__city__path")
    section_anchor = "policy-residents"

    class Meta:
        verbose_name = _("residents' rules of a city policy")
        verbose_name_plural = _("residents' rules of city policies")
        ordering = ["policy"]
