"""The monthly report's background jobs: a build started from the page (its progress bar on the
month's page) or by the daily beat on each city's report day (reports.policy.report_day)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.jobs import JobError, job_kind, job_start
from core.models import Job
from org.models import Region

from ..models import MonthlyReport
from ..policy import report_day
from .services import OFFICIAL_LANGUAGE, default_as_of, month_of, monthly_report_build

MONTHLY_BUILD_JOB = "monthly_report_build"


def describe(result):
    return [
        (gettext("City"), result.get("city", "")),
        (gettext("Month"), result.get("month", "")),
        (gettext("Version"), result.get("version", "")),
        (gettext("Cells changed from the version before"), result.get("changes", 0)),
    ]


@job_kind(MONTHLY_BUILD_JOB, _("Building a monthly report"), describe=describe, thread_in_process=True)
def build_monthly_report(job, report):
    with translation.override(OFFICIAL_LANGUAGE):
        city = Region.objects.get(pk=job.params["city"])
        month = datetime.date.fromisoformat(job.params["month"])
        report(
            10,
            gettext("Reading the progress, ranking and lagging projects of %(city)s") % {"city": city.name},
        )
        try:
            # A refusal (a locked month) is a ValidationError: the job page shows its words.
            built = monthly_report_build(city=city, month=month, user=job.created_by, job=job, report=report)
        except PermissionDenied as error:
            raise JobError(gettext("You may not build this report.")) from error
        report(95, gettext("Version %(version)s saved") % {"version": built.version})
        return {
            "report": built.pk,
            "city": city.name,
            "month": f"{month:%Y-%m}",
            "version": built.version,
            "changes": len(built.changes),
        }


def monthly_report_start(*, city, month, user):
    """Queue a build of ``city``'s report for ``month`` and return its job; refused at once (with the
    reason) when the user may not build or the month's current report is locked."""
    if user is not None and not user.has_perm("reports.add_monthlyreport"):
        raise PermissionDenied
    month = month_of(month)
    if month > month_of(timezone.localdate()):
        raise ValidationError(gettext("A month that has not begun cannot be reported."))
    current = MonthlyReport.objects.filter(city=city, month=month, is_current=True).first()
    if current is not None and current.is_submitted:
        raise ValidationError(
            gettext(
                "The report of %(month)s is submitted and locked; it must be reopened before it is built again."
            )
            % {"month": f"{month:%Y-%m}"}
        )
    running = (
        build_jobs(city=city, month=month).filter(status__in=(Job.Status.PENDING, Job.Status.RUNNING)).first()
    )
    if running is not None:
        return running  # a build of the month is already under way: watch that one
    with transaction.atomic():
        return job_start(
            kind=MONTHLY_BUILD_JOB, user=user, params={"city": city.pk, "month": month.isoformat()}
        )


def build_jobs(*, city, month):
    return Job.objects.filter(kind=MONTHLY_BUILD_JOB, params__city=city.pk, params__month=month.isoformat())


def monthly_reports_due(*, on=None):
    """Start the build of every city whose report day is ``on`` (today). Run again the same day, it
    starts nothing more (each job carries the day it was started for); a city whose month's report
    is submitted is left alone. Returns the ids of the cities started."""
    on = on or timezone.localdate()
    month = month_of(on)
    started = []
    for city in Region.objects.filter(level=Region.Level.CITY).order_by("path"):
        if report_day(city, on) != on.day:
            continue
        if MonthlyReport.objects.filter(city=city, month=month, is_current=True, status="submitted").exists():
            continue
        if build_jobs(city=city, month=month).filter(params__day=on.isoformat()).exists():
            continue  # the beat already started this city's build today
        with transaction.atomic():
            job_start(
                kind=MONTHLY_BUILD_JOB,
                user=None,
                params={"city": city.pk, "month": month.isoformat(), "day": on.isoformat()},
            )
        started.append(city.pk)
    return started


__all__ = ["default_as_of", "monthly_report_start", "monthly_reports_due"]
