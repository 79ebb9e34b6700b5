"""Background jobs: recorded in the database first, then queued; their progress is polled by pages.

Kinds are registered in ``core.job_kinds``; this module starts, dispatches, runs and retries them.

What a job survives (docs/architecture.md, "Background jobs"; tests/core/test_job_faults.py):

- A worker that dies: tasks are acknowledged late and rejected back to the queue when their worker
  is lost (settings ``CELERY_TASK_ACKS_LATE``, ``CELERY_TASK_REJECT_ON_WORKER_LOST``), so another
  worker runs them again. A batch item runs inside one transaction that holds its JobItem row's
  lock: a killed worker's writes roll back with it, a second delivery waits for the lock and then
  skips the item as done. Database results are therefore written exactly once; files an item
  writes must be skipped when they exist (``run_item`` is idempotent).
- An item that kills its worker every time stops after ``JOB_ITEM_MAX_ATTEMPTS`` and is failed.
- The broker being down: the job (and each chunk of items) is recorded before it is queued; what
  could not be queued stays undispatched and ``jobs_dispatch_pending`` (beat, every minute) sends
  it when the broker is back. What was queued and then lost with the broker's data (a Redis that
  restarted empty) is sent again once it has waited twice the visibility timeout.
- A failure: the job says why in Chinese (a user-facing error as is, anything else as "a system
  error of type X, can be retried" with the details in the log) and ``job_retry`` runs it again;
  a batch re-runs only its failed and unfinished items.
"""

import logging
import threading
from datetime import timedelta

from celery import current_app, current_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from .audit import audit_record
from .job_kinds import (
    batch_job_kind,
    job_function,
    job_item_label,
    job_kind,
    job_kind_entry,
    job_kinds,
    job_label,
    job_runs_in_thread,
)
from .models import AuditEntry, Job, JobItem
from .pdf import PdfError

__all__ = [
    "JobError",
    "batch_job_kind",
    "job_dispatch",
    "job_failure_message",
    "job_items_run",
    "job_kind",
    "job_label",
    "job_retry",
    "job_run",
    "job_start",
    "jobs_dispatch_pending",
]

log = logging.getLogger(__name__)

# The Celery tasks that run a job and a chunk of a batch (core.tasks), named rather than imported:
# tasks import this module.
RUN_JOB_TASK = "core.tasks.run_job"
RUN_ITEMS_TASK = "core.tasks.run_job_items"

# An item whose worker died this many times is failed instead of run again: it is what kills them.
JOB_ITEM_MAX_ATTEMPTS = 3


class JobError(Exception):
    """A failure whose message is written for users (translated): the job page shows it as is."""


def job_failure_message(exc):
    """What a job page says about ``exc``: a user-facing error's own words, else a Chinese sentence
    that it was a system error (the exception and its traceback go to the log, not to the user: an
    exception's name is no word of theirs)."""
    if isinstance(exc, ValidationError):
        return "；".join(str(message) for message in exc.messages)[:500]
    if isinstance(exc, (JobError, PdfError)):
        return str(exc)[:500]
    return gettext(
        "The job stopped on a system error (its details are in the system log); it can be retried."
    )


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
        Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(dispatched_at=timezone.now())
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
    """Run one job to its end (a batch: record its items and send them out in chunks). A finished
    job is left alone, so a second delivery does nothing."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return
        job.status = Job.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])

    entry = job_kind_entry(job.kind)
    if entry is not None and entry.is_batch:
        _batch_start(job, entry)
        return

    def report(percent, message=""):
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=job.pk).update(progress=percent, message=str(message)[:500])

    try:
        result = job_function(job.kind)(job, report)
    except Exception as exc:
        log.exception("Job %s (%s) failed", job.pk, job.kind)
        _job_fail(job.pk, job_failure_message(exc))
        return
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.SUCCEEDED, progress=100, result=result or {}, finished_at=timezone.now()
    )
    job.refresh_from_db()
    audit_record(actor=job.created_by, action=AuditEntry.Action.JOB, obj=job, summary=job_label(job.kind))


def _job_fail(job_id, message):
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.FAILED, message=message[:500], finished_at=timezone.now()
    )


# --- Batches ------------------------------------------------------------------------------------


def _batch_start(job, entry):
    """Record the batch's items once (a second delivery finds them), then send out the unsent."""
    if job.items_total is None:
        try:
            keys = [str(key) for key in entry.items(job)]
            too_long = next(
                (key for key in keys if len(key) > JobItem._meta.get_field("key").max_length), None
            )
            if too_long is not None:
                raise ValueError(f"Item key longer than 200 characters: {too_long[:40]}…")
        except Exception as exc:
            log.exception("Job %s (%s) could not list its items", job.pk, job.kind)
            _job_fail(job.pk, job_failure_message(exc))
            return
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=job.pk)
            if locked.items_total is None:
                JobItem.objects.bulk_create(
                    [JobItem(job=job, key=key) for key in dict.fromkeys(keys)], ignore_conflicts=True
                )
                Job.objects.filter(pk=job.pk).update(items_total=JobItem.objects.filter(job=job).count())
    _items_dispatch(job.pk, entry.chunk_size)


def _items_dispatch(job_id, chunk_size, *, stale_before=None):
    """Send the batch's pending items that no task carries (or whose task is presumed lost, sent
    before ``stale_before``) in chunks. Returns how many chunks were sent. A chunk the broker
    refuses leaves its items unsent for the beat task; a batch with nothing left is finished."""
    unsent = Q(dispatched_at__isnull=True)
    if stale_before is not None:
        unsent |= Q(dispatched_at__lt=stale_before)
    keys = list(
        JobItem.objects.filter(unsent, job_id=job_id, status=JobItem.Status.PENDING)
        .order_by("id")
        .values_list("key", flat=True)
    )
    if not keys:
        _batch_finish_if_done(job_id)
        return 0
    sent = 0
    for start in range(0, len(keys), chunk_size):
        chunk = keys[start : start + chunk_size]
        if not _chunk_send(job_id, chunk):
            break
        sent += 1
    return sent


def _chunk_send(job_id, keys):
    # Marked sent first: the beat task must not send the same chunk while this one is on its way.
    items = JobItem.objects.filter(job_id=job_id, key__in=keys, status=JobItem.Status.PENDING)
    items.update(dispatched_at=timezone.now())
    try:
        current_app.tasks[RUN_ITEMS_TASK].apply_async((job_id, keys), queue=_queue_of_current_task())
    except Exception:  # the broker is down: see job_dispatch
        items.update(dispatched_at=None)
        log.warning(
            "Broker unreachable; %d items of job %s wait to be queued", len(keys), job_id, exc_info=True
        )
        return False
    return True


def _queue_of_current_task():
    """The queue the running task came from, so a batch's chunks follow its job to the workers
    that serve that queue; None (the default queue) outside a worker."""
    if not current_task or current_task.request.is_eager:  # a proxy: falsy outside a task
        return None
    return (current_task.request.delivery_info or {}).get("routing_key")


def job_items_run(*, job_id, keys):
    """Run a chunk of a batch job's items (the body of the ``run_job_items`` task), skipping those
    already done, then finish the job if nothing is left. Safe to deliver twice, or concurrently."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    entry = job_kind_entry(job.kind)
    if entry is None or not entry.is_batch:
        log.error("Job %s of kind %r has no batch kind registered in this process", job_id, job.kind)
        return
    for key in keys:
        if _item_run(job, entry, key):
            _progress_write(job)
    _batch_finish_if_done(job_id)


def _item_run(job, entry, key):
    """Do one item in one transaction holding its row's lock. Returns whether it ran now."""
    pending = JobItem.objects.filter(job=job, key=key, status=JobItem.Status.PENDING)
    # Counted outside the item's transaction, so a run its worker did not survive still counts.
    if not pending.update(attempts=F("attempts") + 1):
        return False
    with transaction.atomic():
        # Only the item's row: a lock on the job's row would make the batch's workers take turns.
        item = pending.select_for_update(of=("self",)).order_by("pk").first()
        if item is None:  # another delivery did it while we waited for the lock
            return False
        if item.attempts > JOB_ITEM_MAX_ATTEMPTS:
            message = gettext("Processing this item was interrupted %(count)d times; it was stopped.") % {
                "count": item.attempts - 1
            }
            _item_finish(item, JobItem.Status.FAILED, message)
            return True
        try:
            with transaction.atomic():
                entry.run_item(job, key)
        except Exception as exc:
            log.exception("Item %r of job %s (%s) failed", key, job.pk, job.kind)
            _item_finish(item, JobItem.Status.FAILED, job_failure_message(exc))
        else:
            _item_finish(item, JobItem.Status.DONE, "")
    return True


def _item_finish(item, status, message):
    item.status, item.message, item.finished_at = status, message[:500], timezone.now()
    item.save(update_fields=["status", "message", "finished_at"])


def _progress_write(job):
    counts = _item_counts(job.pk)
    total = sum(counts.values())
    done = counts.get(JobItem.Status.DONE, 0)
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        progress=done * 100 // total if total else 100,
        message=gettext("%(done)d of %(total)d items done") % {"done": done, "total": total},
    )


def _item_counts(job_id):
    rows = JobItem.objects.filter(job_id=job_id).values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


def _batch_finish_if_done(job_id):
    """Finish a batch with no item left to do. The job row's lock makes exactly one chunk do it."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished or job.items_total is None:
            return
        counts = _item_counts(job_id)
        if counts.get(JobItem.Status.PENDING):
            return
        done, failed = counts.get(JobItem.Status.DONE, 0), counts.get(JobItem.Status.FAILED, 0)
        total = done + failed
        job.result = {"total": total, "done": done, "failed": failed}
        job.finished_at = timezone.now()
        job.progress = done * 100 // total if total else 100
        if failed:
            first = job.items.filter(status=JobItem.Status.FAILED).order_by("id").first()
            job.status = Job.Status.FAILED
            job.message = (
                ngettext(
                    "%(failed)d of %(total)d items failed: %(item)s: %(reason)s",
                    "%(failed)d of %(total)d items failed; the first: %(item)s: %(reason)s",
                    failed,
                )
                % {
                    "failed": failed,
                    "total": total,
                    "item": job_item_label(job.kind, first.key),
                    "reason": first.message,
                }
            )[:500]
        else:
            job.status = Job.Status.SUCCEEDED
            job.message = gettext("%(done)d of %(total)d items done") % {"done": done, "total": total}
        job.save(update_fields=["status", "message", "progress", "result", "finished_at"])
        if not failed:
            audit_record(
                actor=job.created_by, action=AuditEntry.Action.JOB, obj=job, summary=job_label(job.kind)
            )


def job_failed_items(job, *, limit=50):
    """([(item label, message)] of a batch job's first ``limit`` failed items, how many more)."""
    failed = job.items.filter(status=JobItem.Status.FAILED).order_by("id")
    rows = list(failed.values_list("key", "message")[: limit + 1])
    more = failed.count() - limit if len(rows) > limit else 0
    return [(job_item_label(job.kind, key), message) for key, message in rows[:limit]], more


# --- Retry and the beat task --------------------------------------------------------------------


def job_retry(*, job, user):
    """Run a failed job again: a batch re-runs only its failed and unfinished items. A job that has
    not failed (it is already running again, say) is left as it is, so retrying twice is harmless."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not job.can_be_retried():
            return job
        if job.items_total is not None:
            job.items.exclude(status=JobItem.Status.DONE).update(
                status=JobItem.Status.PENDING, message="", attempts=0, dispatched_at=None, finished_at=None
            )
        else:
            job.progress = 0
        job.status = Job.Status.PENDING
        job.message = ""
        job.result = {}
        job.dispatched_at = job.finished_at = None
        job.save(update_fields=["status", "message", "result", "progress", "dispatched_at", "finished_at"])
        audit_record(
            actor=user,
            action=AuditEntry.Action.JOB,
            obj=job,
            summary=gettext("Retried: %(job)s") % {"job": job_label(job.kind)},
        )
        transaction.on_commit(lambda: job_dispatch(job_id=job.pk))
    return job


def _lost_after():
    """How long a sent task may go unseen before it is presumed lost with the broker's data: twice
    the visibility timeout, after which Redis would have delivered it again had it kept it."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return timedelta(seconds=2 * timeout)


def jobs_dispatch_pending():
    """Queue what was recorded but never reached the broker (or was lost with its data): pending
    jobs, and the items of running batches no task carries. Returns how many tasks were sent."""
    lost_before = timezone.now() - _lost_after()
    unsent = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=lost_before)
    ids = list(Job.objects.filter(unsent, status=Job.Status.PENDING).values_list("pk", flat=True))
    for job_id in ids:
        job_dispatch(job_id=job_id)
    sent = len(ids)
    running = Job.objects.filter(status=Job.Status.RUNNING, items_total__isnull=False)
    for job_id, kind in running.values_list("pk", "kind"):
        entry = job_kind_entry(kind)
        if entry is not None and entry.is_batch:
            sent += _items_dispatch(job_id, entry.chunk_size, stale_before=lost_before)
    return sent
