"""PDF rendering with WeasyPrint: CJK fonts, only our own static files, and a time limit.

A runaway document is stopped after ``PDF_TIMEOUT_SECONDS``. In a process's main thread (a Celery
worker's pool process, a gunicorn worker, a command) the layout runs in the process itself under
a SIGALRM timer: no fork per document, and WeasyPrint's font and style caches stay warm from one
notice to the next (a batch of notices renders about as fast as WeasyPrint alone; docs/benchmarks.md).
Elsewhere (a thread of the development server or of an in-process job) signals cannot reach the
thread, so the layout runs in a forked child that is killed at the limit; the caller renders the
template (it may touch the database) and the child only lays out HTML.
"""

import logging
import mimetypes
import multiprocessing
import signal
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext

log = logging.getLogger(__name__)

# A host that cannot exist: every relative URL in a document resolves under it, and the fetcher
# serves only STATIC_URL paths below it from disk. Nothing ever leaves the machine.
BASE_URL = "https://portal.invalid/"


class PdfError(Exception):
    """The document could not be rendered."""


class PdfTimeout(PdfError):
    """Rendering took longer than PDF_TIMEOUT_SECONDS."""


def static_file_path(url):
    """The file on disk behind a URL of ours under STATIC_URL, or None."""
    prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
    if not url.startswith(prefix):
        return None
    relative = url[len(prefix) :].split("?")[0].split("#")[0]
    if ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    candidate = Path(settings.STATIC_ROOT) / relative
    return candidate if candidate.is_file() else None


def _make_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves data: URIs and our static files; refuses every other URL."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file_path(url)
            if path is None:
                raise ValueError(f"Blocked URL in PDF: {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher()


def _layout(html):
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=_make_fetcher()).write_pdf()


def _timeout_error(timeout):
    return PdfTimeout(gettext("Rendering the PDF took longer than %(seconds)s s.") % {"seconds": timeout})


def _render_error(name, detail):
    log.error("PDF rendering failed: %s: %s", name, detail)
    return PdfError(gettext("The PDF could not be rendered (%(error)s).") % {"error": name})


class _Deadline(BaseException):
    """Raised by the timer inside WeasyPrint: a BaseException, so no ``except Exception`` of theirs
    (around image fetching, say) swallows it."""


def _alarm_usable():
    """Whether a SIGALRM timer may stop this render: only the main thread receives signals, and
    nobody else's alarm may be running or overridden."""
    return (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


def _render_with_alarm(html, timeout):
    state = {"armed": True, "expired": False, "reporting": False}
    previous_hook = sys.unraisablehook

    def expire(signum, frame):
        state["expired"] = True
        if state["armed"] and not state["reporting"]:
            raise _Deadline

    def report_unraisable(unraisable):
        # A _Deadline raised where Python cannot propagate it (a cffi callback, a garbage
        # collector callback, a __del__) is dropped here in silence; the next tick raises again.
        # Anything else goes to the hook that was in place, with the timer held off, so the
        # timer never cuts a report short (pytest fails a test whose report was cut short).
        if isinstance(unraisable.exc_value, _Deadline):
            return
        state["reporting"] = True
        try:
            previous_hook(unraisable)
        finally:
            state["reporting"] = False

    sys.unraisablehook = report_unraisable
    signal.signal(signal.SIGALRM, expire)
    # After the limit it fires again every 50 ms: a _Deadline raised inside a C callback of the
    # layout libraries is dropped, and a later one lands in Python code.
    signal.setitimer(signal.ITIMER_REAL, timeout, 0.05)
    outcome = None
    try:
        outcome = ("ok", _layout(html))
    except _Deadline:
        pass
    except Exception as exc:
        outcome = ("error", exc)
    finally:
        # A plain store first: Python runs signal handlers only at calls and jumps, so from here
        # on the handler no longer raises, and the cleanup below cannot be cut short.
        state["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        sys.unraisablehook = previous_hook
    if state["expired"]:
        raise _timeout_error(timeout)
    status, payload = outcome
    if status == "error":
        raise _render_error(type(payload).__name__, payload) from payload
    return payload


def _child_main(html, conn):
    try:
        conn.send(("ok", _layout(html)))
    except Exception as exc:  # sent to the parent, which raises it as PdfError
        conn.send(("error", (type(exc).__name__, str(exc))))
    finally:
        conn.close()


def _render_in_child(html, timeout):
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(html, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise _timeout_error(timeout)
        status, payload = receiver.recv()
    except EOFError as exc:
        raise _render_error("EOFError", "the renderer stopped without an answer") from exc
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if status != "ok":
        raise _render_error(*payload)
    return payload


def html_to_pdf(html, *, timeout=None):
    """Bytes of the PDF laid out from ``html``; raises PdfTimeout after ``timeout`` seconds and
    PdfError (its message in the user's language, the details in the log) when it cannot."""
    timeout = timeout or settings.PDF_TIMEOUT_SECONDS
    # Importing WeasyPrint takes ~3 s; done once here, every forked child inherits it.
    import weasyprint  # noqa: F401

    if _alarm_usable():
        return _render_with_alarm(html, timeout)
    return _render_in_child(html, timeout)


def render_pdf(template_name, context=None, *, timeout=None):
    """Render a Django template to HTML, then to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context or {}), timeout=timeout)


def harfbuzz_subsetting_available():
    """Whether WeasyPrint found libharfbuzz-subset; without it CJK PDFs are ~70x slower."""
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except OSError:
        return False
    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def cjk_font_families():
    """Installed font families that cover Chinese, as fontconfig reports them."""
    import subprocess

    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
