"""Batch job kinds for the job tests only: imported by the tests and, through ``celery worker
--include tests.core.fault_kinds``, by the real workers they start. Never registered in the portal.

``recorded_batch`` does each item by writing one audit entry (the item's "result"), after noting the
execution in a log file (``params["log"]``, one line per run, so a test sees an item run twice) and
sleeping ``params["sleep"]`` seconds. An item listed in ``params["fail"]`` fails until the file
``params["fixed"]`` exists.
"""

import os
import time
from pathlib import Path

from django.core.exceptions import ValidationError

from core.job_kinds import batch_job_kind
from core.models import AuditEntry

RECORDED_BATCH = "test_recorded_batch"


def recorded_items(job):
    return job.params["keys"]


def record_summary(key):
    return f"test item {key}"


def recorded_results(job):
    """How many results each item has: {key: rows}."""
    rows = AuditEntry.objects.filter(object_id=str(job.pk), summary__startswith="test item ")
    counts = {}
    for summary in rows.values_list("summary", flat=True):
        key = summary.removeprefix("test item ")
        counts[key] = counts.get(key, 0) + 1
    return counts


def executions(job):
    """The keys in the order their runs started, one per run (a rerun appears twice)."""
    path = job.params.get("log")
    if not path or not Path(path).exists():
        return []
    return [line.split()[0] for line in Path(path).read_text().splitlines() if line.strip()]


def run_recorded_item(job, key):
    params = job.params
    if params.get("log"):
        # O_APPEND: lines of several processes never overwrite each other.
        fd = os.open(params["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, f"{key} {os.getpid()}\n".encode())
        finally:
            os.close(fd)
    if key in params.get("fail", []) and not Path(params["fixed"]).exists():
        if params.get("fail_as") == "validation":
            raise ValidationError("第 %(row)s 行缺少门牌号。", params={"row": key})
        raise ConnectionError(f"internal detail of {key}")
    time.sleep(params.get("sleep", 0))
    # Idempotent as a notice is: the result of an item exists once, whoever runs it.
    if AuditEntry.objects.filter(object_id=str(job.pk), summary=record_summary(key)).exists():
        return
    AuditEntry.objects.create(
        action=AuditEntry.Action.JOB,
        object_id=str(job.pk),
        object_repr=str(job)[:200],
        summary=record_summary(key),
    )


batch_job_kind(
    RECORDED_BATCH,
    "test batch",
    items=recorded_items,
    run_item=run_recorded_item,
    chunk_size=3,
    item_label=lambda key: f"第 {key} 项",
)
