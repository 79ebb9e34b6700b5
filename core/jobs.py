"""Background jobs: recorded in the database first, then queued; their progress is polled by pages.

Kinds are registered in ``core.job_kinds``; this module starts, dispatches and runs them.
"""

import logging
import threading

from celery import current_app
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from .audit import audit_record
from .job_kinds import job_function, job_kind, job_kinds, job_label, job_runs_in_thread
from .models import AuditEntry, Job

__all__ = ["job_dispatch", "job_kind", "job_label", "job_run", "job_start", "jobs_dispatch_pending"]

log = logging.getLogger(__name__)

# The Celery task that runs a job (core.tasks), named rather than imported: tasks import this module.
RUN_JOB_TASK = "core.tasks.run_job"


def job_start(*, kind, user, params=None):
    """Record a job and queue it once the surrounding transaction commits."""
    if kind not in job_kinds():
        raise ValueError(f"Unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, created_by=user, params=params or {})
    transaction.on_commit(lambda: job_dispatch(job_id=job.pk))
    return job


def job_dispatch(*, job_id):
    """Hand a pending job to Celery. If the broker is unreachable the job stays pending and
    the beat task ``dispatch_pending_jobs`` sends it later; the web request never fails for it."""
    try:
        Job.objects.filter(pk=job_id, dispatched_at__isnull=True).update(dispatched_at=timezone.now())
        if _in_thread(job_id):
            threading.Thread(target=_run_in_thread, args=(job_id,), name=f"job-{job_id}", daemon=True).start()
            return
        # Looked up in the app's registry, not sent by name: send_task() would ignore eager mode.
        current_app.tasks[RUN_JOB_TASK].delay(job_id)
    except Exception:  # kombu raises several unrelated types when Redis is down
        Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(dispatched_at=None)
        log.warning("Broker unreachable; job %s stays pending until it can be queued", job_id, exc_info=True)


def _in_thread(job_id):
    """In-process mode (no broker) runs a job inside the request that queued it; a kind that takes
    seconds asks for a thread instead, so its page answers at once (settings.JOBS_IN_THREAD)."""
    if not (current_app.conf.task_always_eager and settings.JOBS_IN_THREAD):
        return False
    kind = Job.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    return job_runs_in_thread(kind)


def _run_in_thread(job_id):
    try:
        job_run(job_id=job_id)
    finally:
        connections.close_all()  # the thread's own connections, not the request's


def job_run(*, job_id):
    """Run one job to its end. A finished job is left alone, so a second delivery does nothing."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return
        job.status = Job.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])

    fn = job_function(job.kind)

    def report(percent, message=""):
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=job.pk).update(progress=percent, message=str(message)[:500])

    try:
        result = fn(job, report)
    except Exception as exc:
        log.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        return
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.SUCCEEDED, progress=100, result=result or {}, finished_at=timezone.now()
    )
    job.refresh_from_db()
    audit_record(actor=job.created_by, action=AuditEntry.Action.JOB, obj=job, summary=job_label(job.kind))


def jobs_dispatch_pending():
    """Queue every job that was recorded but never reached the broker."""
    ids = list(
        Job.objects.filter(status=Job.Status.PENDING, dispatched_at__isnull=True).values_list("pk", flat=True)
    )
    for job_id in ids:
        job_dispatch(job_id=job_id)
    return len(ids)
