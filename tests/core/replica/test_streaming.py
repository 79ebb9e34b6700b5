"""Against the real streaming replica (CI: scripts/ci/replica.sh): committed writes on the primary
are read from the replica inside reads_from_replica(); the monthly report, the dashboard and the
exports read there and write on the primary; a replica that lags or is down is passed over for the
primary, with a warning in the log and on the system status page.

Which side answered is shown by the replica's own query log, and by a value only one side holds:
the replica's replay is paused, the primary changes a row, and the block still reads the old one."""

import socket
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from django.test.utils import CaptureQueriesContext

from core import replica
from core.models import AuditEntry
from core.replica import reads_from_replica
from reports.models import MonthlyReport
from reports.monthly.services import monthly_report_build
from tests.factories import compound_in
from tests.reports.monthly_factories import MONTH, another_started_project, october

from .conftest import BOTH, point_replica, replay_paused, replayed

pytestmark = pytest.mark.django_db(transaction=True, databases=BOTH)


def read_tables(queries):
    return [query["sql"] for query in queries if "pg_" not in query["sql"]]


def test_a_committed_write_on_the_primary_is_read_from_the_replica(real_replica):
    group = Group.objects.create(name="副本可见")
    replayed()
    with reads_from_replica(), CaptureQueriesContext(real_replica) as there:
        found = Group.objects.get(name="副本可见")
    assert found.pk == group.pk
    assert found._state.db == "replica"
    assert any('"auth_group"' in sql for sql in read_tables(there))


def test_the_block_reads_the_replicas_older_row_while_its_replay_is_paused(real_replica):
    group = Group.objects.create(name="暂停前")
    with replay_paused():
        Group.objects.filter(pk=group.pk).update(name="暂停后")
        with reads_from_replica():
            assert Group.objects.get(pk=group.pk).name == "暂停前"
        assert Group.objects.get(pk=group.pk).name == "暂停后"  # outside the block: the primary
    replayed()
    with reads_from_replica():
        assert Group.objects.get(pk=group.pk).name == "暂停后"


def test_a_row_read_from_the_replica_and_saved_is_saved_on_the_primary(real_replica):
    group = Group.objects.create(name="读自副本")
    replayed()
    with reads_from_replica():
        found = Group.objects.get(pk=group.pk)
        assert found._state.db == "replica"
        found.name = "存到主库"
        found.save()
    assert found._state.db == "default"
    assert Group.objects.using("default").get(pk=group.pk).name == "存到主库"


def test_inside_a_transaction_the_block_reads_the_transactions_own_writes(real_replica):
    from django.db import transaction

    with transaction.atomic():
        Group.objects.create(name="事务内")
        with reads_from_replica():
            assert Group.objects.filter(name="事务内").exists()


def test_the_monthly_report_reads_its_figures_from_the_replica_and_is_saved_on_the_primary(
    real_replica, world
):
    october(world)
    with replay_paused():
        # A project the primary has and the paused replica has not.
        another_started_project(world)
        default = connections["default"]
        with CaptureQueriesContext(real_replica) as there, CaptureQueriesContext(default) as here:
            built = monthly_report_build(city=world.city, month=MONTH)
    assert len(read_tables(there)) >= 5  # the progress, the ranking, the lagging projects
    assert any('INSERT INTO "reports_monthlyreport"' in query["sql"] for query in here)
    assert not any("INSERT" in sql for sql in read_tables(there))
    assert MonthlyReport.objects.using("default").filter(pk=built.pk, version=1).exists()
    # Built again once the replica has the project: its figures change.
    replayed()
    rebuilt = monthly_report_build(city=world.city, month=MONTH)
    assert rebuilt.version == 2
    assert rebuilt.changes


def test_the_dashboard_and_its_export_read_from_the_replica(real_replica, world, client_for):
    october(world)
    client = client_for("city")
    replayed()
    with CaptureQueriesContext(real_replica) as there:
        assert client.get("/dashboard/").status_code == 200
    assert len(read_tables(there)) >= 10
    with CaptureQueriesContext(real_replica) as there:
        response = client.get("/dashboard/export.xlsx")
    assert response.status_code == 200
    assert len(read_tables(there)) >= 10
    assert AuditEntry.objects.using("default").filter(action=AuditEntry.Action.EXPORT).exists()


def test_the_compound_list_exports_what_the_replica_holds(real_replica, world, client_for):
    client = client_for("city")
    compound_in(world.community_a, name="复制前小区")
    with replay_paused():
        compound_in(world.community_a, name="暂停后小区")
        exported = client.get("/projects/compounds/", {"export": "csv"})
        page = client.get("/projects/compounds/")
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    assert "复制前小区" in text
    assert "暂停后小区" not in text  # the export read the paused replica
    assert "暂停后小区" in page.content.decode()  # the page reads the primary


def test_the_funding_ledger_export_reads_from_the_replica(real_replica, world, client_for):
    client = client_for("finance")
    replayed()
    with CaptureQueriesContext(real_replica) as there:
        response = client.get("/funding/ledger/", {"export": "xlsx"})
    assert response.status_code == 200
    assert read_tables(there)


def test_a_lagging_replica_is_passed_over_with_a_warning_on_the_status_page(
    real_replica, client_for, settings, caplog
):
    admin = client_for("sysadmin")
    settings.REPLICA_MAX_LAG_SECONDS = 1
    group = Group.objects.create(name="延迟前")
    with replay_paused():
        Group.objects.filter(pk=group.pk).update(name="延迟后")
        time.sleep(1.5)
        replica.replica_state_forget()
        with reads_from_replica(), CaptureQueriesContext(real_replica) as there:
            found = Group.objects.get(pk=group.pk)
        assert (found.name, found._state.db) == ("延迟后", "default")
        assert not read_tables(there)
        status = admin.get("/system/").content.decode()
        assert "副本库延迟" in status and "已改读主库" in status
        assert "上次改读主库" in status
    assert "Read replica lags" in caplog.text
    # Caught up again: the next check sends the block's reads back to the replica.
    replayed()
    replica.replica_state_forget()
    with reads_from_replica():
        assert Group.objects.get(pk=group.pk)._state.db == "replica"
    assert "在用" in admin.get("/system/").content.decode()


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])  # free, and closed once the probe is


def test_a_replica_down_is_passed_over_with_a_warning_on_the_status_page(real_replica, client_for, caplog):
    admin = client_for("sysadmin")
    group = Group.objects.create(name="副本停机")
    point_replica(PORT=closed_port())
    with reads_from_replica():
        found = Group.objects.get(pk=group.pk)
    assert found._state.db == "default"
    assert "Read replica unusable" in caplog.text
    status = admin.get("/system/").content.decode()
    assert "副本库不可用，已改读主库" in status
    assert "上次改读主库" in status


def test_the_status_page_shows_the_replica_in_use(real_replica, client_for):
    status = client_for("sysadmin").get("/system/").content.decode()
    assert "在用，落后主库" in status
    assert "已改读主库" not in status
