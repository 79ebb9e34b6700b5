"""The permission table's rows for residents' URLs, one module per part (tests/test_permissions.py
merges them): each module has ``ROWS`` ({(url name, object, method): statuses in PERSONAS order})
and ``objects(world)`` ({object name: a function that makes it}). Object names start with the
part's name so the parts never clash."""

from tests.helpers import merged_permission_objects, merged_permission_rows

PARTS = ("households", "surveys", "entry", "results", "contributions", "complaints")


def rows():
    return merged_permission_rows(__name__, PARTS)


def objects(world):
    return merged_permission_objects(__name__, PARTS, world)
