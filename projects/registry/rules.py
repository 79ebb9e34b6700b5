"""The rules of compounds and buildings beyond what their fields check, written once and called by
every write: the services (one compound through a form), the importers (a whole spreadsheet) and
the administration site alike.

Each rule takes plain values and lookups (loaded once for one row or for a whole file) and raises
ValidationError naming the field, in the words the user reads. The year a compound was built is
checked by its field's validator (core.validators.year_not_in_future), which the importer's cell
parser calls too.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from org.models import Region
from projects.models import Compound


def check_community(community, *, in_scope):
    """A compound lies in a community (not a street or district) of the user's area."""
    if community.level != Region.Level.COMMUNITY:
        raise ValidationError({"community": _("Choose a community, not a street or district.")})
    if not in_scope:
        raise ValidationError(
            {"community": _("%(community)s is outside your area.") % {"community": community.name}}
        )


def communities_in_scope(actor, pks):
    """Which of the communities ``pks`` the user may put compounds in (one query)."""
    return set(Region.objects.restrict(actor).filter(pk__in=pks).values_list("pk", flat=True))


def check_code_free(code, *, holder, own=None):
    """A compound's code is unique in its city: ``holder`` is the compound of the city that has the
    code now (None if none), ``own`` the compound being written."""
    if code and holder is not None and holder != own:
        raise ValidationError({"code": _("Another compound of the city already has this code.")})


def code_holders(keys):
    """{(city id, code): compound pk} for the (city id, code) pairs given, in one query."""
    keys = {(city, code) for city, code in keys if code}
    if not keys:
        return {}
    rows = Compound.objects.filter(city_id__in={city for city, _code in keys}, code__in={c for _x, c in keys})
    return {(city, code): pk for pk, city, code in rows.values_list("pk", "city_id", "code")}
