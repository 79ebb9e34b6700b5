"""Permission rows of residents.results (see tests/residents/permissions/__init__.py)."""

ROWS = {}


def objects(world):
    return {}
