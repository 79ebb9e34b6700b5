"""Publishing and withdrawing a project's public page. City staff only; one audit entry each.

Both are idempotent: a second click finds the page as the first left it and changes nothing.
Publishing again after a withdrawal keeps the page's token, so the QR codes already printed on the
site board and the 改造公示 lead to it again. Each change bumps the page's version, which names the
cached copy (reports.public.views): a withdrawn or edited page is never served from the cache.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry
from projects.models import Project
from reports.models import ProjectPublicPage

PUBLISH = "reports.publish_projectpublicpage"


def _check(user, project):
    if not user.has_perm(PUBLISH):
        raise PermissionDenied(_("You may not publish public project pages."))
    if not Project.objects.restrict(user).filter(pk=project.pk).exists():
        raise PermissionDenied(_("You may not publish public project pages."))


def _locked_page(project):
    ProjectPublicPage.objects.bulk_create([ProjectPublicPage(project=project)], ignore_conflicts=True)
    return ProjectPublicPage.objects.select_for_update().get(project=project)


def public_page_publish(*, project, user, hotline=None):
    """Publish ``project``'s page (created on first use), with ``hotline`` when one is given.
    Returns the page."""
    _check(user, project)
    with transaction.atomic():
        page = _locked_page(project)
        hotline = (hotline or "").strip() or page.hotline
        if page.is_published and hotline == page.hotline:
            return page
        was_published = page.is_published
        old_hotline = page.hotline
        page.hotline = hotline
        if not was_published:
            page.is_published = True
            page.published_at = timezone.now()
            page.published_by = user
        page.full_clean()
        page.version = F("version") + 1
        page.save()
        page.refresh_from_db()
        if was_published:
            summary = _("Changed the complaint hotline of the public page of %(project)s") % {
                "project": project.name
            }
            changes = {"hotline": [old_hotline, hotline]}
        else:
            summary = _("Published the public page of %(project)s") % {"project": project.name}
            changes = {"is_published": [False, True]}
        audit_record(actor=user, action=AuditEntry.Action.UPDATE, obj=page, summary=summary, changes=changes)
    return page


def public_page_withdraw(*, project, user):
    """Take ``project``'s page offline; its address answers 404 until it is published again.
    Returns the page, or None when it was never published."""
    _check(user, project)
    with transaction.atomic():
        page = ProjectPublicPage.objects.select_for_update().filter(project=project).first()
        if page is None or not page.is_published:
            return page
        page.is_published = False
        page.full_clean()
        page.version = F("version") + 1
        page.save()
        page.refresh_from_db()
        audit_record(
            actor=user, action=AuditEntry.Action.UPDATE, obj=page,
            summary=_("Withdrew the public page of %(project)s") % {"project": project.name},
            changes={"is_published": [True, False]},
        )  # fmt: skip
    return page
