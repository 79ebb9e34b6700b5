"""Template context shared by every page."""

from django.conf import settings

from .navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "menu": menu_for(user) if user is not None and user.is_authenticated else [],
        "portal_production": settings.PRODUCTION,
    }
