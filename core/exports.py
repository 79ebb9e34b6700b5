"""Exports in the columns of the import template, from the page's filtered, restricted queryset."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .http import CONTENT_TYPES, attachment
from .importing import importer_for
from .models import AuditEntry
from .spreadsheets import write_csv, write_xlsx


def export_content(*, user, kind, queryset, export_format):
    importer = importer_for(kind)(user)
    headers = [column.header for column in importer.columns]
    rows = importer.export_rows(queryset)
    if export_format == "csv":
        return write_csv(headers, rows)
    return write_xlsx(
        headers, rows, sheet_title=str(importer.label)[:31], widths=[c.width for c in importer.columns]
    )


def export_response(*, user, kind, queryset, export_format):
    content = export_content(user=user, kind=kind, queryset=queryset, export_format=export_format)
    label = importer_for(kind).label
    audit_record(
        actor=user,
        action=AuditEntry.Action.EXPORT,
        summary=_("%(kind)s, %(format)s") % {"kind": label, "format": export_format},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return attachment(content, f"{label}-{stamp}.{export_format}", CONTENT_TYPES[export_format])
