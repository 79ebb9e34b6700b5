"""The monthly report (月报) as locked snapshots, and the reports section of a city's policy.

A report's numbers are copied in when it is built (``numbers``: the progress, the ranking, the
lagging projects and last month's figures as plain data) and never read again from the live
tables: its page, its .xlsx and its PDF show the snapshot. Building a month again makes a new
version and leaves the older ones, no longer current, with what changed; a submitted report is
locked until a superior reopens it (reports.monthly.services keeps these rules).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, Job
from core.scoping import RegionScope
from org.models import CityPolicy, PolicySectionModel, Region

DEFAULT_REPORT_DAY = 25
DEFAULT_STALE_PROGRESS_DAYS = 30


def monthly_file_path(instance, filename):
    # Private media: only the report's own download views hand the files out.
    return f"monthly/{instance.city_id}/{instance.month:%Y-%m}/v{instance.version}/{filename}"


class MonthlyReport(BaseModel):
    """One version of a city's monthly report: its frozen numbers, who built and submitted it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    city = models.ForeignKey(Region, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    as_of = models.DateField(_("figures as of"))
    data_version = models.CharField(
        _("data version"),
        max_length=80,
        help_text=_("The last audit entry when the numbers were read, and a digest of the numbers."),
    )
    numbers = models.JSONField(_("numbers"), default=dict)
    changes = models.JSONField(
        _("changes from the version before"), default=list, blank=True
    )  # [{"row": ..., "column": ..., "before": ..., "after": ...}]
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    built_at = models.DateTimeField(_("built at"), default=timezone.now)
    job = models.ForeignKey(
        Job,
        verbose_name=_("background job"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.CharField(_("reason for reopening"), max_length=500, blank=True)
    # Written once when the report is submitted, from its snapshot: what was sent is what is served.
    xlsx_file = models.FileField(_("spreadsheet"), upload_to=monthly_file_path, max_length=200, blank=True)
    pdf_file = models.FileField(_("PDF file"), upload_to=monthly_file_path, max_length=200, blank=True)

    # The city's report: its staff and everyone reading the city; district staff read it too (the
    # ranking names their district), though the city is above their own area.
    scope = RegionScope("city__path", reach=lambda path: Q(), reach_actions=("view",))

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["city", "-month", "-version"]
        permissions = [
            ("submit_monthlyreport", _("Can submit a monthly report")),
            ("reopen_monthlyreport", _("Can reopen a submitted monthly report")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "month"], condition=Q(is_current=True), name="monthlyreport_one_current"
            ),
            models.UniqueConstraint(fields=["city", "month", "version"], name="monthlyreport_version_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthlyreport_month_first_day"),
            models.CheckConstraint(condition=Q(version__gte=1), name="monthlyreport_version_positive"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="monthlyreport_submitted_has_time",
            ),
        ]

    def __str__(self):
        return _("%(city)s monthly report %(year)s-%(month)02d (version %(version)s)") % {
            "city": self.city.name if self.city_id else "",
            "year": self.month.year,
            "month": self.month.month,
            "version": self.version,
        }

    def get_absolute_url(self):
        return reverse("reports:monthly_detail", args=[self.pk])

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED

    def can_be_submitted(self):
        return self.is_current and self.status == self.Status.DRAFT

    def can_be_reopened(self):
        return self.is_current and self.status == self.Status.SUBMITTED

    def can_be_rebuilt(self):
        """A new version may replace this one while it is a draft (a submitted one is reopened first)."""
        return self.status == self.Status.DRAFT


class ReportPolicy(PolicySectionModel):
    """The reports section of a city's policy (org.policy): the day the month's report is built,
    and after how many days without a progress report a project counts as lagging."""

    policy = models.OneToOneField(
        CityPolicy,
        verbose_name=_("city policy"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="reports_section",
    )
    report_day = models.PositiveSmallIntegerField(
        _("monthly report day"),
        default=DEFAULT_REPORT_DAY,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("The day of each month the month's report is built by itself (1–28)."),
    )
    stale_progress_days = models.PositiveSmallIntegerField(
        _("progress report overdue after (days)"),
        default=DEFAULT_STALE_PROGRESS_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "A project under construction without a progress report for longer is listed as lagging."
        ),
    )

    scope = RegionScope("policy__city__path")
    section_anchor = "policy-reports"

    class Meta:
        verbose_name = _("reporting rules of a city policy")
        verbose_name_plural = _("reporting rules of city policies")
        ordering = ["policy"]
