"""The daily beat task of the monthly report (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .jobs import monthly_reports_due


@shared_task(name="reports.monthly.tasks.build_due_monthly_reports")
def build_due_monthly_reports():
    return monthly_reports_due()
