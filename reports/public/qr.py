"""The QR code of a public page's address, as SVG (segno, no other dependency)."""

import io

import segno
from django.conf import settings
from django.urls import reverse


def absolute_public_url(page, request=None):
    """The address residents type or scan: PORTAL_URL before the page's path; without PORTAL_URL,
    the address the request came in on (the management page), or None (a PDF rendered in a job)."""
    path = reverse("reports:public_page", args=[page.token])
    base = (getattr(settings, "PORTAL_URL", "") or "").rstrip("/")
    if base:
        return base + path
    return request.build_absolute_uri(path) if request is not None else None


def qr_svg(url, *, scale=6):
    """The SVG document of a QR code of ``url`` (error correction M: a stained board still scans)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=True)
    return buffer.getvalue()


def qr_data_uri(url, *, scale=4):
    """The QR code of ``url`` as a data: URI, for an <img> of a PDF."""
    return segno.make(url, error="m").svg_data_uri(scale=scale, border=2)
