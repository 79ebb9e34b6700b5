"""Permission rows of residents.entry (see tests/residents/permissions/__init__.py)."""

ROWS = {}


def objects(world):
    return {}
