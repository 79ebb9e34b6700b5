"""The self-check job: proves, from a real worker, that the database, cache and PDF stack work."""

import time

from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext_lazy as _

from .jobs import job_kind
from .pdf import cjk_font_families, harfbuzz_subsetting_available, render_pdf


@job_kind("selfcheck", _("System self-check"))
def selfcheck(job, report):
    result = {}
    report(10, _("Checking the database"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    result["database"] = connection.vendor

    report(30, _("Checking the cache"))
    key = f"selfcheck:{job.pk}"
    cache.set(key, "ok", 30)
    result["cache"] = cache.get(key) == "ok"

    report(50, _("Rendering a Chinese PDF"))
    started = time.perf_counter()
    pdf = render_pdf("core/pdf/selfcheck.html", {"job": job})
    result["pdf_bytes"] = len(pdf)
    result["pdf_seconds"] = round(time.perf_counter() - started, 2)
    result["harfbuzz_subset"] = harfbuzz_subsetting_available()
    result["cjk_fonts"] = cjk_font_families()[:5]
    report(100, _("Done"))
    return result
