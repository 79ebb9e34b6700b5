"""The catalogue of renovation content (改造内容): categories and their standard items.

Reference data every project item will point to. It ships as fixtures/renovation_items.json and
city administrators edit it afterwards in the portal.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.scoping import Unscoped


class ItemCategory(BaseModel):
    """A category of renovation content: 基础类, 完善类, 提升类 (and 淄博's optional interior work)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    rule = models.CharField(_("rule"), max_length=50, help_text=_("How far it must go, e.g. 应改尽改."))
    description = models.TextField(_("description"), blank=True)
    optional = models.BooleanField(_("optional category"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope = Unscoped()

    class Meta:
        verbose_name = _("item category")
        verbose_name_plural = _("item categories")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:renovationitem_list") + f"?category={self.pk}"


class RenovationItem(BaseModel):
    """A standard item of renovation content, its unit, the national indicator it counts toward
    and who pays for it by default."""

    class Indicator(models.TextChoices):
        # The national statistics of the programme (住房和城乡建设部's yearly table). Codes are
        # stable: reports and exports key their columns by them.
        NONE = "", _("none")
        PIPELINES_WATER_KM = "pipelines_water_km", _("water-supply pipes renewed (km)")
        PIPELINES_DRAINAGE_KM = "pipelines_drainage_km", _("drainage pipes renewed (km)")
        PIPELINES_GAS_KM = "pipelines_gas_km", _("gas pipes renewed (km)")
        PIPELINES_HEATING_KM = "pipelines_heating_km", _("heating pipes renewed (km)")
        PIPELINES_POWER_TELECOM_KM = "pipelines_power_telecom_km", _("power and telecom lines renewed (km)")
        LIFTS = "lifts", _("lifts added")
        ENERGY_SAVING_M2 = "energy_saving_m2", _("energy-saving renovation area (m²)")
        PARKING_SPACES = "parking_spaces", _("parking spaces added")
        EV_CHARGERS = "ev_chargers", _("EV charging points")
        EBIKE_CHARGERS = "ebike_chargers", _("e-bike charging points")
        ELDERLY_CARE = "elderly_care", _("elderly-care facilities")
        CHILD_CARE = "child_care", _("child-care facilities")
        FITNESS_M2 = "fitness_m2", _("leisure and fitness area (m²)")
        ACCESSIBILITY = "accessibility", _("accessibility and ageing-friendly works")

    class Payer(models.TextChoices):
        GOVERNMENT = "government", _("public funds")
        LOCAL_BUDGET = "local_budget", _("local budget")
        RESIDENTS = "residents", _("residents")
        UTILITY = "utility", _("utility companies")
        OWNER = "owner", _("owner of the facility")
        OPERATORS = "operators", _("telecom operators")
        MIXED = "mixed", _("shared")

    category = models.ForeignKey(
        ItemCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50)
    unit = models.CharField(_("unit"), max_length=10)
    indicator = models.CharField(
        _("national indicator"), max_length=32, choices=Indicator.choices, blank=True, default=""
    )
    default_payer = models.CharField(
        _("paid by default by"), max_length=16, choices=Payer.choices, default=Payer.GOVERNMENT
    )
    payer_note = models.CharField(_("who pays (note)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("offered for new projects"),
        default=True,
        help_text=_("Retired items stay on the projects that use them."),
    )

    scope = Unscoped()

    class Meta:
        verbose_name = _("renovation item")
        verbose_name_plural = _("renovation items")
        ordering = ["category__order", "order", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:renovationitem_detail", args=[self.pk])
