"""The monthly report as a locked snapshot: built from the real progress, frozen, versioned with
what changed, submitted (locked, its files kept) and reopened by a superior only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from projects.models import ProgressReport
from reports.models import MonthlyReport
from reports.monthly.services import (
    data_version,
    monthly_report_build,
    monthly_report_reopen,
    monthly_report_submit,
)
from reports.monthly.table import table_of
from reports.progress import progress
from tests.reports.monthly_factories import MONTH, SEPTEMBER, another_started_project, october

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(world):
    october(world)
    return world.city


def row(report, name):
    return next(r for r in table_of(report.numbers).rows if r.name == name)


def test_a_report_freezes_the_progress_of_its_month_as_of_its_last_day(world, city):
    report = monthly_report_build(city=city, month=datetime.date(2026, 10, 17), user=world["city"])
    assert report.month == MONTH and report.version == 1 and report.is_current
    assert report.status == MonthlyReport.Status.DRAFT
    assert report.as_of == datetime.date(2026, 10, 31)
    expected = progress(city=city, year=2026, as_of=datetime.date(2026, 10, 31)).to_dict()
    assert report.numbers["progress"] == expected
    zhangdian = next(f for f in report.numbers["progress"]["rows"] if f["region_name"] == "张店区")
    assert zhangdian["started_compounds"] == 2 and zhangdian["started_households"] == 200
    assert zhangdian["completed_investment"] == "600000.00"
    assert report.data_version.startswith("A") and len(report.data_version.split("-")[1]) == 12
    assert report.built_by == world["city"]


def test_the_data_version_names_the_last_audit_entry_and_a_digest_of_the_numbers(world, city):
    report = monthly_report_build(city=city, month=MONTH)
    mark, digest = report.data_version[1:].split("-")
    assert int(mark) >= 0 and digest == data_version(report.numbers).split("-")[1]


def test_building_a_month_again_keeps_one_current_version_and_says_what_changed(world, city):
    first = monthly_report_build(city=city, month=MONTH, user=world["city"])
    same = monthly_report_build(city=city, month=MONTH, user=world["city"])
    assert same.pk == first.pk  # nothing changed: the current version stands

    another_started_project(world)
    second = monthly_report_build(city=city, month=MONTH, user=world["city"])
    first.refresh_from_db()
    assert (second.version, second.is_current, first.is_current) == (2, True, False)
    assert MonthlyReport.objects.filter(city=city, month=MONTH, is_current=True).get() == second
    changed = {(c["row"], c["column"]): (c["before"], c["after"]) for c in second.changes}
    assert changed[("张店区", "开工数（个）")] == ("2", "3")
    assert changed[("张店区", "惠及户数（户）")] == ("200", "250")
    assert changed[("合计", "开工数（个）")] == ("2", "3")
    assert ("淄川区", "开工数（个）") not in changed
    assert first.numbers != second.numbers


def test_a_submitted_report_stays_the_same_when_the_data_changes(world, city):
    report = monthly_report_build(city=city, month=MONTH, user=world["city"])
    report = monthly_report_submit(report=report, user=world["city"])
    numbers, version = report.numbers, report.data_version
    xlsx, pdf = report.xlsx_file.read(), report.pdf_file.read()
    assert xlsx.startswith(b"PK") and pdf.startswith(b"%PDF")

    another_started_project(world)
    ProgressReport.objects.update(investment_to_date=Decimal("900000.00"))
    assert progress(city=city, year=2026, as_of=report.as_of).to_dict() != numbers

    with pytest.raises(ValidationError) as refused:
        monthly_report_build(city=city, month=MONTH, user=world["city"])
    assert refused.value.messages == [
        "2026-10的月报已于"
        + f"{timezone.localdate():%Y-%m-%d}"
        + "提交并锁定，须由上级退回重新编制后才能重新生成。"
    ]
    report = MonthlyReport.objects.get(pk=report.pk)
    assert (report.numbers, report.data_version, report.status) == (numbers, version, "submitted")
    assert report.xlsx_file.read() == xlsx and report.pdf_file.read() == pdf
    assert MonthlyReport.objects.filter(city=city, month=MONTH).count() == 1


def test_a_report_is_submitted_once_and_only_by_city_staff(world, city):
    report = monthly_report_build(city=city, month=MONTH, user=world["city"])
    for persona in ("district", "leader", "sysadmin"):
        with pytest.raises(PermissionDenied):
            monthly_report_submit(report=report, user=world[persona])
    submitted = monthly_report_submit(report=report, user=world["city"])
    again = monthly_report_submit(report=report, user=world["city"])
    assert again.submitted_at == submitted.submitted_at


def test_only_the_superior_role_reopens_with_a_reason_and_the_month_can_then_be_rebuilt(world, city):
    report = monthly_report_submit(report=monthly_report_build(city=city, month=MONTH), user=world["city"])
    for persona in ("city", "district", "leader", "auditor"):
        with pytest.raises(PermissionDenied):
            monthly_report_reopen(report=report, user=world[persona], reason="数据有误")
    with pytest.raises(ValidationError):
        monthly_report_reopen(report=report, user=world["sysadmin"], reason="  ")
    reopened = monthly_report_reopen(report=report, user=world["sysadmin"], reason="张店区开工数漏报")
    assert (reopened.status, reopened.reopen_reason, reopened.reopened_by) == (
        "draft",
        "张店区开工数漏报",
        world["sysadmin"],
    )
    assert not reopened.xlsx_file and not reopened.pdf_file

    another_started_project(world)
    rebuilt = monthly_report_build(city=city, month=MONTH, user=world["city"])
    assert rebuilt.version == 2 and rebuilt.changes


def test_a_report_is_compared_with_the_current_report_of_the_month_before(world, city):
    september = monthly_report_build(city=city, month=SEPTEMBER, user=world["city"])
    october = monthly_report_build(city=city, month=MONTH, user=world["city"])
    previous = october.numbers["previous"]
    assert previous["report_id"] == september.pk and previous["month"] == "2026-09-01"
    from reports.monthly.table import month_change

    change = {
        c.name: {col.key: diff for col, _now, _then, diff in c.values} for c in month_change(october.numbers)
    }
    assert change["张店区"]["started_compounds"] == 2  # nothing had started by 30 September
    assert change["张店区"]["completed_investment"] == Decimal("60.00")  # 万元
    assert change["合计"]["started_households"] == 200
    assert change["淄川区"]["started_compounds"] == 0


def test_a_month_not_yet_begun_cannot_be_built(world, city):
    with pytest.raises(ValidationError):
        monthly_report_build(city=city, month=datetime.date(2099, 1, 1))


def test_who_may_not_build_is_refused(world, city):
    for persona in ("district", "leader", "clerk_a", "sysadmin"):
        with pytest.raises(PermissionDenied):
            monthly_report_build(city=city, month=MONTH, user=world[persona])


@pytest.mark.django_db(transaction=True)
def test_the_build_reports_its_progress_outside_its_transaction(world, city):
    """The progress bar is written while the numbers are read, not inside the build's transaction
    (invisible to the page until the end; on SQLite a thread's read lock then fails to upgrade)."""
    from django.db import connection

    seen = []
    monthly_report_build(
        city=city, month=MONTH, report=lambda percent, message="": seen.append(connection.in_atomic_block)
    )
    assert seen and not any(seen)
