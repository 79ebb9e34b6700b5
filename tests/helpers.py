"""Assertions shared by several test modules."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return len(captured)


def assert_list_queries_constant(client, url, add_rows, **params):
    """The list renders 1 row and 20 rows with the same number of queries (no N+1)."""
    queries_of(client, url, **params)  # warm caches: content types, session
    add_rows(1)
    with_one = queries_of(client, url, **params)
    add_rows(19)
    with_twenty = queries_of(client, url, **params)
    assert with_one == with_twenty, f"{with_one} queries for 1 row, {with_twenty} for 20"


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def merged_permission_rows(package, parts):
    """The permission table's rows of a package whose parts each keep their own (a module per part
    with ``ROWS``): tests/residents/permissions, tests/reports/permissions."""
    from importlib import import_module

    table = {}
    for part in parts:
        table.update(import_module(f"{package}.{part}").ROWS)
    return table


def merged_permission_objects(package, parts, world):
    """The object makers of the same parts (each module's ``objects(world)``), merged."""
    from importlib import import_module

    made = {}
    for part in parts:
        made.update(import_module(f"{package}.{part}").objects(world))
    return made
