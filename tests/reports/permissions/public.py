"""Permission rows of the public project pages (公示) — filled in by the public pages' part."""

ROWS = {}


def objects(world):
    return {}
