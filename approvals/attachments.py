"""The files sent with a request: checked by the portal's upload rules before anything is written,
stored under a random name, and which of them a resubmission adds, removes or replaces.

A round's files are those in force then (``RequestAttachment.in_round``): a resubmission keeps the
last round's files unless the submitter removes them or sends a file of the same name (which
replaces it when its content differs, and changes nothing when it is the same file again).
"""

import contextlib
import datetime
import hashlib
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.files import orphans_sweep
from core.uploads import upload_check

from .models import ATTACHMENT_FOLDER, RequestAttachment


def attachment_name(upload):
    """The name a file is listed and compared by: its own name, without any folder or control
    character, at most 200 characters (keeping its extension)."""
    name = "".join(ch for ch in PurePath(upload.name or "").name if ch.isprintable()).strip()
    if len(name) > 200:
        suffix = PurePath(name).suffix[:10]
        name = name[: 200 - len(suffix)] + suffix
    return name


def _sha256(upload):
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def checked_uploads(uploads):
    """[(upload, name, sha256)] of ``uploads``, each checked for type, content and size before
    anything is written; refused with every file's problem at once (as the ``attachments`` field's
    error), and when two files have the same name."""
    errors, checked, names = [], [], set()
    for upload in uploads:
        try:
            upload_check(upload)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        name = attachment_name(upload)
        if name in names:
            errors.append(_("Two files are named “%(name)s”: rename one of them.") % {"name": name})
            continue
        names.add(name)
        checked.append((upload, name, _sha256(upload)))
    if errors:
        raise ValidationError({"attachments": errors})
    return checked


def attachments_in_force(request, *, lock=False):
    """{name: attachment} of the files ``request`` has now (its current round's)."""
    rows = request.attachments.filter(removed_in_round__isnull=True)
    if lock:
        rows = rows.select_for_update()
    return {row.filename: row for row in rows}


def attachments_store(*, request, step, actor, checked, remove=(), stored=None):
    """Inside the caller's transaction (the request locked): the files of ``step``'s round are the
    ones in force, less ``remove`` (attachments or their ids) and those a file of the same name
    with other content replaces, plus the new ones. The names written in storage are appended to
    ``stored`` (``files_removed_on_error``). Returns (added names, removed names)."""
    current = attachments_in_force(request, lock=True)
    by_id = {row.pk: row for row in current.values()}
    removing = set()
    for item in remove:
        pk = getattr(item, "pk", item)
        if pk not in by_id:
            raise ValidationError({"remove": _("A file to remove is not among this request's files.")})
        removing.add(pk)
    sent = []
    for upload, name, digest in checked:
        kept = current.get(name)
        if kept is not None and kept.pk not in removing:
            if kept.sha256 == digest:
                continue  # the same file again: nothing changes
            removing.add(kept.pk)
        sent.append((upload, name, digest))
    removed = sorted(by_id[pk].filename for pk in removing)
    RequestAttachment.objects.filter(pk__in=removing).update(removed_in_round=step.round)
    for upload, name, digest in sent:
        row = RequestAttachment(
            request=request, step=step, round=step.round, filename=name, size=upload.size, sha256=digest,
            uploaded_by=actor,
        )  # fmt: skip
        row.file = upload
        row.full_clean()
        row.file.save(name, upload, save=False)
        if stored is not None:
            stored.append(row.file.name)
        row.save()
    return [name for _upload, name, _digest in sent], removed


@contextlib.contextmanager
def files_removed_on_error():
    """Around a transaction that stores files: yields the list ``attachments_store`` appends to;
    if the block fails, those files are deleted again (a rollback undoes rows, not files). An
    enclosing transaction that rolls back later leaves its files to ``attachments_sweep_orphans``."""
    stored = []
    try:
        yield stored
    except BaseException:
        storage = RequestAttachment._meta.get_field("file").storage
        for path in stored:
            storage.delete(path)
        raise


def attachments_sweep_orphans(*, older_than=datetime.timedelta(days=1)):
    """Delete stored files no attachment refers to: what a submission left behind when an enclosing
    transaction rolled back. Only files older than ``older_than``, so an upload still in flight is
    never touched. Returns the names deleted."""
    storage = RequestAttachment._meta.get_field("file").storage
    known = set(RequestAttachment.objects.values_list("file", flat=True))
    return orphans_sweep(storage, ATTACHMENT_FOLDER, known, older_than=older_than)
