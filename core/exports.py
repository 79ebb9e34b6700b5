"""Exports in the columns of the import template, from the page's filtered, restricted queryset."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .http import CONTENT_TYPES, attachment
from .importing import importer_for
from .models import AuditEntry
from .replica import reads_from_replica
from .spreadsheets import write_csv, write_xlsx


# A large export reads every row of the list: from the read replica when there is one.
@reads_from_replica()
def export_content(*, user, kind, queryset, export_format):
    importer = importer_for(kind)(user)
    headers = [column.header for column in importer.columns]
    rows = importer.export_rows(queryset)
    if export_format == "csv":
        return write_csv(headers, rows)
    return write_xlsx(
        headers, rows, sheet_title=str(importer.label)[:31], widths=[c.width for c in importer.columns]
    )


def filters_text(filterset):
    """The filters a list was exported with, as the user chose them: "街道：公园街道；改造项目库：储备库"."""
    if filterset is None or not filterset.is_bound or not filterset.form.is_valid():
        return _("all rows")
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()) or (hasattr(value, "exists") and not value.exists()):
            continue
        field = filterset.form.fields[name]
        parts.append(f"{field.label}：{_filter_value_text(field, value)}")
    return "；".join(parts) or _("all rows")


def _filter_value_text(field, value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "__iter__") and not isinstance(value, str):
        return "、".join(_filter_value_text(field, item) for item in value)
    choices = {str(key): label for key, label in getattr(field, "choices", ()) if not hasattr(value, "pk")}
    return str(choices.get(str(value), value))


def export_response(*, user, kind, queryset, export_format, filterset=None):
    content = export_content(user=user, kind=kind, queryset=queryset, export_format=export_format)
    importer = importer_for(kind)
    label = importer.label
    audit_record(
        actor=user,
        action=AuditEntry.Action.EXPORT,
        model=importer.model,
        subject=filters_text(filterset),
        summary=_("%(kind)s, %(format)s") % {"kind": label, "format": export_format},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return attachment(content, f"{label}-{stamp}.{export_format}", CONTENT_TYPES[export_format])
