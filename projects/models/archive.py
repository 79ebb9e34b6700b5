"""A project's archive: typed attachments kept outside any public URL, and the prerequisites its
city's policy asks for, each ticked with evidence."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.scoping import RegionScope
from core.validators import not_in_future
from org.roles import CITY_STAFF

from .policy import Prerequisite
from .project import CITY_DEPTH, Project, bundling_compounds_under
from .work import ProgressReport


def attachment_path(instance, filename):
    # The stored name is random: the user's file name is kept in a column, never trusted as a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"projects/{instance.project_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(BaseModel):
    """A file of a project's archive; downloaded only through a permission-checked view."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("renovation plan")
        DRAWINGS = "drawings", _("design drawings")
        APPROVAL = "approval", _("approval document")
        BIDDING = "bidding", _("bidding documents")
        PHOTO = "photo", _("photo")
        ACCEPTANCE = "acceptance", _("acceptance record")
        OTHER = "other", _("other")

    # What the archive must hold by completion acceptance.
    ARCHIVE_AT_ACCEPTANCE = (
        Kind.PLAN,
        Kind.DRAWINGS,
        Kind.APPROVAL,
        Kind.BIDDING,
        Kind.PHOTO,
        Kind.ACCEPTANCE,
    )

    project = models.ForeignKey(
        Project, verbose_name=_("renovation project"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("document type"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    progress_report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )

    scope = RegionScope(
        "project__region__path", reach=bundling_compounds_under("project"), reach_depth=CITY_DEPTH
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["project", "kind", "-created_at", "-id"]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.project_id]) + "#attachments"

    def get_download_url(self):
        return reverse("projects:attachment_download", args=[self.pk])

    def belongs_to(self, user):
        """The organisation that uploaded a file, and the city bureau's staff, may remove it."""
        if user.is_superuser or CITY_STAFF in user.role_codes:
            return True
        return user.organisation_id is not None and user.organisation_id == self.uploaded_by.organisation_id

    def is_settled_evidence(self):
        """The file proves a prerequisite ticked before the project was declared: it stays."""
        if not self.project.prerequisites_are_settled():
            return False
        proves = getattr(self, "proves_prerequisite", None)  # annotated by the archive's selector
        if proves is None:
            proves = ProjectPrerequisite.objects.filter(evidence=self).exists()
        return proves

    def can_be_deleted_by(self, user):
        """Removed by its organisation or the city (with the role's permission), until the archive
        is sealed at completion acceptance; never the evidence of a settled prerequisite."""
        return (
            user.has_perm("projects.delete_attachment")
            and self.belongs_to(user)
            and not self.project.archive_is_sealed()
            and not self.is_settled_evidence()
        )

    @property
    def is_image(self):
        return PurePath(self.filename).suffix.lower() in (".jpg", ".jpeg", ".png")


class ProjectPrerequisite(BaseModel):
    """A prerequisite of the city's checklist met by a project, with its evidence."""

    project = models.ForeignKey(
        Project, verbose_name=_("renovation project"), on_delete=models.CASCADE, related_name="prerequisites"
    )
    kind = models.CharField(_("prerequisite"), max_length=32, choices=Prerequisite.choices)
    met_on = models.DateField(_("met on"), validators=[not_in_future])
    note = models.CharField(_("evidence (note)"), max_length=300, blank=True)
    evidence = models.ForeignKey(
        Attachment,
        verbose_name=_("evidence (file)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    scope = RegionScope(
        "project__region__path", reach=bundling_compounds_under("project"), reach_depth=CITY_DEPTH
    )

    class Meta:
        verbose_name = _("prerequisite met")
        verbose_name_plural = _("prerequisites met")
        ordering = ["project", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="prerequisite_once_per_project"),
            models.CheckConstraint(
                condition=~models.Q(note="") | models.Q(evidence__isnull=False),
                name="prerequisite_has_evidence",
                violation_error_message=_("Give a note or a file as evidence."),
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.project_id]) + "#prerequisites"
