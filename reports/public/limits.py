"""The rate limit of the public pages: a fixed window per client address, counted in the Django
cache (Redis in production, so every web process shares the count; per process in the demo)."""

import time

from django.conf import settings
from django.core.cache import cache

from core.http import client_ip

WINDOW_SECONDS = 60


def limit():
    """PUBLIC_PAGE_RATE_LIMIT (120): a visit is the page and its photos (at most 12), so a few
    neighbours behind one mobile carrier address look at once, and a script is stopped at once."""
    return settings.PUBLIC_PAGE_RATE_LIMIT


def over_limit(request):
    """Count this request against its address's window; True once the window's limit is passed."""
    address = client_ip(request) or "unknown"
    window = int(time.time() // WINDOW_SECONDS)
    key = f"public-page-rate:{address}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    return count > limit()
