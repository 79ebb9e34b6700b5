"""Annual quotas (年度任务): what the province hands a city for a year, and the city's split to its
districts, in the four factors central money is allocated by (compounds, households, buildings,
floor area) plus investment."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.scoping import RegionScope
from org.models import Region

FIRST_YEAR, LAST_YEAR = 2000, 2100
# A city's path has two codes (province/city/): its row is read by everyone working under it.
CITY_DEPTH = 2
QUOTA_LEVELS = (Region.Level.CITY, Region.Level.DISTRICT)


def reaches_everyone_below(path):
    """The city's quota (a row above a district user's region) is read by the district too: it is
    the whole its share belongs to."""
    return Q()


class AnnualQuota(BaseModel):
    """A year's quota (年度任务) of a city or of one of its districts."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("city or district"),
        on_delete=models.PROTECT,
        related_name="annual_quotas",
        limit_choices_to={"level__in": QUOTA_LEVELS},
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    compounds = models.PositiveIntegerField(_("number of compounds"), default=0)
    households = models.PositiveIntegerField(_("number of households"), default=0)
    buildings = models.PositiveIntegerField(_("number of buildings"), default=0)
    # In m², as a compound's floor area (12 digits: the largest city's quota is far below it).
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    # Yuan, typed and shown in 万元 (core.money).
    investment = models.DecimalField(
        _("quota investment"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    # The city's staff keep the quotas; a district reads its own share and the city's row.
    scope = RegionScope(
        "region__path", reach=reaches_everyone_below, reach_actions=("view",), reach_depth=CITY_DEPTH
    )

    class Meta:
        verbose_name = _("annual quota")
        verbose_name_plural = _("annual quotas")
        ordering = ["-year", "region__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="annual_quota_once_per_region_and_year",
                violation_error_message=_("This city or district already has a quota for the year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="annual_quota_year_known"
            ),
            models.CheckConstraint(
                condition=Q(floor_area__gte=0, investment__gte=0), name="annual_quota_not_negative"
            ),
        ]

    def __str__(self):
        return _("%(region)s %(year)s quota") % {"region": self.region.name, "year": self.year}

    def get_absolute_url(self):
        return reverse("projects:quota_table") + f"?year={self.year}"

    def clean(self):
        # A region's level lives in another table, out of a CheckConstraint's reach.
        try:
            level = self.region.level if self.region_id is not None else None
        except (Region.DoesNotExist, ValueError, TypeError, ValidationError):
            return  # no such region: the field's own error says so
        if level is not None and level not in QUOTA_LEVELS:
            raise ValidationError({"region": _("A quota is set for a city or a district, not a street.")})

    @property
    def city_path(self):
        return "".join(f"{code}/" for code in self.region.path.split("/")[:CITY_DEPTH])
