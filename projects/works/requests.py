"""Items asked of a project from outside its grid: inspections ask for missing basic items now
(基础类应改尽改), residents' surveys will ask too. Each source registers here, from its own part or
app, and the project page lists what is asked for and not in the project."""

_SOURCES = []


def register_item_requests(source):
    """``source(project) -> iterable of RenovationItem`` asked for the project, each with its
    category loaded (``select_related("category")``): the page sorts them by it."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def requested_items(project):
    """Every item any registered source asks of ``project``."""
    return {item for source in _SOURCES for item in source(project)}
