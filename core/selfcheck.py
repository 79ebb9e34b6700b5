"""The self-check job: proves, from a real worker, that the database, cache, file storage and PDF
stack work."""

import time

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .files import is_bucket
from .jobs import job_kind
from .pdf import cjk_font_families, harfbuzz_subsetting_available, render_pdf

DATABASE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
STORAGE_NAMES = {"s3": gettext_lazy("object storage (S3)"), "filesystem": gettext_lazy("local disk")}


def _yes_no(value):
    return _("yes") if value else _("no")


def describe(result):
    """The result as the job's page shows it: Chinese labels, display values with their units."""
    rows = []
    if "database" in result:
        rows.append((_("Database"), DATABASE_NAMES.get(result["database"], result["database"])))
    if "cache" in result:
        rows.append((_("Cache works"), _yes_no(result["cache"])))
    if "storage" in result:
        rows.append((_("File storage"), STORAGE_NAMES.get(result["storage"], result["storage"])))
    if "storage_works" in result:
        rows.append((_("File storage works"), _yes_no(result["storage_works"])))
    if "pdf_bytes" in result:
        rows.append(
            (_("Size of the test PDF"), _("%(size)s KB") % {"size": round(result["pdf_bytes"] / 1024)})
        )
    if "pdf_seconds" in result:
        rows.append(
            (_("Time to render the test PDF"), _("%(seconds).1f s") % {"seconds": result["pdf_seconds"]})
        )
    if "harfbuzz_subset" in result:
        rows.append((_("PDF font subsetting (HarfBuzz)"), _yes_no(result["harfbuzz_subset"])))
    if "cjk_fonts" in result:
        rows.append((_("Chinese fonts"), "、".join(result["cjk_fonts"]) or _("none: install fonts-noto-cjk")))
    return rows


@job_kind("selfcheck", gettext_lazy("System self-check"), describe=describe, thread_in_process=True)
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

    report(40, _("Checking the file storage"))
    # From the worker's host: a bucket it cannot reach, or a disk it cannot write, shows here.
    name = default_storage.save(f"selfcheck/{job.pk}.txt", ContentFile(b"ok"))
    with default_storage.open(name, "rb") as handle:
        result["storage_works"] = handle.read() == b"ok"
    default_storage.delete(name)
    result["storage"] = "s3" if is_bucket(default_storage) else "filesystem"

    report(50, _("Rendering a Chinese PDF"))
    started = time.perf_counter()
    pdf = render_pdf("core/pdf/selfcheck.html", {"job": job})
    result["pdf_bytes"] = len(pdf)
    result["pdf_seconds"] = round(time.perf_counter() - started, 2)
    result["harfbuzz_subset"] = harfbuzz_subsetting_available()
    result["cjk_fonts"] = cjk_font_families()[:5]
    report(100, _("The database, the cache, the file storage and the PDF stack answered."))
    return result
