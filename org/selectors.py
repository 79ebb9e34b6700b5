"""Reads of the region tree that several apps need: which city a region lies in, and the tree as
the region list draws it."""

from collections import Counter
from dataclasses import dataclass

from .models import Region


def path_prefixes(path):
    """ "37/3703/370303/" → ["37/", "37/3703/", "37/3703/370303/"]: the paths of a region's ancestors
    and its own."""
    codes = [code for code in path.split("/") if code]
    return ["".join(f"{code}/" for code in codes[: depth + 1]) for depth in range(len(codes))]


def cities_of(paths):
    """{path: the city (a CITY-level region) it lies in, or None} for region paths, in one query."""
    prefixes = {prefix for path in paths for prefix in path_prefixes(path)}
    cities = {c.path: c for c in Region.objects.filter(level=Region.Level.CITY, path__in=prefixes)}
    return {path: next((cities[p] for p in path_prefixes(path) if p in cities), None) for path in paths}


def city_of(region):
    """The city ``region`` lies in (the region itself when it is a city), or None above cities."""
    return cities_of([region.path])[region.path]


@dataclass(frozen=True)
class TreeRow:
    """One region of a tree drawn from a flat, path-ordered list: how many open branches end
    before it (``closes``), and whether it opens one of its own."""

    region: Region
    depth: int
    children: int
    closes: range
    open: bool


def region_tree(regions, *, open_depth=2):
    """The regions of ``regions`` (a restricted queryset) as rows of an indented, collapsible tree,
    in one query. A region whose parent is not in the set is a root (the top of the user's area).
    The first ``open_depth`` levels start unfolded; the rest are folded. Returns (rows, closes at
    the end)."""
    rows = list(
        regions.select_related(None).order_by("path").only("pk", "name", "code", "level", "path", "parent_id")
    )
    children = Counter(region.parent_id for region in rows)
    depth_of, stack, result = {}, [], []
    for region in rows:
        depth = depth_of.get(region.parent_id, -1) + 1
        depth_of[region.pk] = depth
        closes = 0
        while stack and stack[-1] >= depth:  # the branches this region is not inside end here
            stack.pop()
            closes += 1
        count = children.get(region.pk, 0)
        if count:
            stack.append(depth)
        result.append(TreeRow(region, depth, count, range(closes), depth < open_depth))
    return result, range(len(stack))
