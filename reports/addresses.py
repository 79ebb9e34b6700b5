"""Addresses of many objects of one kind, reversed once: a URL with a stand-in primary key is
reversed a single time and each row's key put in its place (``reverse`` once a row costs more than
the row's query when a list holds thousands)."""

from django.urls import reverse

# A number no primary key of the demo or a test reaches, replaced by each row's own.
STAND_IN = 987654321


def address_maker(url_name, anchor=""):
    """pk → the address of ``url_name`` for that primary key (``anchor`` appended, "#inspections")."""
    pattern = reverse(url_name, args=[STAND_IN])
    return lambda pk: pattern.replace(str(STAND_IN), str(pk)) + anchor
