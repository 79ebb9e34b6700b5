"""The rules of projects beyond what their fields check, written once and called by the services
(one project through a form) and the project importer (a whole spreadsheet) alike.

A project's area is the smallest region holding all its compounds, no finer than a street (a
street office or a district runs it), inside one city and inside the user's area; its code is
unique in its city; a closed project no longer changes. Lookups are loaded for all the projects at
hand in a few queries, then each check is a function of values that raises ValidationError naming
the field.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from org.models import Region
from org.selectors import cities_of
from projects.models import Project


def common_path(paths):
    """The path of the deepest region holding every one of ``paths`` (None when they share none)."""
    common = []
    for codes in zip(*(path.strip("/").split("/") for path in paths), strict=False):
        if len(set(codes)) != 1:
            break
        common.append(codes[0])
    return "/".join(common) + "/" if common else None


def project_area(region):
    """Projects are run by street offices and districts: a community is too fine an area."""
    return region.parent if region.level == Region.Level.COMMUNITY else region


class ProjectAreas:
    """Where projects over the given groups of compounds would lie, for ``actor``: loaded in three
    queries for any number of groups (one project's, or a file's)."""

    def __init__(self, actor, path_groups):
        commons = {common_path(paths) for paths in path_groups} - {None}
        self.areas = {
            region.path: project_area(region)
            for region in Region.objects.filter(path__in=commons).select_related("parent")
        }
        pks = [region.pk for region in self.areas.values()]
        self.visible = set(Region.objects.restrict(actor).filter(pk__in=pks).values_list("pk", flat=True))
        self.cities = cities_of([region.path for region in self.areas.values()])

    def area(self, paths):
        """(area region, city) of a project over compounds at ``paths``; ValidationError on
        ``compounds`` when they span cities or make a project outside the user's area."""
        region = self.areas.get(common_path(paths))
        if region is None or region.level < Region.Level.CITY:
            raise ValidationError({"compounds": _("The compounds of one project must lie in one city.")})
        if region.pk not in self.visible:
            # A clerk of two streets bundling across them would make a district project they cannot see.
            raise ValidationError(
                {
                    "compounds": _(
                        "Together these compounds make a project of %(region)s, outside your area."
                    )
                    % {"region": region.name}
                }
            )
        return region, self.cities[region.path]


def check_code_free(code, *, holder, own=None):
    """A project's code is unique in its city: ``holder`` is the project of the city that has the
    code now (None if none), ``own`` the project being written."""
    if code and holder is not None and holder != own:
        raise ValidationError({"code": _("Another project of the city already has this code.")})


def code_holders(keys):
    """{(city id, code): project pk} for the (city id, code) pairs given, in one query."""
    keys = {(city, code) for city, code in keys if code}
    if not keys:
        return {}
    rows = Project.objects.filter(city_id__in={city for city, _c in keys}, code__in={c for _x, c in keys})
    return {(city, code): pk for pk, city, code in rows.values_list("pk", "city_id", "code")}


def check_editable(project):
    """A closed project is a record: its plan no longer changes."""
    if not project.can_be_edited():
        raise ValidationError(_("The project is closed; it can no longer change."))


def check_deletable(project):
    if not project.can_be_deleted():
        raise ValidationError(_("Only a project still in survey or design can be deleted."))
