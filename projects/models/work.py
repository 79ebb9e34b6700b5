"""What a project does and how it goes: its items of renovation content, progress reports, and the
inspections (督导检查) with their findings to rectify."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.querysets import RestrictedQuerySet
from core.scoping import RegionScope
from core.validators import not_in_future

from .catalogue import RenovationItem
from .project import CITY_DEPTH, Project, bundling_compounds_under

# Stored in yuan with 2 places; typed and shown in 万元 (core.money, docs/money.md).
MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = (MinValueValidator(0), MaxValueValidator(100))


class ProjectItem(BaseModel):
    """One item of a project's renovation content: how much, what it costs at each stage, who pays."""

    project = models.ForeignKey(
        Project, verbose_name=_("renovation project"), on_delete=models.CASCADE, related_name="items"
    )
    item = models.ForeignKey(
        RenovationItem, verbose_name=_("renovation item"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    estimated_cost = models.DecimalField(
        _("estimated cost"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    bid_price = models.DecimalField(
        _("contract price"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    actual_cost = models.DecimalField(
        _("actual cost"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=PERCENT)
    payer = models.CharField(_("paid by"), max_length=16, choices=RenovationItem.Payer.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = RegionScope(
        "project__region__path", reach=bundling_compounds_under("project"), reach_depth=CITY_DEPTH
    )

    class Meta:
        verbose_name = _("project item")
        verbose_name_plural = _("project items")
        ordering = ["project", "item__category__order", "item__order", "item__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "item"], name="item_once_per_project"),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100), name="item_progress_is_a_percentage"
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.item}"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.project_id]) + "#project-items"


class ProgressReport(BaseModel):
    """A dated report from the site: how far the work is, what has been invested so far."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("renovation project"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    reported_on = models.DateField(_("date"), validators=[not_in_future])
    percent = models.PositiveSmallIntegerField(_("complete (%)"), validators=PERCENT)
    investment_to_date = models.DecimalField(
        _("investment completed to date"), **MONEY, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )

    scope = RegionScope(
        "project__region__path", reach=bundling_compounds_under("project"), reach_depth=CITY_DEPTH
    )

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100), name="progress_is_a_percentage"
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.reported_on} · {self.percent}%"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.project_id]) + "#progress"


class Inspection(BaseModel):
    """A supervision visit (督导检查) to a project and what the inspectors wrote down."""

    project = models.ForeignKey(
        Project, verbose_name=_("renovation project"), on_delete=models.CASCADE, related_name="inspections"
    )
    inspected_on = models.DateField(_("inspection date"), validators=[not_in_future])
    inspector = models.CharField(_("inspected by"), max_length=100)
    summary = models.TextField(_("summary"), blank=True)

    scope = RegionScope(
        "project__region__path", reach=bundling_compounds_under("project"), reach_depth=CITY_DEPTH
    )

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["project", "-inspected_on", "-id"]

    def __str__(self):
        return f"{self.project} · {self.inspected_on} · {self.inspector}"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.project_id]) + "#inspections"


class FindingQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)

    def overdue(self, today=None):
        return self.open().filter(deadline__lt=today or timezone.localdate())


class Finding(BaseModel):
    """One thing an inspection asks to be put right by a deadline (限期整改), until it is closed."""

    class Severity(models.TextChoices):
        CRITICAL = "critical", _("critical: blocks completion acceptance")
        GENERAL = "general", _("general")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    description = models.CharField(_("finding"), max_length=300)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.GENERAL
    )
    # A basic item the inspectors found missing from the project (基础类应改尽改).
    requested_item = models.ForeignKey(
        RenovationItem,
        verbose_name=_("item asked for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("rectify by"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True, validators=[not_in_future])
    closure_note = models.CharField(_("how it was put right"), max_length=300, blank=True)

    objects = FindingQuerySet.as_manager()
    scope = RegionScope(
        "inspection__project__region__path",
        reach=bundling_compounds_under("inspection__project"),
        reach_depth=CITY_DEPTH,
    )

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["inspection", "deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | ~models.Q(closure_note=""),
                name="closed_finding_says_how",
            ),
        ]

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.inspection.project_id]) + "#inspections"

    @property
    def is_overdue(self):
        return self.closed_on is None and self.deadline < timezone.localdate()

    @property
    def is_critical(self):
        """A critical finding still open blocks completion acceptance."""
        return self.severity == self.Severity.CRITICAL
