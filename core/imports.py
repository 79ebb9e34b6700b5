"""Services of spreadsheet imports: record the upload, check it, commit it (inline or as a job), and
retry one whose check or commit failed. The web pages and the ``import_data`` command both go
through these functions.

A batch moves checking → checked → committing → committed; an unexpected error on the way (not a
wrong row, which the dry run reports) leaves it *failed*, from where it can be checked again.
"""

import io
import logging
import zipfile
from collections import defaultdict
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_record
from .importing import FILE_LEVEL, import_file, importer_for
from .jobs import job_kind, job_start
from .models import AuditEntry, ImportBatch
from .spreadsheets import XLSX_MAGIC, SpreadsheetError, first_sheet_xml, read_table, write_xlsx

log = logging.getLogger(__name__)


def importer_allowed(user, kind):
    """Importing a kind needs both its add and change permissions, or what its importer asks
    (``Importer.allowed``)."""
    return importer_for(kind).allowed(user)


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


def import_upload(*, actor, kind, uploaded, background=None):
    """Record an uploaded file and check it: inline when small, as a background job when large
    (``background`` forces one or the other; the command line always works inline)."""
    if not importer_allowed(actor, kind):
        raise PermissionDenied
    data = uploaded.read()
    batch = ImportBatch(kind=kind, created_by=actor, original_name=uploaded.name[:255])
    batch.file.save(uploaded.name, ContentFile(data), save=False)
    batch.save()
    if background is None:
        background = estimate_rows(data, uploaded.name) > settings.IMPORT_BACKGROUND_ROWS
    return _check(actor, batch, background)


def _check(actor, batch, background):
    if background:
        batch.job = job_start(kind="import_check", user=actor, params={"batch": batch.pk})
        batch.save(update_fields=["job"])
        return batch
    try:
        return import_check(batch_id=batch.pk)
    except Exception:  # recorded on the batch, which offers to try again
        batch.refresh_from_db()
        return batch


@contextmanager
def _failure_recorded(batch_id):
    """An unexpected error leaves the batch failed, with a message, and is raised again (so a job
    running it fails too). Whatever the commit wrote was rolled back with its transaction."""
    try:
        yield
    except Exception:
        log.exception("Import batch %s failed", batch_id)
        message = _("The file could not be processed because of an error in the portal; try again.")
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED,
            errors=[{"row": 0, "column": str(FILE_LEVEL), "message": message}],
        )
        raise


def _run(batch, *, commit, progress=None):
    importer = importer_for(batch.kind)(batch.created_by)
    with batch.file.open("rb") as handle:
        data = handle.read()
    return import_file(importer, data, batch.original_name, commit=commit, progress=progress)


def import_check(*, batch_id, progress=None):
    """The dry run: nothing is saved; the findings are stored on the batch."""
    with _failure_recorded(batch_id):
        batch = ImportBatch.objects.get(pk=batch_id)
        report = _run(batch, commit=False, progress=progress)
        batch.summary = report.summary()
        batch.errors = [error.as_dict() for error in report.errors]
        batch.status = ImportBatch.Status.CHECKED
        batch.save(update_fields=["summary", "errors", "status"])
        return batch


def _owned(actor, batch):
    if batch.created_by_id != actor.pk or not importer_allowed(actor, batch.kind):
        raise PermissionDenied


def import_commit(*, actor, batch, background=None):
    """Save a checked batch: inline when small, as a background job when large."""
    _owned(actor, batch)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not batch.can_commit:
            return batch  # a second click, or a batch with errors
        batch.status = ImportBatch.Status.COMMITTING
        batch.save(update_fields=["status"])
    if background is None:
        background = batch.summary.get("total", 0) > settings.IMPORT_BACKGROUND_ROWS
    if background:
        batch.job = job_start(kind="import_commit", user=actor, params={"batch": batch.pk})
        batch.save(update_fields=["job"])
        return batch
    try:
        return import_save(batch_id=batch.pk)
    except Exception:  # recorded on the batch, which offers to try again
        batch.refresh_from_db()
        return batch


def import_save(*, batch_id, progress=None):
    """Check the file again and save it whole; if anything changed since the dry run and a row is
    now wrong, nothing is saved and the new findings replace the old. The rows, the batch's status
    and its audit entry are written in one transaction."""
    with _failure_recorded(batch_id), transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
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


def import_retry(*, actor, batch):
    """Check a failed batch again (a failed commit saved nothing, so the dry run starts over)."""
    _owned(actor, batch)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not batch.can_retry:
            return batch
        batch.status, batch.errors, batch.summary, batch.job = ImportBatch.Status.CHECKING, [], {}, None
        batch.save(update_fields=["status", "errors", "summary", "job"])
    with batch.file.open("rb") as handle:
        rows = estimate_rows(handle.read(), batch.original_name)
    return _check(actor, batch, rows > settings.IMPORT_BACKGROUND_ROWS)


def import_errors_workbook(batch):
    """The uploaded workbook again, under its sheet's name, with a first column of errors beside
    each rejected row and the wrong cells filled red; None when the file cannot be read any more."""
    with batch.file.open("rb") as handle:
        data = handle.read()
    try:
        table = read_table(
            data, batch.original_name, max_bytes=settings.IMPORT_MAX_BYTES, max_rows=settings.IMPORT_MAX_ROWS
        )
    except SpreadsheetError:
        return None
    by_row, bad_cells = defaultdict(list), defaultdict(set)
    position = {str(header).strip(): index + 1 for index, header in enumerate(table.headers)}
    for error in batch.errors:
        by_row[error["row"]].append(f"{error['column']}：{error['message']}")
        bad_cells[error["row"]].update({0, position.get(error["column"], 0)})
    headers = [_("Errors"), *table.headers]
    # Blank rows come back too, so every row stands at its number in the uploaded file.
    by_number = dict(zip(table.numbers, table.rows, strict=True))
    last = table.numbers[-1] if table.numbers else 1
    rows = [[_joined(by_row.get(n, [])), *by_number.get(n, ())] for n in range(2, last + 1)]
    marked = {n - 2: bad_cells[n] for n in bad_cells if 2 <= n <= last}
    title = table.sheet_title or str(importer_for(batch.kind).label)
    return write_xlsx(headers, rows, sheet_title=title, widths=[60], marked=marked)


def _joined(messages):
    """A row's messages as one sentence: 建成年份：不能小于1949；建筑面积：必须大于0。"""
    if not messages:
        return ""
    return "；".join(message.rstrip("。.；; ") for message in messages) + "。"


@job_kind("import_check", gettext_lazy("Checking a spreadsheet"))
def _check_job(job, report):
    batch = import_check(batch_id=job.params["batch"], progress=report)
    return batch.summary


@job_kind("import_commit", gettext_lazy("Saving a spreadsheet"))
def _commit_job(job, report):
    batch = import_save(batch_id=job.params["batch"], progress=report)
    return batch.summary
