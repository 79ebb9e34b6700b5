"""The complaint list and the statistics as .xlsx: the page's own rows, names and phone numbers
masked as the page shows them, cells a spreadsheet would run as a formula escaped, audited as an
export with the filters it was made with."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.audit import audit_record
from core.exports import filters_text
from core.http import CONTENT_TYPES, attachment
from core.models import AuditEntry
from core.spreadsheets import write_xlsx
from residents.models import Complaint
from residents.privacy import sees_personal_data, shown_name, shown_phone

from .selectors import days_overdue


def _date(value):
    return value.strftime("%Y-%m-%d") if value else ""


def complaint_rows(user, queryset, today=None):
    today = today or timezone.localdate()
    full = sees_personal_data(user)
    for complaint in queryset.iterator(chunk_size=2000):
        overdue = days_overdue(complaint, today)
        yield [
            complaint.number,
            _date(complaint.received_on),
            complaint.get_channel_display(),
            complaint.get_category_display(),
            complaint.compound.name if complaint.compound_id else "",
            complaint.project.name if complaint.project_id else "",
            complaint.region.name,
            shown_name(user, complaint.complainant_name, full=full),
            shown_phone(user, complaint.complainant_phone, full=full),
            complaint.content,
            complaint.handler.name if complaint.handler_id else "",
            _date(complaint.deadline),
            complaint.get_status_display(),
            overdue or None,
            complaint.reply,
            _date(complaint.answered_on),
            complaint.get_satisfaction_display() if complaint.satisfaction else "",
            _date(complaint.closed_on),
        ]


HEADERS = (
    gettext_lazy("complaint number"),
    pgettext_lazy("complaint", "received on"),
    gettext_lazy("channel"),
    pgettext_lazy("complaint", "category"),
    gettext_lazy("compound"),
    gettext_lazy("renovation project"),
    gettext_lazy("area"),
    gettext_lazy("complainant"),
    gettext_lazy("complainant's phone"),
    gettext_lazy("content"),
    pgettext_lazy("complaint", "handled by"),
    gettext_lazy("answer due by"),
    gettext_lazy("status"),
    gettext_lazy("days overdue"),
    gettext_lazy("reply"),
    pgettext_lazy("complaint", "answered on"),
    gettext_lazy("resident's satisfaction with the reply"),
    pgettext_lazy("complaint", "closed on"),
)
WIDTHS = (20, 12, 12, 16, 24, 30, 14, 10, 16, 50, 24, 12, 10, 10, 50, 12, 14, 12)


def complaints_export(*, user, queryset, filterset=None):
    headers = [str(header) for header in HEADERS]
    content = write_xlsx(
        headers, complaint_rows(user, queryset), sheet_title=str(_("complaints")), widths=WIDTHS
    )
    subject = filters_text(filterset)
    audit_record(
        actor=user,
        action=AuditEntry.Action.EXPORT,
        model=Complaint,
        subject=subject,
        summary=_("%(kind)s, %(format)s") % {"kind": _("complaints"), "format": "xlsx"},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return attachment(content, f"{_('complaints')}-{stamp}.xlsx", CONTENT_TYPES["xlsx"])


def _rate(value):
    return None if value is None else f"{value}%"


def stats_rows(stats):
    keys = [key for key, _label in stats.categories]
    for row in [*stats.rows, stats.total]:
        name = row.name or (_("Total") if row is stats.total else _("Across areas"))
        yield [
            name, *row.categories(keys), row.total, row.overdue, _rate(row.on_time_rate),
            _rate(row.satisfaction_rate),
        ]  # fmt: skip


def stats_export(*, user, stats, date_from, date_to):
    headers = [
        str(stats.level_label), *[str(label) for _key, label in stats.categories], _("total"), _("overdue"),
        _("answered on time"), _("satisfaction rate"),
    ]  # fmt: skip
    period = _("%(start)s to %(end)s") % {"start": _date(date_from) or "…", "end": _date(date_to) or "…"}
    content = write_xlsx(
        headers, stats_rows(stats), sheet_title=str(_("Complaint statistics"))[:31],
        widths=[16] + [10] * (len(headers) - 1),
    )  # fmt: skip
    audit_record(
        actor=user,
        action=AuditEntry.Action.EXPORT,
        model=Complaint,
        subject=period,
        summary=_("%(kind)s, %(format)s") % {"kind": _("Complaint statistics"), "format": "xlsx"},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return attachment(content, f"{_('Complaint statistics')}-{stamp}.xlsx", CONTENT_TYPES["xlsx"])
