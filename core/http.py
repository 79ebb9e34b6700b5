"""Facts about the request that depend on how the portal is deployed."""

from django.conf import settings


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
