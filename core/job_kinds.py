"""The registry of background job kinds, kept free of models so that the Job model can name its
kind's label without importing the machinery that runs jobs.

A job kind is a function ``fn(job, report)`` registered with ``@job_kind("name", label)``; it
calls ``report(percent, message)`` as it goes and returns a JSON-friendly result. Job functions
must be safe to run twice: a job whose worker died is delivered again.
"""

_KINDS = {}


def job_kind(name, label):
    """Register ``fn`` as the body of jobs of kind ``name``; ``label`` is shown to users."""

    def register(fn):
        _KINDS[name] = (fn, label)
        return fn

    return register


def job_label(kind):
    entry = _KINDS.get(kind)
    return str(entry[1]) if entry else kind


def job_function(kind):
    return _KINDS[kind][0]


def job_kinds():
    return sorted(_KINDS)
