"""Celery tasks of core: they take primary keys and call one service."""

from celery import shared_task

from . import jobs, notifications, submissions


@shared_task(name="core.tasks.run_job")
def run_job(job_id):
    jobs.job_run(job_id=job_id)


@shared_task(name="core.tasks.run_job_items")
def run_job_items(job_id, keys):
    jobs.job_items_run(job_id=job_id, keys=keys)


@shared_task(name="core.tasks.dispatch_pending_jobs")
def dispatch_pending_jobs():
    return jobs.jobs_dispatch_pending()


@shared_task(name="core.tasks.sweep_submission_tokens")
def sweep_submission_tokens():
    return submissions.submission_tokens_sweep()


@shared_task(name="core.tasks.send_notification_emails")
def send_notification_emails(notification_ids, subject=None):
    return notifications.notification_emails_send(ids=notification_ids, subject=subject)


@shared_task(name="core.tasks.send_pending_notification_emails")
def send_pending_notification_emails():
    return notifications.notification_emails_send_pending()


@shared_task(name="core.tasks.sweep_notifications")
def sweep_notifications():
    return notifications.notifications_sweep()
