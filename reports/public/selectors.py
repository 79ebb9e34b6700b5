"""What a public page shows, read for anonymous visitors: the published page by its token, and the
project's public facts. Nothing here is restricted to a user (the visitor has none); each read is
narrowed to the one published project instead, and returns only the fields listed in
docs/public-pages.md — never a household, a complaint, an opinion or a note.

The project's compounds, items and planned money are read by the same functions as the 改造公示
notice (reports.notices.standard), so the page and the paper on the board say the same thing.
"""

from django.core import signing
from django.db.models import Q
from django.utils import timezone

from projects.models import Attachment, ProgressReport
from reports.models import ProjectPublicPage
from reports.notices.standard import _compounds, _items_by_category, _planned_by_source

PHOTO_SALT = "reports.public.photo"
MAX_PHOTOS = 12
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def published_page(token):
    """The published page of ``token``, with its project, or None."""
    return (
        ProjectPublicPage.objects.filter(token=token, is_published=True)
        .select_related("project", "project__region")
        .first()
    )


def _photos(project):
    is_image = Q()
    for suffix in IMAGE_SUFFIXES:
        is_image |= Q(filename__iendswith=suffix)
    return list(
        Attachment.objects.filter(project=project, kind=Attachment.Kind.PHOTO)
        .filter(is_image)
        .order_by("-created_at", "-pk")
        .values("pk", "created_at")[:MAX_PHOTOS]
    )


def photo_key(page, attachment_pk):
    """The signed name of a photo in a public address: it cannot be made up for another file."""
    return signing.dumps([page.pk, attachment_pk], salt=PHOTO_SALT, compress=True)


def published_photo(key):
    """The photo a key names, when its page is still published and it is still a photo of that
    page's project; else None."""
    try:
        page_pk, attachment_pk = signing.loads(key, salt=PHOTO_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    page = ProjectPublicPage.objects.filter(pk=page_pk, is_published=True).first()
    if page is None:
        return None
    photo = Attachment.objects.filter(
        pk=attachment_pk, project_id=page.project_id, kind=Attachment.Kind.PHOTO
    )
    photo = photo.first()
    if photo is None or not photo.filename.lower().endswith(IMAGE_SUFFIXES):
        return None
    return photo


def public_facts(page):
    """{…} of what the public page of ``page``'s project shows, as plain data."""
    project = page.project
    latest = (
        ProgressReport.objects.filter(project=project)
        .order_by("-reported_on", "-pk")
        .values("percent")
        .first()
    )
    planned, planned_total = _planned_by_source(project)
    compounds = _compounds(project)
    return {
        "name": project.name,
        "region": project.region.name,
        "compounds": compounds,
        "households": sum(c["household_count"] or 0 for c in compounds),
        "items": _items_by_category(project),
        "planned": planned,
        "planned_total": planned_total,
        "stage": project.get_stage_display(),
        "percent": latest["percent"] if latest else None,
        "planned_start": project.planned_start,
        "planned_completion": project.planned_completion,
        "started_on": project.started_on,
        "completed_on": project.completed_on,
        "accepted_on": project.accepted_on,
        "implementing_entity": project.implementing_entity,
        "contractor": project.contractor,
        "photos": [
            {"key": photo_key(page, photo["pk"]), "date": timezone.localtime(photo["created_at"]).date()}
            for photo in _photos(project)
        ],
        "hotline": page.hotline,
    }
