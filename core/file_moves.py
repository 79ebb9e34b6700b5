"""Copying every stored file an installation refers to from one storage to another (the local
MEDIA_ROOT to a bucket, when a city's portal becomes a province's), each checked by SHA-256.

Safe to stop and run again: a file already at the destination with the same checksum is left as
it is, so a second run copies only what the first did not finish. Nothing is deleted at the source.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

CHUNK = 1024 * 1024

# What happened to each file, in the order the summary lists them.
COPIED = "copied"
WOULD_COPY = "would copy"
PRESENT = "already there"
REPLACED = "replaced"
ONLY_AT_DESTINATION = "only at destination"
MISSING = "missing"
MISMATCHED = "mismatched"
OUTCOMES = (COPIED, WOULD_COPY, REPLACED, PRESENT, ONLY_AT_DESTINATION, MISSING, MISMATCHED)
FAILURES = (MISSING, MISMATCHED)


@dataclass
class MoveReport:
    counts: Counter = field(default_factory=Counter)
    failed: list = field(default_factory=list)  # (name, outcome)

    @property
    def ok(self):
        return not self.failed


def referenced_names():
    """Every name a FileField of any model holds, once each, sorted (a stable order to resume in)."""
    names = set()
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                rows = model._base_manager.exclude(**{model_field.name: ""}).exclude(
                    **{f"{model_field.name}__isnull": True}
                )
                names.update(rows.values_list(model_field.name, flat=True).iterator())
    return sorted(names)


def checksum(storage, name):
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_move(source, destination, name, *, dry_run=False):
    """Copy one file unless the destination holds it already; returns its outcome."""
    if not source.exists(name):
        return ONLY_AT_DESTINATION if destination.exists(name) else MISSING
    expected = checksum(source, name)
    replacing = destination.exists(name)
    if replacing:
        if checksum(destination, name) == expected:
            return PRESENT
        # A different file under a random name is a copy that went wrong (an interrupted write).
        if dry_run:
            return WOULD_COPY
        destination.delete(name)
    if dry_run:
        return WOULD_COPY
    with source.open(name, "rb") as handle:
        stored = destination.save(name, handle)
    if stored != name:  # the destination chose another name: the rows would not find the file
        destination.delete(stored)
        return MISMATCHED
    if checksum(destination, name) != expected:
        return MISMATCHED
    return REPLACED if replacing else COPIED


def files_move(source, destination, *, dry_run=False, names=None, progress=None):
    """Copy every referenced file; ``progress(name, outcome)`` hears of each one."""
    report = MoveReport()
    for name in referenced_names() if names is None else names:
        outcome = file_move(source, destination, name, dry_run=dry_run)
        report.counts[outcome] += 1
        if outcome in FAILURES:
            report.failed.append((name, outcome))
        if progress:
            progress(name, outcome)
    return report
