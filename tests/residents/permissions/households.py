"""Permission rows of residents.households (see tests/residents/permissions/__init__.py)."""

ROWS = {}


def objects(world):
    return {}
