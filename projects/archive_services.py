"""The project archive: uploading and removing attachments, ticking the city's prerequisites.

An upload is checked for size, type and content before anything is saved; the file's name is kept
as text and the stored name is random (projects.models.archive.attachment_path).
"""

import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry
from org.models import CityPolicy, Prerequisite

from .models import Attachment, Project, ProjectPrerequisite

# What the first bytes of a file of each extension look like; others are accepted by extension.
SIGNATURES = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "dwg": (b"AC10",),
}
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png")


def locked_project(actor, project, permission):
    """The project again, locked, if it is in ``actor``'s scope and their role holds ``permission``
    (on the project's child model); PermissionDenied otherwise."""
    if not actor.has_perm(permission):
        raise PermissionDenied
    try:
        return Project.objects.restrict(actor).select_for_update(of=("self",)).get(pk=project.pk)
    except Project.DoesNotExist:
        raise PermissionDenied from None


def check_upload(upload, *, photo=False):
    """Refuse a file the archive does not take, with a message naming it; returns its extension."""
    name = PurePath(upload.name).name
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed = PHOTO_EXTENSIONS if photo else tuple(settings.ATTACHMENT_EXTENSIONS)
    if extension not in allowed:
        raise ValidationError(
            _("“%(name)s”: files of this type are not accepted (accepted: %(allowed)s).")
            % {"name": name, "allowed": "、".join(allowed)}
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            }
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    head = upload.read(8)
    upload.seek(0)
    signatures = SIGNATURES.get(extension)
    if signatures and not head.startswith(signatures):
        raise ValidationError(
            _("“%(name)s” does not look like a .%(extension)s file.") % {"name": name, "extension": extension}
        )
    return extension


def attachment_store(*, actor, project, upload, kind, description="", progress_report=None):
    """Save an upload already checked by ``check_upload`` into ``project``'s archive, inside the
    caller's transaction (a service that has locked the project)."""
    attachment = Attachment(
        project=project,
        kind=kind,
        filename=PurePath(upload.name).name[:200],
        size=upload.size,
        description=description,
        progress_report=progress_report,
        uploaded_by=actor,
    )
    attachment.file = upload
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def attachment_upload(*, actor, project, upload, kind, description=""):
    project = locked_project(actor, project, "projects.add_attachment")
    check_upload(upload, photo=kind == Attachment.Kind.PHOTO)
    attachment = attachment_store(
        actor=actor, project=project, upload=upload, kind=kind, description=description
    )
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, obj=project,
        summary=_("Attachment added: %(name)s (%(kind)s)")
        % {"name": attachment.filename, "kind": attachment.get_kind_display()},
        changes={"attachment": attachment.filename, "kind": attachment.kind, "size": attachment.size},
    )  # fmt: skip
    return attachment


@transaction.atomic
def attachment_delete(*, actor, instance):
    project = locked_project(actor, instance.project, "projects.delete_attachment")
    if project.archive_is_sealed():
        raise ValidationError(_("The project has been accepted; its archive is kept as it is."))
    # Without its file, a tick recorded with no note would have no evidence at all.
    proven = ProjectPrerequisite.objects.filter(project=project, evidence=instance, note="").first()
    if proven is not None:
        raise ValidationError(
            _("“%(name)s” is the only evidence of “%(prerequisite)s”; untick it or record a note first.")
            % {"name": instance.filename, "prerequisite": proven.get_kind_display()}
        )
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, obj=project,
        summary=_("Attachment removed: %(name)s") % {"name": instance.filename},
        changes={"attachment": instance.filename, "kind": instance.kind},
    )  # fmt: skip
    stored = instance.file
    instance.delete()
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


def archive_missing(project):
    """Labels of the document types the archive must hold at acceptance and does not yet."""
    present = set(project.attachments.values_list("kind", flat=True).distinct())
    return [Attachment.Kind(kind).label for kind in Attachment.ARCHIVE_AT_ACCEPTANCE if kind not in present]


def prerequisite_checklist(project, policy=None):
    """[(Prerequisite, ProjectPrerequisite or None)] in the order of the city's policy."""
    policy = policy or CityPolicy.in_force(project.city_id)
    kinds = [kind for kind in (policy.prerequisites if policy else []) if kind in Prerequisite.values]
    met = {row.kind: row for row in project.prerequisites.select_related("evidence")}
    return [(Prerequisite(kind), met.get(kind)) for kind in kinds]


def prerequisites_missing(project, *, blocking_only=False):
    policy = CityPolicy.in_force(project.city_id)
    if policy is None or (blocking_only and not policy.prerequisites_block_plan):
        return []
    return [kind.label for kind, met in prerequisite_checklist(project, policy) if met is None]


@transaction.atomic
def prerequisite_record(*, actor, project, kind, met_on=None, note="", upload=None):
    """Tick ``kind`` as met, with a note, a file, or both (replacing an earlier tick)."""
    project = locked_project(actor, project, "projects.add_projectprerequisite")
    if kind not in [checked.value for checked, _met in prerequisite_checklist(project)]:
        raise ValidationError(_("Unknown prerequisite."))  # not one the city's policy asks for
    if not note and upload is None:
        raise ValidationError(_("Give a note or a file as evidence."))
    met_on = met_on or timezone.localdate()
    if met_on > timezone.localdate():
        raise ValidationError({"met_on": _("The date cannot be in the future.")})
    evidence = None
    if upload is not None:
        check_upload(upload)
        evidence = attachment_store(
            actor=actor, project=project, upload=upload, kind=Attachment.Kind.OTHER,
            description=Prerequisite(kind).label,
        )  # fmt: skip
    row = ProjectPrerequisite.objects.filter(project=project, kind=kind).first() or ProjectPrerequisite(
        project=project, kind=kind
    )
    row.met_on, row.note, row.recorded_by = met_on, note, actor
    row.evidence = evidence or row.evidence
    row.full_clean()
    row.save()
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, obj=project,
        summary=_("Prerequisite met: %(prerequisite)s") % {"prerequisite": row.get_kind_display()},
        changes={"prerequisite": row.kind, "met_on": met_on.isoformat(), "note": note,
                 "evidence": evidence.filename if evidence else None},
    )  # fmt: skip
    return row


@transaction.atomic
def prerequisite_clear(*, actor, project, kind):
    """Untick ``kind``: the evidence file stays in the archive."""
    project = locked_project(actor, project, "projects.delete_projectprerequisite")
    if project.prerequisites_are_settled():
        raise ValidationError(_("The project has been declared; its prerequisites are settled."))
    deleted, _rows = ProjectPrerequisite.objects.filter(project=project, kind=kind).delete()
    if deleted:
        audit_record(
            actor=actor, action=AuditEntry.Action.UPDATE, obj=project,
            summary=_("Prerequisite no longer met: %(prerequisite)s") % {"prerequisite": Prerequisite(kind).label},
            changes={"prerequisite": kind},
        )  # fmt: skip


def attachments_sweep_orphans(*, older_than=datetime.timedelta(days=1)):
    """Delete stored files no attachment refers to: what an upload left behind when its transaction
    rolled back. Only files older than ``older_than``, so an upload still in flight is never touched.
    Returns the names deleted."""
    storage = Attachment._meta.get_field("file").storage
    known = set(Attachment.objects.values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    deleted = []
    try:
        folders, _files = storage.listdir("projects")
    except FileNotFoundError:
        return deleted
    for folder in folders:
        for name in storage.listdir(f"projects/{folder}")[1]:
            path = f"projects/{folder}/{name}"
            if path not in known and storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                deleted.append(path)
    return deleted
