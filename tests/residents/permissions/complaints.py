"""Permission rows of residents.complaints (see tests/residents/permissions/__init__.py)."""

ROWS = {}


def objects(world):
    return {}
