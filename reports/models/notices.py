"""Official notices (公文): who issues them, the per-issuer yearly counter of document numbers, and
the register of every number given out, voided ones included.

A number is taken from the counter under a row lock in the same transaction that records the
notice, so a rollback gives the number back and no two notices share one (reports.notices.services).
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, Job
from core.scoping import RegionScope, Unscoped
from org.models import Organisation, Region


def notice_path(instance, filename):
    # Private media, like the projects' attachments: the name is random and only a permission-checked
    # view hands the file out.
    return f"notices/{instance.year}/{uuid.uuid4().hex}.pdf"


class NoticeIssuer(BaseModel):
    """A body that signs official notices: its abbreviation for document numbers and its red header."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    abbreviation = models.CharField(
        _("abbreviation"), max_length=10, unique=True, help_text=_("Used in document numbers, e.g. 淄建.")
    )
    header = models.CharField(
        _("header"), max_length=40, help_text=_("The red issuer mark, e.g. 淄博市住房和城乡建设局文件.")
    )
    signature = models.CharField(
        _("signature"),
        max_length=60,
        help_text=_("The issuer's name above the date, e.g. 淄博市住房和城乡建设局."),
    )
    active = models.BooleanField(_("in use"), default=True)

    scope = Unscoped()

    class Meta:
        verbose_name = _("notice issuer")
        verbose_name_plural = _("notice issuers")
        ordering = ["abbreviation", "pk"]

    def __str__(self):
        return f"{self.signature}（{self.abbreviation}）"

    def get_absolute_url(self):
        return reverse("reports:notice_list") + f"?issuer={self.pk}"

    def number_text(self, year, sequence):
        return f"{self.abbreviation}〔{year}〕{sequence}号"


class DocumentCounter(models.Model):
    """The last document number an issuer gave out in a year; locked while the next one is taken."""

    issuer = models.ForeignKey(
        NoticeIssuer, verbose_name=_("notice issuer"), on_delete=models.PROTECT, related_name="counters"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        ordering = ["issuer", "year"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="document_counter_one_per_issuer_year"),
        ]

    def __str__(self):
        return f"{self.issuer.abbreviation}〔{self.year}〕{self.last_number}"

    def get_absolute_url(self):
        return reverse("reports:notice_list") + f"?issuer={self.issuer_id}&year={self.year}"


class Notice(BaseModel):
    """One official notice of the register: its number, what it is about, its PDF, and whether it
    was voided (a voided number stays, marked 作废)."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("issued")
        VOIDED = "voided", _("voided")

    kind = models.CharField(_("kind"), max_length=32, db_index=True)
    issuer = models.ForeignKey(
        NoticeIssuer, verbose_name=_("notice issuer"), on_delete=models.PROTECT, related_name="notices"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("document number"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    addressee = models.CharField(_("addressee"), max_length=200, blank=True)
    issued_on = models.DateField(_("issue date"))
    # What the document says, frozen when the number was given: a re-render prints the same text.
    context = models.JSONField(_("content"), default=dict, blank=True)
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("subject type"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("subject"))
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(_("subject"), max_length=200)
    # The subject's area (a project's street or district; a city for city-wide documents): its scope.
    region = models.ForeignKey(Region, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey(Region, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ISSUED, db_index=True
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    file = models.FileField(_("PDF file"), upload_to=notice_path, max_length=200, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    job = models.ForeignKey(
        Job,
        verbose_name=_("background job"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )

    scope = RegionScope("region__path")

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-year", "issuer", "-sequence", "-pk"]
        permissions = [("void_notice", _("Can void a notice"))]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "sequence"], name="notice_number_unique"),
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="notice_sequence_positive"),
            models.CheckConstraint(
                condition=models.Q(status="issued") | ~models.Q(void_reason=""),
                name="notice_voided_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="notice_subject_idx")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("reports:notice_detail", args=[self.pk])

    @property
    def is_voided(self):
        return self.status == self.Status.VOIDED

    def can_be_voided(self):
        return self.status == self.Status.ISSUED

    @property
    def is_rendered(self):
        return bool(self.file) and self.rendered_at is not None
