"""Services of spreadsheet imports: record the upload, check it, commit it (inline or as a job)."""

import io
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_record
from .importing import import_file, importer_for
from .jobs import job_kind, job_start
from .models import AuditEntry, ImportBatch
from .permissions import can
from .spreadsheets import XLSX_MAGIC, first_sheet_xml


def importer_allowed(user, kind):
    model = importer_for(kind).model
    return can(user, "add", model) and can(user, "change", model)


def estimate_rows(data, filename):
    """A cheap row count to decide between inline and background work (no full parse): the
    <row> elements of the first sheet (the workbook's dimension tag is often missing or wrong)."""
    if data.startswith(XLSX_MAGIC):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            return archive.read(first_sheet_xml(archive)).count(b"<row ")
        except Exception:  # a damaged file is reported by the real read
            return 0
    return data.count(b"\n")


def import_upload(*, actor, kind, uploaded):
    """Record an uploaded file and check it: inline when small, as a background job when large."""
    if not importer_allowed(actor, kind):
        raise PermissionDenied
    data = uploaded.read()
    batch = ImportBatch(kind=kind, created_by=actor, original_name=uploaded.name[:255])
    batch.file.save(uploaded.name, ContentFile(data), save=False)
    batch.save()
    if estimate_rows(data, uploaded.name) > settings.IMPORT_BACKGROUND_ROWS:
        batch.job = job_start(kind="import_check", user=actor, params={"batch": batch.pk})
        batch.save(update_fields=["job"])
    else:
        import_check(batch_id=batch.pk)
    return batch


def _run(batch, *, commit, progress=None):
    importer = importer_for(batch.kind)(batch.created_by)
    with batch.file.open("rb") as handle:
        data = handle.read()
    return import_file(importer, data, batch.original_name, commit=commit, progress=progress)


def import_check(*, batch_id, progress=None):
    """The dry run: nothing is saved; the findings are stored on the batch."""
    batch = ImportBatch.objects.get(pk=batch_id)
    report = _run(batch, commit=False, progress=progress)
    batch.summary = report.summary()
    batch.errors = [error.as_dict() for error in report.errors]
    batch.status = ImportBatch.Status.CHECKED
    batch.save(update_fields=["summary", "errors", "status"])
    return batch


def import_commit(*, actor, batch):
    """Save a checked batch: inline when small, as a background job when large."""
    if batch.created_by_id != actor.pk or not importer_allowed(actor, batch.kind):
        raise PermissionDenied
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not batch.can_commit:
            return batch
        batch.status = ImportBatch.Status.COMMITTING
        batch.save(update_fields=["status"])
    if batch.summary.get("total", 0) > settings.IMPORT_BACKGROUND_ROWS:
        batch.job = job_start(kind="import_commit", user=actor, params={"batch": batch.pk})
        batch.save(update_fields=["job"])
        return batch
    return import_save(batch_id=batch.pk)


def import_save(*, batch_id, progress=None):
    """Check the file again and save it whole; if anything changed since the dry run and a row is
    now wrong, nothing is saved and the new findings replace the old."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status == ImportBatch.Status.COMMITTED:
        return batch  # a second delivery of the job
    report = _run(batch, commit=True, progress=progress)
    batch.summary = report.summary()
    batch.errors = [error.as_dict() for error in report.errors]
    if report.committed:
        batch.status = ImportBatch.Status.COMMITTED
        batch.committed_at = timezone.now()
        audit_record(
            actor=batch.created_by,
            action=AuditEntry.Action.IMPORT,
            obj=batch,
            summary=_("%(file)s: %(new)d new, %(updated)d changed, %(unchanged)d unchanged")
            % {"file": batch.original_name, **report.summary()},
        )
    else:
        batch.status = ImportBatch.Status.CHECKED
    batch.save(update_fields=["summary", "errors", "status", "committed_at"])
    return batch


@job_kind("import_check", gettext_lazy("Checking a spreadsheet"))
def _check_job(job, report):
    batch = import_check(batch_id=job.params["batch"], progress=report)
    return batch.summary


@job_kind("import_commit", gettext_lazy("Saving a spreadsheet"))
def _commit_job(job, report):
    batch = import_save(batch_id=job.params["batch"], progress=report)
    return batch.summary
