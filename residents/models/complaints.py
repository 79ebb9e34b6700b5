"""Complaints and feedback (投诉) from residents: where they came from (12345 hotline, phone, visit,
online, letter), what about, who handles them by when, and how the resident judged the answer.
received → assigned → answered → closed; one past its deadline and not yet answered is overdue."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BaseModel
from core.scoping import RegionScope
from org.models import Organisation, Region
from projects.models import Compound, Project

# A mobile (13812341234), a landline with or without its area code and extension (0533-2181234,
# 0533-2181234-801, 2181234) or a service number (400-123-4567): what a resident gives at the door.
COMPLAINANT_PHONE_PATTERN = r"^(1\d{10}|(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?|[48]00-?\d{3}-?\d{4})$"
complainant_phone_validator = RegexValidator(
    COMPLAINANT_PHONE_PATTERN,
    _("Write a mobile number (11 digits starting with 1) or a landline such as 0533-2181234."),
    code="phone",
)


class Complaint(BaseModel):
    """One complaint or piece of feedback and how it was handled."""

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("12345 hotline")
        PHONE = "phone", pgettext_lazy("complaint", "phone")
        VISIT = "visit", _("visit")
        ONLINE = "online", _("online")
        LETTER = "letter", _("letter")

    class Category(models.TextChoices):
        CONSTRUCTION_QUALITY = "quality", _("construction quality")
        CONSTRUCTION_NUISANCE = "nuisance", _("noise, dust and disturbance")
        SAFETY = "safety", _("safety")
        PROGRESS = "progress", _("progress and delays")
        CONTENT = "content", _("what is renovated")
        CONTRIBUTION = "contribution", _("contributions and fees")
        PROPERTY = "property", _("property management")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("complaint", "received")
        ASSIGNED = "assigned", pgettext_lazy("complaint", "assigned")
        ANSWERED = "answered", pgettext_lazy("complaint", "answered")
        CLOSED = "closed", pgettext_lazy("complaint", "closed")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        PARTLY = "partly", _("partly satisfied")
        DISSATISFIED = "dissatisfied", _("dissatisfied")

    number = models.CharField(_("complaint number"), max_length=32, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(
        pgettext_lazy("complaint", "category"), max_length=16, choices=Category.choices
    )
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("renovation project"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="complaints",
    )  # fmt: skip
    # The compound's community, or the project's area: its scope.
    region = models.ForeignKey(Region, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    complainant_name = models.CharField(_("complainant"), max_length=50, blank=True)
    complainant_phone = models.CharField(
        _("complainant's phone"), max_length=20, blank=True, validators=[complainant_phone_validator]
    )
    content = models.TextField(_("content"))
    received_on = models.DateField(pgettext_lazy("complaint", "received on"))
    handler = models.ForeignKey(
        Organisation,
        verbose_name=pgettext_lazy("complaint", "handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("answer due by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reply = models.TextField(_("reply"), blank=True)
    answered_on = models.DateField(pgettext_lazy("complaint", "answered on"), null=True, blank=True)
    satisfaction = models.CharField(
        _("resident's satisfaction with the reply"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    closed_on = models.DateField(pgettext_lazy("complaint", "closed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip

    scope = RegionScope("region__path")

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["category"])]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("residents:complaint_detail", args=[self.pk])

    def is_overdue(self, today=None):
        """Past its deadline without an answer."""
        today = today or timezone.localdate()
        return self.status in (self.Status.RECEIVED, self.Status.ASSIGNED) and self.deadline < today


class ComplaintCounter(models.Model):
    """The last complaint number a city gave out in a year; locked while the next one is taken."""

    city = models.ForeignKey(Region, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("complaint counter")
        verbose_name_plural = _("complaint counters")
        ordering = ["city", "year"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="complaint_counter_one_per_city_year"),
        ]

    def __str__(self):
        return f"{self.city}〔{self.year}〕{self.last_number}"

    def get_absolute_url(self):
        return reverse("residents:complaint_list")
