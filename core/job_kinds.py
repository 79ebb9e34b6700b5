"""The registry of background job kinds, kept free of models so that the Job model can name its
kind's label without importing the machinery that runs jobs.

A job kind is a function ``fn(job, report)`` registered with ``@job_kind("name", label)``; it
calls ``report(percent, message)`` as it goes and returns a JSON-friendly result. Job functions
must be safe to run twice: a job whose worker died is delivered again.

A kind may say how its result reads (``describe(result) -> [(label, display value)]``, shown on
the job's page instead of raw keys), and whether, when tasks run in-process (no broker), it runs
in a thread of the web process (``thread_in_process``) so that the page that started it answers
at once and shows the progress bar instead of freezing until the job is done.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class JobKind:
    fn: object
    label: object
    describe: object = None
    thread_in_process: bool = False


_KINDS = {}


def job_kind(name, label, *, describe=None, thread_in_process=False):
    """Register ``fn`` as the body of jobs of kind ``name``; ``label`` is shown to users."""

    def register(fn):
        _KINDS[name] = JobKind(fn, label, describe, thread_in_process)
        return fn

    return register


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
