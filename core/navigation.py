"""The role-aware menu. Apps register their entries in AppConfig.ready(); core knows none of them.

An entry shows when the user may view its model (``can(user, "view", model)``) or holds ``perm``.
An entry may carry a ``badge``: a function of the user giving a number shown beside its label (what
waits for them), called only for a user the entry shows to; 0 shows no badge.
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

    def visible_to(self, user):
        if not user.is_authenticated:
            return False
        if self.perm:
            return user.has_perm(self.perm)
        if self.model:
            return can(user, "view", apps.get_model(self.model))
        return True


_MENU = []


def register_menu(*items):
    _MENU.extend(items)
    _MENU.sort(key=lambda item: item.order)


def menu_for(user):
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "icon": item.icon,
            "url_name": item.url_name,
            "badge": item.badge(user) if item.badge is not None else 0,
        }
        for item in _MENU
        if item.visible_to(user)
    ]
