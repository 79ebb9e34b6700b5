"""Periodic tasks of projects (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .archive.services import attachments_sweep_orphans


@shared_task(name="projects.tasks.sweep_orphan_attachments")
def sweep_orphan_attachments():
    return len(attachments_sweep_orphans())
