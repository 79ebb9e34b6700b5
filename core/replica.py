"""Reads that may go to the read replica (``DATABASE_REPLICA_URL``, a PostgreSQL streaming replica).

Code that reads much and writes little — the monthly report's figures, the dashboard, large
exports — runs inside ``reads_from_replica()`` (a context manager, or a decorator); ``ReplicaRouter``
sends the reads made there to the "replica" database. Every write, and every read anywhere else,
goes to "default", the primary: an object read from the replica and saved is saved on the primary.

The replica is passed over for the primary, silently or with a warning, when:
- none is configured, or it is the primary itself (the test suite mirrors "default" as "replica");
- the primary is inside a transaction (``atomic``): that transaction's own writes and locks are
  only on the primary, and its reads must see them;
- the replica is down, is no longer a replica, or replays more than ``REPLICA_MAX_LAG_SECONDS``
  behind the primary. This is checked at most every ``CHECK_SECONDS`` in each process; the warning
  is logged and the last fallback kept in the cache, where the system status page reads it.

The switch is a context variable, so each thread and each asyncio task has its own.
"""

import datetime
import logging
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
# How long one process trusts a check: a few seconds keeps the check's two queries off the
# dashboard's sixty, and a replica that fails is passed over within that time.
CHECK_SECONDS = 5
# A replica found behind is asked again this much later before it is called lagging: after a
# long quiet spell its last replayed transaction is old, and a write on the primary a moment ago
# would otherwise read as hours of lag.
RECHECK_AFTER_SECONDS = 0.1
FALLBACK_KEY = "core:replica:last-fallback"
FALLBACK_KEPT_SECONDS = 7 * 24 * 3600

_wanted = ContextVar("core_reads_from_replica", default=False)


@contextmanager
def reads_from_replica():
    """The reads made inside go to the replica when it is usable; writes still go to the primary."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


@dataclass(frozen=True)
class ReplicaState:
    """What the last check found: ``usable``, or why not (``down`` with the error, or ``lag``)."""

    usable: bool
    lag: float | None = None  # seconds behind the primary; None when it could not be measured
    error: str = ""
    checked_at: float = field(default_factory=time.time)

    @property
    def down(self):
        return bool(self.error)

    def as_dict(self):
        return {"usable": self.usable, "lag": self.lag, "error": self.error, "checked_at": self.checked_at}


def replica_configured():
    """A replica of its own: configured, and not the primary under another name (the tests' mirror)."""
    if REPLICA not in settings.DATABASES:
        return False
    primary, replica = connections[PRIMARY].settings_dict, connections[REPLICA].settings_dict
    return any(primary.get(key) != replica.get(key) for key in ("HOST", "PORT", "NAME"))


_lock = threading.Lock()
_last = None


def replica_state(*, fresh=False):
    """The replica's state, checked at most every CHECK_SECONDS in this process (or now: ``fresh``)."""
    global _last
    with _lock:
        if fresh or _last is None or time.time() - _last.checked_at >= CHECK_SECONDS:
            previous, _last = _last, _check()
            if not _last.usable:
                _record_fallback(_last, warn=previous is None or previous.usable)
        return _last


def replica_state_forget():
    """The next read checks the replica afresh (tests; after moving the replica)."""
    global _last
    with _lock:
        _last = None


def _check():
    limit = settings.REPLICA_MAX_LAG_SECONDS
    try:
        if connections[REPLICA].vendor != "postgresql":
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SELECT 1")
            return ReplicaState(usable=True, lag=0.0)
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_lsn = cursor.fetchone()[0]
        recovering, caught_up, lag = _replay(primary_lsn)
        if recovering and not caught_up and (lag is None or lag > limit):
            time.sleep(RECHECK_AFTER_SECONDS)
            recovering, caught_up, lag = _replay(primary_lsn)
            if caught_up:
                lag = RECHECK_AFTER_SECONDS
    except Exception as error:  # whatever the replica does, the reads go on: to the primary
        _close_replica()
        return ReplicaState(usable=False, error=f"{type(error).__name__}: {error}".strip()[:300])
    if not recovering:
        return ReplicaState(usable=False, error="not in recovery: no longer a replica of the primary")
    if caught_up:
        lag = 0.0
    return ReplicaState(usable=lag is not None and lag <= limit, lag=lag)


def _replay(primary_lsn):
    """(in recovery, replayed up to ``primary_lsn``, seconds since the last replayed transaction)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn,"
            " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8",
            [primary_lsn],
        )
        recovering, caught_up, lag = cursor.fetchone()
    return recovering, bool(caught_up), lag


def _close_replica():
    try:
        connections[REPLICA].close()
    except Exception:  # a broken connection may fail to close; it is dropped either way
        log.debug("closing the replica's connection failed", exc_info=True)


def _record_fallback(state, *, warn):
    if warn:
        if state.down:
            log.warning("Read replica unusable (%s): reading from the primary", state.error)
        else:
            log.warning(
                "Read replica lags %s s (limit %s s): reading from the primary",
                "?" if state.lag is None else round(state.lag, 1),
                settings.REPLICA_MAX_LAG_SECONDS,
            )
    try:
        cache.set(FALLBACK_KEY, {**state.as_dict(), "at": timezone.now().isoformat()}, FALLBACK_KEPT_SECONDS)
    except Exception:  # an unreachable cache only loses the status page's note
        log.debug("cache unreachable; the replica's fallback is not recorded", exc_info=True)


def last_fallback():
    """{usable, lag, error, at} of the last time any process passed the replica over, or None."""
    try:
        return cache.get(FALLBACK_KEY)
    except Exception:
        return None


def replica_status():
    """For the system status page: None without a replica of its own, else {usable, message,
    last_fallback}, checked now."""
    if not replica_configured():
        return None
    state = replica_state(fresh=True)
    limit = settings.REPLICA_MAX_LAG_SECONDS
    if state.usable:
        message = _("in use, %(lag)s s behind the primary (limit %(limit)s s)") % {
            "lag": round(state.lag or 0, 1),
            "limit": limit,
        }
    elif state.down or state.lag is None:
        message = _("The replica is unavailable; reading from the primary")
    else:
        message = _("The replica lags %(lag)s s; reading from the primary") % {"lag": round(state.lag)}
    fallback = last_fallback()
    return {
        "usable": state.usable,
        "message": message,
        "last_fallback": datetime.datetime.fromisoformat(fallback["at"]) if fallback else None,
    }


def reading_replica():
    """Whether a read made now goes to the replica."""
    return (
        _wanted.get()
        and replica_configured()
        and not connections[PRIMARY].in_atomic_block
        and replica_state().usable
    )


class ReplicaRouter:
    """settings.DATABASE_ROUTERS when a replica is configured: reads inside ``reads_from_replica()``
    to the replica when usable, everything else to the primary."""

    def db_for_read(self, model, **hints):
        # Named, not None: an object read from the replica would otherwise pull its related rows
        # from the replica outside the block too.
        return REPLICA if reading_replica() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # One database under two names: rows read from either may point at each other.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica takes the primary's schema by streaming; it cannot be written to.
        return db == PRIMARY
