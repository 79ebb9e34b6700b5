"""Facts about the request that depend on how the portal is deployed, and file responses."""

from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}


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
