"""The old-compound database: compounds (小区) and their buildings (楼栋)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.scoping import RegionScope
from core.validators import year_not_in_future
from org.models import Region

EARLIEST_YEAR = 1949


class Compound(BaseModel):
    """An old residential compound (小区): the unit a renovation project works on."""

    class PropertyManagement(models.TextChoices):
        PROFESSIONAL = "professional", _("professional property management")
        EMPLOYER = "employer", _("managed by the former employer")
        NONE = "none", _("no property management")

    class Origin(models.TextChoices):
        HOUSING_REFORM = "housing_reform", _("housing-reform flats")
        WORK_UNIT_DORMITORY = "work_unit_dormitory", _("work-unit dormitory")
        THREE_SUPPLIES = "three_supplies", _("handed over under 'three supplies and one property'")
        COMMERCIAL = "commercial", _("commercial housing")
        RESETTLEMENT = "resettlement", _("resettlement housing")
        OTHER = "other", _("other")

    class Pool(models.TextChoices):
        RESERVE = "reserve", _("reserve")
        PLANNING = "planning", _("planning")
        IMPLEMENTATION = "implementation", _("implementation")
        RENOVATED = "renovated", _("renovated")

    class Eligibility(models.TextChoices):
        ELIGIBLE = "eligible", _("eligible")
        BUILT_AFTER_CUTOFF = "built_after_cutoff", _("built after the policy's cutoff")
        SHANTY_TOWN = "shanty_town", _("in a shanty-town redevelopment area")
        SELF_BUILT = "self_built", _("self-built housing")
        NO_POLICY = "no_policy", _("no city policy yet")

    city = models.ForeignKey(
        Region, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    community = models.ForeignKey(
        Region,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="compounds",
        limit_choices_to={"level": Region.Level.COMMUNITY},
    )
    code = models.CharField(_("compound code"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    year_built = models.PositiveSmallIntegerField(
        _("year built"), validators=[MinValueValidator(EARLIEST_YEAR), year_not_in_future]
    )
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    building_count = models.PositiveIntegerField(_("number of buildings"), validators=[MinValueValidator(1)])
    household_count = models.PositiveIntegerField(_("households"))
    max_storeys = models.PositiveSmallIntegerField(
        _("storeys (highest)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    property_management = models.CharField(
        _("property management"),
        max_length=16,
        choices=PropertyManagement.choices,
        default=PropertyManagement.NONE,
    )
    origin = models.CharField(
        _("ownership origin"), max_length=32, choices=Origin.choices, default=Origin.OTHER
    )
    in_shanty_town_area = models.BooleanField(_("in a shanty-town redevelopment area"), default=False)
    self_built = models.BooleanField(_("self-built housing"), default=False)
    pool = models.CharField(_("pipeline pool"), max_length=16, choices=Pool.choices, default=Pool.RESERVE)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Set by projects.eligibility from the city policy in force; recomputed when the policy changes.
    eligibility = models.CharField(
        _("eligibility"),
        max_length=24,
        choices=Eligibility.choices,
        default=Eligibility.NO_POLICY,
        editable=False,
    )

    scope = RegionScope("community__path")

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["community__path", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "code"],
                condition=~models.Q(code=""),
                name="compound_code_unique_in_city",
                violation_error_message=_("Another compound of the city already has this code."),
            ),
            models.CheckConstraint(condition=models.Q(floor_area__gt=0), name="compound_floor_area_positive"),
            models.CheckConstraint(condition=models.Q(building_count__gte=1), name="compound_has_a_building"),
            models.CheckConstraint(
                condition=models.Q(year_built__gte=EARLIEST_YEAR), name="compound_built_after_1949"
            ),
        ]
        indexes = [models.Index(fields=["city", "name"]), models.Index(fields=["year_built"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:compound_detail", args=[self.pk])

    @property
    def is_eligible(self):
        return self.eligibility == self.Eligibility.ELIGIBLE


class Building(BaseModel):
    """A building (楼栋) of a compound."""

    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), on_delete=models.CASCADE, related_name="buildings"
    )
    number = models.CharField(_("building number"), max_length=20, help_text=_("As posted, e.g. 3号楼."))
    storeys = models.PositiveSmallIntegerField(
        _("storeys"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    units = models.PositiveSmallIntegerField(
        _("stairwell units"), default=1, validators=[MinValueValidator(1)]
    )
    household_count = models.PositiveIntegerField(_("households"), default=0)
    year_built = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_YEAR), year_not_in_future],
    )
    has_lift = models.BooleanField(_("has a lift"), default=False)

    scope = RegionScope("compound__community__path")

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["compound", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "number"], name="building_number_unique_in_compound"),
            models.CheckConstraint(condition=models.Q(storeys__gte=1), name="building_has_a_storey"),
        ]

    def __str__(self):
        return f"{self.compound.name} {self.number}"

    def get_absolute_url(self):
        return reverse("projects:compound_detail", args=[self.compound_id]) + "#buildings"
