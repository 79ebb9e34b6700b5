"""Facts about the request that depend on how the portal is deployed, and file responses."""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}
PDF = "application/pdf"
# What a browser may show in its own window when asked (?inline=1); any other file downloads.
INLINE_TYPES = (PDF, "image/png", "image/jpeg")


def client_ip(request):
    """The client's address. Behind TRUSTED_PROXY_COUNT reverse proxies it is that many entries
    from the right of X-Forwarded-For; otherwise REMOTE_ADDR (a client could forge the header)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def content_disposition(filename):
    """The header of a download named ``filename`` in any script (RFC 5987: browsers read it)."""
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def attachment(content, filename, content_type):
    """A download named ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def file_response(file, filename, *, inline=False):
    """A stored file leaving the portal: downloaded, or shown in the browser when ``inline`` is
    asked and the file is a PDF or a photo. Its type comes from its name and is never sniffed.

    Everything runs under a sandboxing CSP except an inline PDF: Chrome refuses to start its PDF
    viewer in a sandboxed document (it shows "blocked" instead), and the viewer runs the PDF in a
    process of its own with no access to the portal's origin.
    """
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    inline = inline and content_type in INLINE_TYPES
    response = FileResponse(file, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if inline and content_type == PDF:
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    else:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
