"""The role-aware menu. Apps register their entries in AppConfig.ready(); core knows none of them.

An entry shows when the user may view its model (``can(user, "view", model)``) or holds ``perm``.
An entry may carry a ``badge``: a function of the user giving a number shown beside its label (what
waits for them), called only for a user the entry shows to; 0 shows no badge.

Entries may name a ``group`` registered with ``register_menu_group``: the group shows as one
dropdown where the first of its entries would stand, so the bar keeps to one line on a desk
screen however many apps add pages. A group the user sees only one entry of shows that entry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse

from .permissions import can


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    model: str = ""  # "app_label.ModelName"; the entry shows to users who may view it
    perm: str = ""  # or a plain permission name
    order: int = 100
    icon: str = "bi-circle"
    children: tuple = field(default_factory=tuple)
    badge: Callable | None = None
    group: str = ""  # the key of a MenuGroup, or "" for an entry of its own

    def visible_to(self, user):
        if not user.is_authenticated:
            return False
        if self.perm:
            return user.has_perm(self.perm)
        if self.model:
            return can(user, "view", apps.get_model(self.model))
        return True


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: str
    icon: str = "bi-folder2"


# The group of reference data and administration pages, registered by core for every app.
SETTINGS_GROUP = "settings"

_MENU = []
_GROUPS = {}


def register_menu(*items):
    _MENU.extend(items)
    _MENU.sort(key=lambda item: item.order)


def register_menu_group(*groups):
    for group in groups:
        _GROUPS[group.key] = group


def _entry(item, user):
    return {
        "label": item.label,
        "url": reverse(item.url_name),
        "icon": item.icon,
        "url_name": item.url_name,
        "badge": item.badge(user) if item.badge is not None else 0,
        "children": [],
    }


def menu_for(user):
    """The user's entries in order; a group's entries are the ``children`` of one entry."""
    menu, groups = [], {}
    for item in _MENU:
        if not item.visible_to(user):
            continue
        entry = _entry(item, user)
        group = _GROUPS.get(item.group)
        if group is None:
            menu.append(entry)
        elif group.key in groups:
            groups[group.key]["children"].append(entry)
        else:
            groups[group.key] = {
                "label": group.label,
                "icon": group.icon,
                "url_name": "",
                "children": [entry],
            }
            menu.append(groups[group.key])
    for position, entry in enumerate(menu):
        if entry["url_name"] == "" and len(entry["children"]) == 1:
            menu[position] = entry["children"][0]
    for entry in menu:
        entry["url_names"] = [child["url_name"] for child in entry["children"]] or [entry["url_name"]]
        entry["badge"] = entry.get("badge") or sum(child["badge"] for child in entry["children"])
    return menu
