"""Periodic tasks of approvals (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .notifications import overdue_digest_send


@shared_task(name="approvals.tasks.overdue_digest")
def overdue_digest():
    return overdue_digest_send()
