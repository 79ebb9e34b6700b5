"""The public page (公示) of a project: published by city staff, read by anyone who has its address.

The address holds a random token, not the project's number, so it cannot be guessed or walked; a
page withdrawn and published again keeps its token, and the QR codes already printed keep working.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.scoping import RegionScope
from projects.models import Project
from projects.models.project import CITY_DEPTH, bundling_compounds_under

# 12345, the government service hotline every Chinese city answers, takes renovation complaints.
DEFAULT_HOTLINE = "12345"


def new_token():
    return secrets.token_urlsafe(24)


class ProjectPublicPage(BaseModel):
    """Whether a project's public page is published, at which unguessable address, and its hotline."""

    project = models.OneToOneField(
        Project, verbose_name=_("renovation project"), on_delete=models.CASCADE, related_name="public_page"
    )
    token = models.CharField(
        _("address token"), max_length=64, unique=True, default=new_token, editable=False
    )
    is_published = models.BooleanField(_("published"), default=False)
    hotline = models.CharField(
        _("complaint hotline"),
        max_length=40,
        default=DEFAULT_HOTLINE,
        help_text=_("The telephone number residents call with a complaint, printed on the public page."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # Bumped by every change that alters what the page shows: the cache key holds it.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    scope = RegionScope(
        "project__region__path", reach=bundling_compounds_under("project"), reach_depth=CITY_DEPTH
    )

    class Meta:
        verbose_name = _("public project page")
        verbose_name_plural = _("public project pages")
        ordering = ["project", "pk"]
        permissions = [("publish_projectpublicpage", _("Can publish and withdraw a project's public page"))]

    def __str__(self):
        return str(self.project)

    def get_absolute_url(self):
        """The management page: the public address itself is get_public_url()."""
        return reverse("reports:public_page_manage", args=[self.project_id])

    def get_public_url(self):
        return reverse("reports:public_page", args=[self.token])
