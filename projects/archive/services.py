"""The project archive: uploading and removing attachments, ticking the city's prerequisites.

An upload is checked for size, type and content before anything is saved; the file's name is kept
as text and the stored name is random (projects.models.archive.attachment_path).
"""

import datetime
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.files import orphans_sweep
from core.models import AuditEntry
from core.uploads import upload_check
from projects.lifecycle.services import project_locked
from projects.models import Attachment, Prerequisite, ProjectPrerequisite

from .selectors import prerequisites_asked


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
    project = project_locked(actor, project, "projects.add_attachment")
    upload_check(upload, photo=kind == Attachment.Kind.PHOTO)
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
    """Remove a file from the archive: allowed to the organisation that uploaded it and to the city
    bureau (``Attachment.belongs_to``; PermissionDenied otherwise), until the archive is sealed at
    completion acceptance. A prerequisite the file proves is unticked with it, unless the project
    was declared with it. Returns the prerequisites unticked."""
    project = project_locked(actor, instance.project, "projects.delete_attachment")
    instance = Attachment.objects.select_related("uploaded_by").get(pk=instance.pk, project=project)
    instance.project = project
    if not instance.belongs_to(actor):
        raise PermissionDenied
    if project.archive_is_sealed():
        raise ValidationError(_("The project has been accepted; its archive is kept as it is."))
    proven = list(ProjectPrerequisite.objects.filter(project=project, evidence=instance))
    if proven and project.prerequisites_are_settled():
        raise ValidationError(
            _("“%(name)s” is the evidence of “%(prerequisite)s”, settled when the project was declared.")
            % {"name": instance.filename, "prerequisite": proven[0].get_kind_display()}
        )
    if proven and not actor.has_perm("projects.delete_projectprerequisite"):
        raise PermissionDenied
    unticked = [Prerequisite(row.kind) for row in proven]
    summary = _("Attachment removed: %(name)s") % {"name": instance.filename}
    if unticked:
        summary = _("%(removed)s; no longer met: %(prerequisites)s") % {
            "removed": summary,
            "prerequisites": "、".join(str(kind.label) for kind in unticked),
        }
    changes = {"attachment": instance.filename, "kind": instance.kind}
    if unticked:
        changes["prerequisite"] = [kind.value for kind in unticked]
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, obj=project,
        summary=summary,
        changes=changes,
    )  # fmt: skip
    # The tick goes with its evidence, in the same transaction.
    ProjectPrerequisite.objects.filter(pk__in=[row.pk for row in proven]).delete()
    stored = instance.file
    instance.delete()
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: stored.storage.delete(stored.name))
    return unticked


@transaction.atomic
def prerequisite_record(*, actor, project, kind, met_on=None, note="", upload=None):
    """Tick ``kind`` as met, with a note, a file, or both (replacing an earlier tick)."""
    project = project_locked(actor, project, "projects.add_projectprerequisite")
    if kind not in prerequisites_asked(project):
        raise ValidationError(_("Unknown prerequisite."))  # not one the city's policy asks for
    if not note and upload is None:
        raise ValidationError(_("Give a note or a file as evidence."))
    met_on = met_on or timezone.localdate()
    if met_on > timezone.localdate():
        raise ValidationError({"met_on": _("The date cannot be in the future.")})
    evidence = None
    if upload is not None:
        upload_check(upload)
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
    project = project_locked(actor, project, "projects.delete_projectprerequisite")
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
    return orphans_sweep(storage, "projects", known, older_than=older_than)
