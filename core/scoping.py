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


def ancestor_paths(path):
    """The region paths above ``path``, from the top: "37/3703/370303/" → ["37/", "37/3703/"]."""
    codes = [code for code in path.split("/") if code]
    return ["".join(f"{code}/" for code in codes[:depth]) for depth in range(1, len(codes))]


class RegionScope:
    """Rows whose region path (reached through ``lookup``) lies under one of the user's regions.

    ``reach(path) -> Q`` widens the scope to rows whose region lies *above* the user's but that
    reach into it through something many-valued (a row grouping things of several regions takes the
    smallest region holding them all). Only rows whose region path is an ancestor of one of the
    user's paths are asked, so the test costs nothing for the other rows, nor for users at the top.
    ``reach_actions`` limits the widening to those actions (None: every action): a user may read
    such a row without changing the row itself. ``reach_depth`` is the depth of the highest region a
    row may have (a path of that many codes): ancestors above it are not asked, so users working
    at that level keep the plain query.
    """

    def __init__(self, lookup, *, reach=None, reach_actions=None, reach_depth=1):
        self.lookup = lookup
        self.reach = reach
        self.reach_actions = reach_actions
        self.reach_depth = reach_depth

    def q(self, user, action="view"):
        paths = user.get_scope_paths()
        if paths is None:
            return Q()
        if not paths:
            return NOTHING
        within = reduce(or_, (Q(**{f"{self.lookup}__startswith": path}) for path in paths))
        if self.reach is None or (self.reach_actions is not None and action not in self.reach_actions):
            return within
        above = sorted(
            {
                ancestor
                for path in paths
                for ancestor in ancestor_paths(path)
                if ancestor.count("/") >= self.reach_depth
            }
        )
        if not above:
            return within
        reaching = reduce(or_, (self.reach(path) for path in paths))
        return within | (Q(**{f"{self.lookup}__in": above}) & reaching)

    def covers(self, user, obj):
        """True when ``obj``'s own region lies in the user's area (not only reaches into it)."""
        paths = user.get_scope_paths()
        return paths is None or any(self.path_of(obj).startswith(path) for path in paths)

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

    def q(self, user, action="view"):
        return Q(**{self.lookup: user})

    def path_of(self, obj):
        return ""


class Unscoped:
    """Reference data everyone with the model permission may read (the item catalogue, say)."""

    def q(self, user, action="view"):
        return Q()

    def path_of(self, obj):
        return ""
