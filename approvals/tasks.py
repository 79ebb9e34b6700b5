"""Periodic tasks of approvals (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .attachments import attachments_sweep_orphans
from .notifications import overdue_digest_send


@shared_task(name="approvals.tasks.overdue_digest")
def overdue_digest():
    return overdue_digest_send()


@shared_task(name="approvals.tasks.sweep_orphan_attachments")
def sweep_orphan_attachments():
    """Files of submissions whose transaction rolled back after they were stored."""
    return len(attachments_sweep_orphans())
