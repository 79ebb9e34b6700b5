"""Permission rows of residents.surveys (see tests/residents/permissions/__init__.py)."""

ROWS = {}


def objects(world):
    return {}
