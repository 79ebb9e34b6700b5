"""Rendering notices to PDF in a background job. One job renders one notice or a whole batch; each
notice is one item, rendered by ``run_item``, which is idempotent: a notice whose PDF is stored is
skipped, and a PDF is stored first and then recorded by one conditional UPDATE, so two workers
rendering the same notice leave one file recorded (the loser removes its own)."""

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
DOCUMENT_TEMPLATE = "reports/notices/document.html"


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
        (gettext("Notices rendered"), result.get("rendered", 0)),
        (gettext("Already rendered"), result.get("skipped", 0)),
    ]


def render_all(job, report):
    """The whole job in one worker (until core's batch jobs share it among several)."""
    keys = items(job)
    counts = {"rendered": 0, "skipped": 0}
    for done, key in enumerate(keys, start=1):
        counts[run_item(job, key)] += 1
        report(
            done * 100 // len(keys),
            gettext("%(done)s of %(total)s notices") % {"done": done, "total": len(keys)},
        )
    return counts


def register():
    from core.jobs import job_kind

    job_kind(RENDER_JOB, _("Rendering notices"), describe=describe, thread_in_process=True)(render_all)
