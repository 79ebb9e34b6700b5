"""Builds of one month at the same moment (PostgreSQL, threads behind a barrier): one current
version whatever the interleaving, and no version made twice for the same figures."""

import threading

from django.db import connection

from org.models import Region, User
from reports.models import MonthlyReport
from reports.monthly.services import monthly_report_build
from tests.reports.monthly_factories import MONTH, another_started_project, october

THREADS = 6


def at_once(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # reported, not lost in the thread
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_builds_at_the_same_moment_leave_one_current_version(world, needs_postgresql, transactional_db):
    october(world)
    first = monthly_report_build(city=world.city, month=MONTH, user=world["city"])
    another_started_project(world)

    def build():
        user = User.objects.get(pk=world["city"].pk)
        return monthly_report_build(city=Region.objects.get(pk=world.city.pk), month=MONTH, user=user).pk

    outcomes = at_once([build] * THREADS)
    versions = MonthlyReport.objects.filter(city=world.city, month=MONTH).order_by("version")
    assert [(r.version, r.is_current) for r in versions] == [(1, False), (2, True)]
    second = versions.last()
    assert outcomes == [second.pk] * THREADS  # the first made version 2; the others found it
    assert second.changes and first.pk != second.pk
