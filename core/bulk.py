"""Writing many rows at once, as imports do: lookups in chunks, and changes applied under a lock.

Every bulk writer updates rows the same way, through ``bulk_apply_changes``: read the rows again
under ``select_for_update`` inside the caller's transaction, compare with what is stored *now*
(someone may have changed a row since the file was checked), set what differs and write it in a
few ``bulk_update`` statements. What it returns is the real before → after of each row, for the
audit log.
"""

from django.utils import timezone

LOOKUP_CHUNK = 5000  # primary keys per IN (...) list: PostgreSQL and SQLite both take this many


def chunked(values, size=LOOKUP_CHUNK):
    """``values`` in lists of at most ``size``."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def group_by(rows, key):
    """{key: [rows]} in the rows' order; ``key`` names a dict key, or is a function of the row."""
    index = {}
    for row in rows:
        index.setdefault(key(row) if callable(key) else row[key], []).append(row)
    return index


def bulk_apply_changes(model, changes, *, derive=None, derived_fields=(), batch_size=500):
    """Apply ``changes`` ({pk: {field: new value}}) to rows of ``model`` locked for the caller's
    transaction. ``derive(obj)``, when given, recomputes what follows from the new values (a
    verdict, a deadline) and names it in ``derived_fields``. Returns {pk: (obj, {field: (old,
    new)})} with only the fields that really changed; rows gone meanwhile are left out."""
    objects = {}
    for pks in chunked(changes):
        objects.update(model.objects.select_for_update(of=("self",)).order_by().in_bulk(pks))
    applied, touched, now = {}, set(), timezone.now()
    for pk, values in changes.items():
        obj = objects.get(pk)
        if obj is None:
            continue
        diff = {}
        for field, value in values.items():
            old = getattr(obj, field)
            if old != value:
                setattr(obj, field, value)
                diff[field] = (old, value)
        touched.update(diff)
        if derive is not None:
            derive(obj)
        if hasattr(obj, "updated_at"):
            obj.updated_at = now
        applied[pk] = (obj, diff)
    if applied:
        fields = [*touched, *derived_fields]
        if hasattr(model, "updated_at"):
            fields.append("updated_at")
        if fields:
            model.objects.bulk_update([obj for obj, _diff in applied.values()], fields, batch_size=batch_size)
    return applied
