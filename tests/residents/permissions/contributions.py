"""Permission rows of residents.contributions (see tests/residents/permissions/__init__.py)."""

ROWS = {}


def objects(world):
    return {}
