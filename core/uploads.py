"""Checking an uploaded file before anything is stored: its type by extension and by its first
bytes, its size. Every message names the file, in the user's language."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

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


def upload_check(upload, *, photo=False):
    """Refuse a file the portal does not take, with a message naming it; returns its extension.
    Documents: ``ATTACHMENT_EXTENSIONS``; photos: JPEG and PNG. At most ``ATTACHMENT_MAX_BYTES``."""
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
