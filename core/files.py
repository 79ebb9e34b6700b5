"""Stored files (FileFields, the default storage) on whichever storage holds them: the local
filesystem or an S3-compatible bucket (MEDIA_STORAGE). Nothing here knows a path on disk.

A stored file leaves the portal only through ``stored_file_response``, called by a view after its
restrict() or permission check: streamed through the portal, or, with FILES_DELIVERY=redirect and
a bucket, a redirect to a presigned URL valid for S3_URL_EXPIRE_SECONDS. The bucket stays private.
"""

import mimetypes
import posixpath

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.http import content_disposition_header

from .http import file_response

try:
    from storages.backends.s3 import S3Storage
except ImportError:  # django-storages is a dependency; a trimmed install still runs on the filesystem
    S3Storage = None


def is_bucket(storage):
    return S3Storage is not None and isinstance(storage, S3Storage)


class _Stream:
    """The body of an S3 GET, read in blocks; only read and close, so FileResponse streams it
    instead of spooling it to a temporary file first (as the storage's own file object does)."""

    def __init__(self, body):
        self._body = body

    def read(self, size=-1):
        return self._body.read(None if size is None or size < 0 else size)

    def close(self):
        self._body.close()


def stored_file_response(field_file, filename, *, inline=False):
    """A stored file leaving the portal, named ``filename`` (any script).

    With FILES_DELIVERY=redirect and a bucket, a download sends the browser to a presigned URL that
    names the file and its type (the bucket answers with our Content-Disposition). What is shown
    inline is streamed still: a photo, because an <img> on a portal page may load only from the
    portal (CSP); a PDF opened in the tab, because the tab would keep the bucket's address, which
    a reload or a bookmark reaches after it has expired (the bucket's English error page).
    """
    storage, name = field_file.storage, field_file.name
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if is_bucket(storage):
        if settings.FILES_DELIVERY == "redirect" and not inline:
            return _presigned_redirect(storage, name, filename, content_type)
        with storage.open(name, "rb") as handle:  # a HEAD: a missing object is FileNotFoundError
            obj = handle.obj
        got = obj.get()
        response = file_response(_Stream(got["Body"]), filename, inline=inline)
        response["Content-Length"] = got["ContentLength"]
        return response
    return file_response(storage.open(name, "rb"), filename, inline=inline)


def _presigned_redirect(storage, name, filename, content_type):
    # The header the streamed response would carry, so a download is named alike either way.
    disposition = content_disposition_header(True, filename)
    url = storage.url(
        name,
        parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
    )  # valid for the storage's querystring_expire: S3_URL_EXPIRE_SECONDS
    response = HttpResponseRedirect(url)
    # The address expires: no cache may keep it longer than the signature lives.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def stored_files(storage, folder=""):
    """Every file under ``folder`` ("" for all) as (name, modified time): on a bucket one listing per
    1,000 keys, with their times; elsewhere a walk through the storage API."""
    folder = folder.strip("/")
    if is_bucket(storage):
        location = storage.location.strip("/")
        prefix = "".join(f"{part}/" for part in (location, folder) if part)
        skip = len(location) + 1 if location else 0
        pages = storage.connection.meta.client.get_paginator("list_objects_v2").paginate(
            Bucket=storage.bucket_name, Prefix=prefix
        )
        for page in pages:
            for entry in page.get("Contents", ()):
                yield entry["Key"][skip:], entry["LastModified"]
        return
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        path = posixpath.join(folder, name)
        yield path, storage.get_modified_time(path)
    for sub in folders:
        yield from stored_files(storage, posixpath.join(folder, sub))


def orphans_sweep(storage, folder, known, *, older_than):
    """Delete the files under ``folder`` that are not in ``known`` and older than ``older_than``
    (a timedelta): what uploads left behind when their transaction rolled back. Returns their names."""
    cutoff = timezone.now() - older_than
    deleted = []
    for name, modified in list(stored_files(storage, folder)):
        if name not in known and modified < cutoff:
            storage.delete(name)
            deleted.append(name)
    return deleted
