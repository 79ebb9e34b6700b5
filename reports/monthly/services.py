"""Building, submitting and reopening monthly reports.

``monthly_report_build`` reads the progress, the ranking and the lagging projects once and freezes
them in a new version; the version it replaces stays, no longer current, and the new one records
what changed cell by cell. A month whose current version was submitted is refused until a superior
reopens it (``reports.reopen_monthlyreport``). Submitting writes the .xlsx and the PDF once, from
the snapshot: what was sent upward is what every later download serves.
"""

import calendar
import datetime
import hashlib
import json
from dataclasses import asdict, is_dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry
from core.replica import reads_from_replica
from org.models import Region

from ..models import MonthlyReport
from .table import cell_changes

OFFICIAL_LANGUAGE = "zh-hans"


def month_of(value):
    """The first day of ``value``'s month."""
    return value.replace(day=1)


def month_last_day(month):
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(month):
    return (month_of(month) - datetime.timedelta(days=1)).replace(day=1)


def default_as_of(month, today=None):
    """A month's figures are read as of its last day, or today while the month runs."""
    today = today or timezone.localdate()
    return min(month_last_day(month), today)


def _plain(value):
    """A ranking or lagging row as JSON: dataclasses and dicts walked, Decimals as text, a model
    instance as its primary key and name, lazy texts translated now."""
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "_meta") and hasattr(value, "pk"):
        return {"id": value.pk, "name": str(value)}
    return str(value)


def _lagging_row(row):
    """A reports.lagging.LaggingRow as plain data (its project carries ``region_name``)."""
    return {
        "project_id": row.project.pk,
        "name": row.project.name,
        "region": row.project.region_name,
        "url": row.url,
        "reasons": [str(reason) for reason in row.reasons],
    }


def _silent(percent, message=""):
    return None


def monthly_numbers(*, city, month, as_of, report=_silent):
    """Everything the report shows, as plain data: the progress of the month's plan year, the
    indicators' labels, the district ranking, the lagging projects, and last month's current report
    (its figures, so the change is frozen with the month's own)."""
    from reports.lagging import lagging_projects
    from reports.progress import INDICATORS, progress
    from reports.ranking import district_ranking

    with translation.override(OFFICIAL_LANGUAGE):
        figures = progress(city=city, year=month.year, as_of=as_of)
        report(40, _("Progress of the districts read"))
        ranking = _plain(district_ranking(figures))
        lagging = [_lagging_row(row) for row in lagging_projects(city=city, year=month.year, as_of=as_of)]
        report(70, _("Ranking and lagging projects read"))
        numbers = {
            "progress": figures.to_dict(),
            "indicators": [[code, str(label), str(unit)] for code, label, unit in INDICATORS],
            "ranking": ranking,
            "lagging": lagging,
        }
    before = (
        MonthlyReport.objects.filter(city=city, month=previous_month(month), is_current=True)
        .only("pk", "version", "month", "status", "numbers")
        .first()
    )
    numbers["previous"] = (
        {
            "report_id": before.pk,
            "version": before.version,
            "month": before.month.isoformat(),
            "status": before.status,
            "progress": before.numbers["progress"],
        }
        if before is not None
        else None
    )
    return numbers


def numbers_digest(numbers):
    return hashlib.sha256(json.dumps(numbers, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def data_version(numbers):
    """The highest audit entry id when the numbers were read (every change of the portal writes
    one) and the first 12 hex digits of the numbers' SHA-256: ``A1234-9f2c…``."""
    last = AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    return f"A{last}-{numbers_digest(numbers)[:12]}"


def _check_month(month, as_of):
    today = timezone.localdate()
    if month > month_of(today):
        raise ValidationError(_("A month that has not begun cannot be reported."))
    if as_of < month:
        raise ValidationError(_("The figures of a month's report cannot be read before the month begins."))
    if as_of > today:
        raise ValidationError(_("The figures cannot be read as of a day still to come."))


def monthly_report_build(*, city, month, user=None, as_of=None, job=None, report=_silent):
    """A new current version of ``city``'s report for ``month`` (or the current one, when the figures
    read the same as it froze). Refused while the month's current version is submitted. ``report``
    (percent, message) is told how far the build has come (a job's progress bar)."""
    if user is not None and not user.has_perm("reports.add_monthlyreport"):
        raise PermissionDenied
    month = month_of(month)
    as_of = as_of or default_as_of(month)
    _check_month(month, as_of)
    _refuse_submitted(
        MonthlyReport.objects.filter(city=city, month=month, is_current=True)
        .only("pk", "status", "submitted_at")
        .first(),
        month,
    )
    # The numbers are read before the lock: the job's progress bar (written on its own connection's
    # autocommit) moves while they are read, and an in-process thread on SQLite holds no read
    # transaction it would have to upgrade while a request writes ("database is locked").
    # They are read from the read replica when there is one (core.replica), with the data version
    # they were read at; the snapshot is written on the primary.
    with reads_from_replica():
        numbers = monthly_numbers(city=city, month=month, as_of=as_of, report=report)
        version_read = data_version(numbers)
    with transaction.atomic():
        # One build per city at a time: the next waits and then sees this one's version.
        city = Region.objects.select_for_update().get(pk=city.pk)
        # The newest version is the current one (a build makes its version current; nothing else
        # does), so one query gives both the current report and the next version's number.
        latest = (
            MonthlyReport.objects.select_for_update()
            .filter(city=city, month=month)
            .order_by("-version")
            .first()
        )
        current = latest if latest is not None and latest.is_current else None
        _refuse_submitted(current, month)
        if (
            current is not None
            and current.as_of == as_of
            and numbers_digest(current.numbers) == numbers_digest(numbers)
        ):
            return current
        version = (latest.version if latest is not None else 0) + 1
        changes = []
        if current is not None:
            changes = cell_changes(current.numbers, numbers)
            current.is_current = False
            current.save(update_fields=["is_current", "updated_at"])
        built = MonthlyReport(
            city=city,
            month=month,
            version=version,
            as_of=as_of,
            numbers=numbers,
            data_version=version_read,
            changes=changes,
            built_by=user,
            built_at=timezone.now(),
            job=job,
        )
        # Field checks only: the uniqueness and one-current-version constraints are the database's,
        # and the lock on the city above already serialises builds (each would cost a query here).
        # The snapshot's JSON is ours, not typed: checking it would serialise it once more.
        built.full_clean(exclude=["numbers", "changes"], validate_unique=False, validate_constraints=False)
        built.save()
        audit_record(
            actor=user,
            action=AuditEntry.Action.CREATE,
            obj=built,
            summary=_("Monthly report built (version %(version)s, %(changes)s cells changed)")
            % {"version": version, "changes": len(changes)},
            changes={"data_version": built.data_version, "as_of": as_of.isoformat()},
        )
    return built


def _refuse_submitted(current, month):
    if current is not None and current.is_submitted:
        raise ValidationError(
            _(
                "The report of %(month)s was submitted on %(date)s and is locked; it must be reopened "
                "by a superior before it is built again."
            )
            % {
                "month": f"{month:%Y-%m}",
                "date": timezone.localtime(current.submitted_at).strftime("%Y-%m-%d"),
            }
        )


def _locked(report):
    return MonthlyReport.objects.select_for_update().select_related("city").get(pk=report.pk)


def monthly_report_submit(*, report, user):
    """Lock the report: its .xlsx and PDF are written from the snapshot and kept."""
    from .documents import monthly_pdf, monthly_xlsx, report_filename

    if not user.has_perm("reports.submit_monthlyreport"):
        raise PermissionDenied
    with transaction.atomic():
        report = _locked(report)
        if report.is_submitted:
            return report  # sent twice: the first one stands
        if not report.is_current:
            raise ValidationError(_("Only the current version of a month's report can be submitted."))
        report.status = MonthlyReport.Status.SUBMITTED
        report.submitted_by = user
        report.submitted_at = timezone.now()
        report.full_clean()
        report.xlsx_file.save(report_filename(report, "xlsx"), ContentFile(monthly_xlsx(report)), save=False)
        report.pdf_file.save(report_filename(report, "pdf"), ContentFile(monthly_pdf(report)), save=False)
        report.save()
        audit_record(
            actor=user,
            action=AuditEntry.Action.UPDATE,
            obj=report,
            summary=_("Monthly report submitted"),
            changes={"status": ["draft", "submitted"]},
        )
    return report


def monthly_report_reopen(*, report, user, reason):
    """Unlock a submitted report, with the reason, for whoever holds reports.reopen_monthlyreport;
    its kept files are dropped (the next submission writes them again)."""
    if not user.has_perm("reports.reopen_monthlyreport"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is reopened.")})
    with transaction.atomic():
        report = _locked(report)
        if not report.is_submitted:
            return report  # already open: reopening twice changes nothing
        if not report.is_current:
            raise ValidationError(_("Only the current version of a month's report can be reopened."))
        old_files = [f.name for f in (report.xlsx_file, report.pdf_file) if f]
        report.status = MonthlyReport.Status.DRAFT
        report.reopened_by = user
        report.reopened_at = timezone.now()
        report.reopen_reason = reason[:500]
        report.xlsx_file = ""
        report.pdf_file = ""
        report.full_clean()
        report.save()
        audit_record(
            actor=user,
            action=AuditEntry.Action.UPDATE,
            obj=report,
            summary=_("Monthly report reopened: %(reason)s") % {"reason": reason},
            changes={"status": ["submitted", "draft"]},
        )
        storage = MonthlyReport._meta.get_field("xlsx_file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in old_files])
    return report
