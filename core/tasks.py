"""Celery tasks of core: they take primary keys and call one service."""

from celery import shared_task

from . import jobs, submissions


@shared_task(name="core.tasks.run_job")
def run_job(job_id):
    jobs.job_run(job_id=job_id)


@shared_task(name="core.tasks.dispatch_pending_jobs")
def dispatch_pending_jobs():
    return jobs.jobs_dispatch_pending()


@shared_task(name="core.tasks.sweep_submission_tokens")
def sweep_submission_tokens():
    return submissions.submission_tokens_sweep()
