"""PDF rendering with WeasyPrint: CJK fonts, only our own static files, and a time limit.

Rendering happens in a forked child process so a runaway document can be stopped; the parent
renders the template (it may touch the database) and the child only lays out HTML.
"""

import mimetypes
import multiprocessing
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

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


def _render_in_child(html, conn):
    try:
        from weasyprint import HTML

        pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=_make_fetcher()).write_pdf()
        conn.send(("ok", pdf))
    except Exception as exc:  # sent to the parent, which raises it as PdfError
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def html_to_pdf(html, *, timeout=None):
    """Bytes of the PDF laid out from ``html``; raises PdfTimeout after ``timeout`` seconds."""
    timeout = timeout or settings.PDF_TIMEOUT_SECONDS
    # Importing WeasyPrint takes ~3 s; done once here, every forked child inherits it.
    import weasyprint  # noqa: F401

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_render_in_child, args=(html, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise PdfTimeout(f"PDF rendering took longer than {timeout} s")
        status, payload = receiver.recv()
    except EOFError as exc:
        raise PdfError("PDF renderer stopped without an answer") from exc
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if status != "ok":
        raise PdfError(payload)
    return payload


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
