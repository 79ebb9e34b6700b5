"""Periodic tasks of org (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .policy import policies_coming_into_force


@shared_task(name="org.tasks.policies_coming_into_force")
def apply_policies_coming_into_force():
    return policies_coming_into_force()
