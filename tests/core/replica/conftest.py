"""The replica's tests: the "replica" alias pointed at the real streaming replica (CI:
scripts/ci/replica.sh, port 5433) instead of the suite's mirror of the primary.

The replica holds a copy of the whole primary cluster, so the test database Django creates on the
primary (test_<name>) is there too, streamed; a test writes on the primary, commits
(transactional_db) and waits until the replica has replayed the write. Only the test's own thread
reads the real replica.
"""

import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections

from core import replica
from tests.conftest import REPLICA_SERVER, require_service

# The databases the tests use (without a replica, they skip: needs_replica).
BOTH = ["default", "replica"] if "replica" in settings.DATABASES else ["default"]


@pytest.fixture
def needs_replica(needs_postgresql):
    require_service(
        "replica" in settings.DATABASES,
        'needs a streaming replica: eval "$(scripts/ci/replica.sh)" sets DATABASE_REPLICA_URL',
    )


def point_replica(**server):
    """Point this thread's "replica" alias at ``server`` (HOST, PORT, …), at the test database's
    name: the suite's mirror on the primary (tests/conftest.py) is left as it is for other threads."""
    alias = connections["replica"]
    alias.close()
    alias.settings_dict = {**alias.settings_dict, **server}
    replica.replica_state_forget()


@pytest.fixture
def real_replica(needs_replica, transactional_db):
    """The alias on the real replica (DATABASE_REPLICA_URL); afterwards the suite's mirror again,
    and the replica replaying."""
    alias = connections["replica"]
    mirror = alias.settings_dict
    point_replica(**REPLICA_SERVER)
    cache.delete(replica.FALLBACK_KEY)
    try:
        require_service(replica.replica_state(fresh=True).usable, "the replica does not answer or lags")
        yield alias
    finally:
        point_replica(**REPLICA_SERVER)  # back from a closed port (the test of a replica down)
        try:
            on_replica("SELECT pg_wal_replay_resume()")
        finally:
            alias.close()
            alias.settings_dict = mirror
            replica.replica_state_forget()
            cache.delete(replica.FALLBACK_KEY)


def on_replica(sql, params=()):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def primary_lsn():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def replayed(timeout=15):
    """Wait until the replica has replayed everything the primary has written so far."""
    lsn = primary_lsn()
    deadline = time.monotonic() + timeout
    while not on_replica("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0]:
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not replay up to {lsn} in {timeout} s")
        time.sleep(0.02)


@contextmanager
def replay_paused():
    """The replica stops replaying (it still receives): what the primary writes now is not there."""
    replayed()
    on_replica("SELECT pg_wal_replay_pause()")
    deadline = time.monotonic() + 10
    while on_replica("SELECT pg_get_wal_replay_pause_state()")[0] != "paused":
        assert time.monotonic() < deadline, "replay did not pause"
        time.sleep(0.02)
    try:
        yield
    finally:
        on_replica("SELECT pg_wal_replay_resume()")
