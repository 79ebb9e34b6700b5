"""A form is saved once, however often it is sent.

Every POST form the portal renders carries a one-time token in a hidden field (``{% csrf_token %}``
renders it, see ``core.templatetags.form_tokens``). ``SubmissionTokenMiddleware`` records the token
for the user in its own transaction before the view runs; the unique constraint lets only one request
own it. A second request with the same token waits for the first to finish and is sent where the first
was sent (its redirect), with a message; it never runs the view. Only a redirect, the answer of a form
that did its work, is remembered: any other answer (the form shown again with its errors, a refusal,
an error of the portal) releases the token, and the page shown again renders fresh tokens anyway.

POSTs without a token (htmx, scripts, the test client) are not affected. Views that must never be
deduplicated are marked with ``submission_token_exempt``.
"""

import re
import secrets
import time
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import SubmissionToken

FIELD_NAME = "submission_token"
TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")
# How long a second request waits for the first one's answer, and how often it looks.
WAIT_SECONDS = 30
POLL_SECONDS = 0.1
KEEP_FOR = timedelta(days=1)


def new_token():
    return secrets.token_hex(16)


def submission_token_exempt(view):
    """Mark a view whose POSTs are never deduplicated (switching the language, logging out)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    wrapper.submission_token_exempt = True
    return wrapper


class SubmissionTokenMiddleware:
    """Runs a view at most once per form token and user; replays the first answer to the others."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claimed = getattr(request, "_submission_token", None)
        if claimed is not None:
            submission_token_settle(row=claimed, response=response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Runs after CsrfViewMiddleware's process_view: a forged POST never records a token.
        if request.method != "POST" or getattr(view_func, "submission_token_exempt", False):
            return None
        if not request.user.is_authenticated:
            return None
        token = request.POST.get(FIELD_NAME, "")
        if not TOKEN_PATTERN.match(token):
            return None
        row, first = submission_token_claim(user=request.user, token=token)
        if first:
            request._submission_token = row
            return None
        if row.redirect_to:
            messages.info(
                request, _("This form had already been sent; here is the result of the first time.")
            )
            return HttpResponseRedirect(row.redirect_to)
        messages.warning(
            request, _("This form is still being processed. Look at its result before sending it again.")
        )
        return HttpResponseRedirect(_back(request))


def submission_token_claim(*, user, token, wait=WAIT_SECONDS):
    """(row, True) when this request now owns the token; (row, False) with the first request's row
    once it has an answer, or still without one after ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            # Its own transaction, committed before the view runs: a concurrent request with the same
            # token fails its insert (on PostgreSQL it waits for ours to commit first).
            with transaction.atomic():
                return SubmissionToken.objects.create(user=user, token=token), True
        except IntegrityError:
            pass
        row = SubmissionToken.objects.filter(user=user, token=token).first()
        if row is None:
            continue  # the first request released it (its form had errors): ours runs
        if row.redirect_to or time.monotonic() >= deadline:
            return row, False
        time.sleep(POLL_SECONDS)


def submission_token_settle(*, row, response):
    """Remember where a form that did its work sent the browser; release the token otherwise."""
    location = response.get("Location", "") if response.status_code in (301, 302, 303, 307, 308) else ""
    if location:
        SubmissionToken.objects.filter(pk=row.pk).update(redirect_to=location[:2048])
    else:
        SubmissionToken.objects.filter(pk=row.pk).delete()


def submission_tokens_sweep(*, older_than=KEEP_FOR):
    """Delete tokens older than a day: no browser still waits on them. Returns how many went."""
    deleted, _per_model = SubmissionToken.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted


def _back(request):
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"
