"""The daily beat task of the retention job (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .jobs import retention_start


@shared_task(name="residents.households.tasks.remove_expired_personal_data")
def remove_expired_personal_data():
    return retention_start().pk
