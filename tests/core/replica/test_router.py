"""ReplicaRouter and reads_from_replica() on their own: where a read or a write goes, whatever the
database (the replica's state is given, not measured; tests against the real replica are in
test_streaming.py)."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connections, transaction

from core import replica
from core.replica import ReplicaRouter, ReplicaState, reading_replica, reads_from_replica

router = ReplicaRouter()


@pytest.fixture
def replica_up(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "replica_state", lambda **kwargs: ReplicaState(usable=True, lag=0.0))


def test_reads_outside_the_block_go_to_the_primary(replica_up):
    assert router.db_for_read(Group) == "default"


def test_reads_inside_the_block_go_to_a_usable_replica(replica_up):
    with reads_from_replica():
        assert router.db_for_read(Group) == "replica"
    assert router.db_for_read(Group) == "default"


def test_writes_go_to_the_primary_inside_the_block_too(replica_up):
    with reads_from_replica():
        assert router.db_for_write(Group) == "default"
        assert router.db_for_write(Group, instance=Group(name="x")) == "default"


@pytest.mark.parametrize(
    "state",
    [
        ReplicaState(usable=False, error="OperationalError: connection refused"),
        ReplicaState(usable=False, lag=95.0),
    ],
    ids=["down", "lagging"],
)
def test_a_replica_down_or_lagging_is_passed_over_for_the_primary(monkeypatch, state):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "replica_state", lambda **kwargs: state)
    with reads_from_replica():
        assert router.db_for_read(Group) == "default"


def test_without_a_replica_of_its_own_reads_stay_on_the_primary(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: False)
    with reads_from_replica():
        assert not reading_replica()
        assert router.db_for_read(Group) == "default"


def test_reads_inside_a_transaction_on_the_primary_stay_there(replica_up, db):
    # The test's own transaction is open (db), as a service's atomic() would be: its writes are
    # only on the primary, and a read in the block must see them.
    assert connections["default"].in_atomic_block
    with transaction.atomic(), reads_from_replica():
        assert router.db_for_read(Group) == "default"


def test_the_block_is_a_decorator_too(replica_up):
    @reads_from_replica()
    def where():
        return router.db_for_read(Group)

    assert where() == "replica"
    assert where() == "replica"  # used again: a fresh block each call
    assert router.db_for_read(Group) == "default"


def test_blocks_nest(replica_up):
    with reads_from_replica():
        with reads_from_replica():
            assert router.db_for_read(Group) == "replica"
        assert router.db_for_read(Group) == "replica"
    assert router.db_for_read(Group) == "default"


def test_each_thread_has_its_own_switch(replica_up):
    inside, outside = threading.Barrier(2), {}

    def reader_in_block():
        with reads_from_replica():
            inside.wait(timeout=5)
            outside["in block"] = router.db_for_read(Group)
            inside.wait(timeout=5)

    def reader_outside():
        inside.wait(timeout=5)  # the other thread is inside its block now
        outside["elsewhere"] = router.db_for_read(Group)
        inside.wait(timeout=5)

    threads = [threading.Thread(target=reader_in_block), threading.Thread(target=reader_outside)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert outside == {"in block": "replica", "elsewhere": "default"}


def test_a_thread_started_inside_the_block_reads_the_primary(replica_up):
    seen = []
    with reads_from_replica():
        thread = threading.Thread(target=lambda: seen.append(router.db_for_read(Group)))
        thread.start()
        thread.join(timeout=5)
    assert seen == ["default"]


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "projects") is True
    assert router.allow_migrate("replica", "projects") is False


def test_rows_read_from_either_name_may_point_at_each_other():
    read_there, read_here = Group(name="a"), Group(name="b")
    read_there._state.db, read_here._state.db = "replica", "default"
    assert router.allow_relation(read_there, read_here) is True
