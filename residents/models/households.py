"""A household (住户) of a compound's building: who lives in which room, and what ageing-friendly or
accessibility items it may need. The head's name and phone are personal information under the PIPL
(docs/privacy.md): shown masked to every role without ``residents.view_personal_data``, unmasked
one household at a time with a reason and an audit entry, removed by the retention job N years
after the household's project closed. No ID-card number is ever stored."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.scoping import RegionScope
from projects.models import Building, Compound

PHONE_PATTERN = r"^1\d{10}$"
phone_validator = RegexValidator(
    PHONE_PATTERN, _("A phone number has 11 digits and starts with 1."), code="phone"
)


def mask_phone(phone):
    """138****1234: the first three and last four digits of a mobile number."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_name(name):
    """张* (two characters), 欧阳** : the family name's first character and a star for each other."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


class Household(BaseModel):
    """One household of a compound, in a room of a building's unit."""

    class Tenure(models.TextChoices):
        OWNER = "owner", _("owner")
        TENANT = "tenant", _("tenant")

    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), on_delete=models.CASCADE, related_name="households"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="households"
    )
    unit = models.CharField(
        _("unit (stairwell)"), max_length=10, blank=True, help_text=_("Stairwell unit, e.g. 2单元.")
    )
    room = models.CharField(_("room"), max_length=20, help_text=_("As posted on the door, e.g. 301."))
    head_name = models.CharField(_("head of household"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True, validators=[phone_validator])
    size = models.PositiveSmallIntegerField(
        _("household size"), default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    has_elderly = models.BooleanField(_("elderly members (60 or over)"), default=False)
    has_disabled = models.BooleanField(_("members with a disability"), default=False)
    tenure = models.CharField(
        _("owner or tenant"), max_length=8, choices=Tenure.choices, default=Tenure.OWNER
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Set by the retention job when the name and phone were removed (docs/privacy.md).
    personal_data_removed_on = models.DateField(
        _("personal data removed on"), null=True, blank=True, editable=False
    )

    scope = RegionScope("compound__community__path")

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("household register")
        ordering = ["compound", "building__number", "unit", "room", "id"]
        permissions = [
            ("view_personal_data", _("Can see residents' full names and phone numbers")),
            ("unmask_personal_data", _("Can reveal one household's name and phone number, giving a reason")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "room"],
                name="household_room_unique_in_unit",
                violation_error_message=_("This room of that unit already has a household."),
            ),
            models.CheckConstraint(condition=models.Q(size__gte=1), name="household_has_a_member"),
        ]
        indexes = [models.Index(fields=["compound", "building"])]

    def __str__(self):
        return self.address

    def get_absolute_url(self):
        return reverse("residents:household_detail", args=[self.pk])

    @property
    def address(self):
        """3号楼2单元301: where the household lives in its compound."""
        building = self.building.number if self.building_id else ""
        return f"{building}{self.unit}{self.room}"

    @property
    def masked_name(self):
        return mask_name(self.head_name)

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    def can_be_deleted(self):
        """A household that answered a survey or owes a contribution is part of those records."""
        return not (self.survey_responses.exists() or self.contributions.exists())

    def clean(self):
        super().clean()
        if self.building_id and self.compound_id and self.building.compound_id != self.compound_id:
            raise ValidationError({"building": _("The building belongs to another compound.")})
