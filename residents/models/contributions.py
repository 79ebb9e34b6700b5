"""What each household of a project's compounds is due to contribute (不众筹不改造), from the city's
per-household rule (funding.rules, 芒市 1,500 / 2,000 元), and what it paid. A payment also goes into
the funding ledger as a receipt of the residents' source (residents.contributions.services)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.scoping import RegionScope
from core.validators import not_in_future
from projects.models import Project

from .households import Household

MONEY = {"max_digits": 14, "decimal_places": 2}


class Contribution(BaseModel):
    """A household's share of its project: due, paid, when and against which receipt."""

    project = models.ForeignKey(
        Project, verbose_name=_("renovation project"), on_delete=models.CASCADE, related_name="contributions"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="contributions"
    )
    due = models.DecimalField(_("amount due"), **MONEY, validators=[MinValueValidator(0)])
    basis = models.CharField(_("basis"), max_length=300, blank=True)  # the rule and its 文号
    paid = models.DecimalField(
        _("amount paid"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True, validators=[not_in_future])
    receipt_number = models.CharField(_("receipt number"), max_length=50, blank=True)
    # The ledger's receipt this payment was recorded as (funding.FundReceipt), once paid.
    fund_receipt = models.OneToOneField(
        "funding.FundReceipt",
        verbose_name=_("ledger receipt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="household_contribution",
        editable=False,
    )

    scope = RegionScope("household__compound__community__path")

    class Meta:
        verbose_name = _("household contribution")
        verbose_name_plural = _("household contributions")
        ordering = ["project", "household__building__number", "household__unit", "household__room", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "household"], name="one_contribution_per_household"),
            models.CheckConstraint(condition=models.Q(due__gte=0), name="contribution_due_not_negative"),
            models.CheckConstraint(condition=models.Q(paid__gte=0), name="contribution_paid_not_negative"),
        ]

    def __str__(self):
        return f"{self.project} · {self.household}"

    def get_absolute_url(self):
        return reverse("residents:contribution_list", args=[self.project_id]) + f"#contribution-{self.pk}"

    @property
    def outstanding(self):
        return max(self.due - self.paid, Decimal("0"))

    @property
    def is_paid(self):
        return self.paid >= self.due

    def clean(self):
        super().clean()
        if self.paid and not self.paid_on:
            raise ValidationError({"paid_on": _("Give the day it was paid.")})
        if self.paid and not self.receipt_number:
            raise ValidationError({"receipt_number": _("Give the receipt number.")})
