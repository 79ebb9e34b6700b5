"""The QR code of an address inside a PDF (the 改造公示 prints its public page's)."""

from django import template

from reports.public.qr import qr_data_uri as _qr_data_uri

register = template.Library()


@register.filter
def qr_data_uri(url):
    """A data: URI of the SVG QR code of ``url``, or "" without one."""
    return _qr_data_uri(url) if url else ""
