"""Reads of the region tree that several apps need: which city a region lies in."""

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
