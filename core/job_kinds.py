"""The registry of background job kinds, kept free of models so that the Job model can name its
kind's label without importing the machinery that runs jobs.

A job kind is a function ``fn(job, report)`` registered with ``@job_kind("name", label)``; it
calls ``report(percent, message)`` as it goes and returns a JSON-friendly result. Job functions
must be safe to run twice: a job whose worker died is delivered again.

A kind may say how its result reads (``describe(result) -> [(label, display value)]``, shown on
the job's page instead of raw keys), and whether, when tasks run in-process (no broker), it runs
in a thread of the web process (``thread_in_process``) so that the page that started it answers
at once and shows the progress bar instead of freezing until the job is done.

A batch kind (``batch_job_kind``) is a list of items instead of one function: ``items(job)`` names
them (JSON-able string keys, computed once per job) and ``run_item(job, key)`` does one. Core
records each item (core.models.JobItem), fans chunks of them out to Celery tasks so several workers
share the batch, and finishes the job when no item is left (core.jobs says how).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class JobKind:
    fn: object
    label: object
    describe: object = None
    thread_in_process: bool = False
    # Batch kinds only: fn is None and these say what the items are and how one is done.
    items: object = None
    run_item: object = None
    item_label: object = None
    chunk_size: int = 10

    @property
    def is_batch(self):
        return self.run_item is not None


_KINDS = {}


def job_kind(name, label, *, describe=None, thread_in_process=False):
    """Register ``fn`` as the body of jobs of kind ``name``; ``label`` is shown to users."""

    def register(fn):
        _KINDS[name] = JobKind(fn, label, describe, thread_in_process)
        return fn

    return register


def batch_job_kind(
    name,
    label,
    *,
    items,
    run_item=None,
    describe=None,
    chunk_size=10,
    thread_in_process=False,
    item_label=None,
):
    """Register a batch job kind ``name``: ``items(job) -> [key, ...]`` (strings) and
    ``run_item(job, key)``, which does one item and must be safe to run twice (a worker that dies
    mid-item is replaced and the item run again; its database writes are rolled back with it, but
    a file it wrote is not: skip an item whose file already exists). ``item_label(key)`` names an
    item to users (the job page lists the failed ones); ``chunk_size`` items go to one task.

    Called with ``run_item`` it registers at once; without, it decorates the run_item function.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")

    def register(fn):
        _KINDS[name] = JobKind(None, label, describe, thread_in_process, items, fn, item_label, chunk_size)
        return fn

    if run_item is not None:
        register(run_item)
        return lambda fn: fn
    return register


def job_kind_entry(kind):
    """The registered JobKind of ``kind``, or None."""
    return _KINDS.get(kind)


def job_item_label(kind, key):
    """How an item of a batch kind reads to users: its kind's ``item_label(key)``, else the key."""
    entry = _KINDS.get(kind)
    if entry is not None and entry.item_label is not None:
        try:
            return str(entry.item_label(key))
        except Exception:  # an item whose subject is gone still has its key to show
            return key
    return key


def job_label(kind):
    entry = _KINDS.get(kind)
    return str(entry.label) if entry else kind


def job_function(kind):
    return _KINDS[kind].fn


def job_runs_in_thread(kind):
    entry = _KINDS.get(kind)
    return bool(entry and entry.thread_in_process)


def job_result_rows(job):
    """[(label, display value)] of a finished job's result, as its kind describes it; a kind that
    says nothing shows nothing rather than internal keys."""
    entry = _KINDS.get(job.kind)
    if not job.result or entry is None or entry.describe is None:
        return []
    return entry.describe(job.result)


def job_kinds():
    return sorted(_KINDS)
