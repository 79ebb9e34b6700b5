"""Template context shared by every page."""

from django.conf import settings

from .navigation import menu_for
from .notifications import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "menu": menu_for(user) if signed_in else [],
        "notifications_unread": _unread(user) if signed_in else None,
        "portal_production": settings.PRODUCTION,
    }


def _unread(user):
    """The bell's number, counted when a template first asks for it (a fragment htmx polls never
    does) and once a page; None for a user who may not read notifications (no bell)."""
    if not user.has_perm("core.view_notification"):
        return None
    counted = []

    def count():
        if not counted:
            counted.append(unread_count(user))
        return counted[0]

    return count
