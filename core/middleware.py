"""Request middleware: the language chosen by the user (not the browser), session time limits,
requests no page can take, and the portal's own 404 page while DEBUG is on."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

LOGIN_TIME_KEY = "portal_login_at"
LAST_SEEN_KEY = "portal_last_seen"
# Writing the session on every request would cost a database write per click; a minute is enough.
LAST_SEEN_RESOLUTION = 60


class CookieLocaleMiddleware:
    """Chinese unless the user picked another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many bureau PCs run
    an English Windows; the portal must still speak Chinese to them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SessionTimeoutMiddleware:
    """Log the user out after SESSION_IDLE_TIMEOUT without activity, and after SESSION_COOKIE_AGE
    since logging in whatever the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault(LOGIN_TIME_KEY, now)
            last_seen = session.get(LAST_SEEN_KEY, now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            if now - last_seen > idle or now - login_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN_KEY not in session:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class RejectNulMiddleware:
    """400 for a NUL character in the query or a posted form. No field takes one, and PostgreSQL
    can neither store nor compare it: on PostgreSQL an admin search or list filter given "%00", or
    a failed login logging such a name, would be a server error (Django ticket #30064)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
            raise BadRequest("NUL character in the request")
        return self.get_response(request)


def _holds_nul(query):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


class NotFoundPageMiddleware:
    """With DEBUG on, answer a missing page with the portal's own 404 page (templates/404.html, in
    Chinese) instead of Django's English technical page, unless ``TECHNICAL_404`` is set.

    Django uses ``handler404`` only when DEBUG is off, and the demo runs with DEBUG on; it must still
    look like the portal. A view's Http404 is caught in ``process_exception``; an address no URL
    pattern matches never reaches a view, so it is resolved here first (the resolver caches, so
    this costs next to nothing). Placed after CommonMiddleware, whose APPEND_SLASH redirect still
    sees the 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _active(self):
        return settings.DEBUG and not settings.TECHNICAL_404

    def __call__(self, request):
        if self._active():
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._active():
            return page_not_found(request, exception)
        return None
