"""How a model's rows fall inside or outside a user's scope.

A model names its rule in a ``scope`` class attribute. ``restrict()`` asks the rule for a Q object;
the audit log asks it for the region path of one instance, so entries can be scoped the same way.
The user supplies ``get_scope_paths()``: the region paths it may work in, or None for everywhere
(core knows no region model; org's user implements this).
"""

from functools import reduce
from operator import or_

from django.db.models import Q

NOTHING = Q(pk__in=[])


class RegionScope:
    """Rows whose region path (reached through ``lookup``) lies under one of the user's regions."""

    def __init__(self, lookup):
        self.lookup = lookup

    def q(self, user):
        paths = user.get_scope_paths()
        if paths is None:
            return Q()
        if not paths:
            return NOTHING
        return reduce(or_, (Q(**{f"{self.lookup}__startswith": path}) for path in paths))

    def path_of(self, obj):
        value = obj
        for part in self.lookup.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return ""
        return value


class OwnerScope:
    """Rows that belong to the user (their own background jobs, say)."""

    def __init__(self, lookup):
        self.lookup = lookup

    def q(self, user):
        return Q(**{self.lookup: user})

    def path_of(self, obj):
        return ""


class Unscoped:
    """Reference data everyone with the model permission may read (the item catalogue, say)."""

    def q(self, user):
        return Q()

    def path_of(self, obj):
        return ""
