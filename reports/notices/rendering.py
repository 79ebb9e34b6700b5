"""Rendering notices to PDF in a background batch job (core.job_kinds.batch_job_kind): one job
renders one notice or a whole batch, each notice an item that core shares out over the workers.
``run_item`` is idempotent: a notice whose PDF is stored is skipped, and a PDF is stored first and
then recorded by one conditional UPDATE, so a second run leaves one file recorded (it removes its
own copy) and a run killed between the two leaves the notice to be rendered again."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.pdf import render_pdf
from reports.models import Notice
from reports.models.notices import notice_path

from .chinese import official_date
from .kinds import notice_kind

RENDER_JOB = "notices_render"
DOCUMENT_TEMPLATE = "reports/notices/pdf/document.html"


def document_context(notice):
    kind = notice_kind(notice.kind)
    return {
        "notice": notice,
        "issuer": notice.issuer,
        "content": notice.context,
        "kind": kind,
        "body_template": kind.template,
        "mark_size": mark_size(notice.issuer.header),
        "issued_on": official_date(notice.issued_on),
        # 印发日期 of the 版记: the day it is printed for distribution, which is its issue date.
        "printed_on": official_date(notice.issued_on),
        "voided_on": official_date(timezone.localtime(notice.voided_at).date()) if notice.voided_at else "",
    }


# The issuer mark is as large as 36 pt, and never wider than the text block (156 mm, 442 pt): a long
# name (淄博市住房和城乡建设局文件, 12 characters) is set smaller rather than broken over two lines.
MARK_MAX_PT = 36
MARK_WIDTH_PT = 410


def mark_size(header):
    return min(MARK_MAX_PT, MARK_WIDTH_PT // max(len(header), 1))


def notice_pdf(notice):
    """The PDF bytes of ``notice``, laid out after GB/T 9704-2012."""
    return render_pdf(DOCUMENT_TEMPLATE, document_context(notice))


def items(job):
    """The notices of a render job, as item keys."""
    return [str(pk) for pk in job.params.get("notice_ids", [])]


def run_item(job, key):
    """Render and store one notice, unless it is stored already. Safe to run twice, or at once."""
    notice = Notice.objects.select_related("issuer").filter(pk=int(key)).first()
    if notice is None or notice.is_rendered:
        return "skipped"
    pdf = notice_pdf(notice)
    name = default_storage.save(notice_path(notice, "notice.pdf"), ContentFile(pdf))
    stored = Notice.objects.filter(pk=notice.pk, rendered_at__isnull=True).update(
        file=name, rendered_at=timezone.now()
    )
    if not stored:  # another worker recorded its copy first
        default_storage.delete(name)
        return "skipped"
    return "rendered"


def describe(result):
    return [
        (gettext("Notices"), result.get("total", 0)),
        (gettext("Notices rendered"), result.get("done", 0)),
        (gettext("Notices not rendered"), result.get("failed", 0)),
    ]


def item_label(key):
    """A notice of a job reads as its number (a failed one is listed by it on the job's page)."""
    number = Notice.objects.filter(pk=int(key)).values_list("number", flat=True).first()
    return number or key


def register():
    from core.job_kinds import batch_job_kind

    # Core shares the notices of a job out over the workers, each rendered once (core.jobs).
    batch_job_kind(
        RENDER_JOB, _("Rendering notices"), items=items, run_item=run_item, describe=describe,
        item_label=item_label, thread_in_process=True,
    )  # fmt: skip
