"""The daily beat builds each city's report on the day its policy sets (the 25th by default), once
a day, never over a submitted report; the reports section of the policy also sets the days after
which a project without a progress report is lagging."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from core.jobs import job_run, job_start
from core.models import Job
from org.models import CityPolicy, Region
from reports.models import MonthlyReport, ReportPolicy
from reports.monthly.jobs import MONTHLY_BUILD_JOB, monthly_reports_due
from reports.monthly.services import monthly_report_build, monthly_report_submit
from reports.policy import report_day, stale_progress_days
from tests.reports.monthly_factories import october

pytestmark = pytest.mark.django_db

NOVEMBER_10 = datetime.date(2026, 11, 10)
NOVEMBER_25 = datetime.date(2026, 11, 25)


@pytest.fixture
def other_city(world):
    """测试市, whose policy builds the report on the 10th and calls progress stale after 14 days."""
    city = Region(code="379900", name="测试市", level=Region.Level.CITY, parent=world.city.parent)
    city.path = city.build_path()
    city.save()
    policy = CityPolicy.objects.create(
        city=city, title="测试市老旧小区改造实施方案", document_number="测政发〔2026〕1号",
        effective_from=datetime.date(2026, 1, 1),
    )  # fmt: skip
    ReportPolicy.objects.create(policy=policy, report_day=10, stale_progress_days=14)
    return city


def test_each_city_is_built_on_its_own_day_and_once(world, other_city, monkeypatch):
    assert (report_day(world.city), report_day(other_city)) == (25, 10)
    assert monthly_reports_due(on=NOVEMBER_10) == [other_city.pk]
    assert monthly_reports_due(on=NOVEMBER_10) == []  # the same day again: nothing more
    assert monthly_reports_due(on=datetime.date(2026, 11, 11)) == []
    assert monthly_reports_due(on=NOVEMBER_25) == [world.city.pk]
    assert monthly_reports_due(on=NOVEMBER_25) == []
    jobs = Job.objects.filter(kind=MONTHLY_BUILD_JOB).order_by("pk")
    assert [(j.params, j.created_by) for j in jobs] == [
        ({"city": other_city.pk, "month": "2026-11-01", "day": "2026-11-10"}, None),
        ({"city": world.city.pk, "month": "2026-11-01", "day": "2026-11-25"}, None),
    ]


def test_the_beat_job_builds_the_report_as_nobody(world):
    october(world)
    assert monthly_reports_due(on=datetime.date(2026, 10, 25)) == [world.city.pk]
    job = Job.objects.get(kind=MONTHLY_BUILD_JOB)
    job_run(job_id=job.pk)  # what the worker does with it
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    report = MonthlyReport.objects.get(city=world.city, month=datetime.date(2026, 10, 1))
    assert report.built_by is None and job.result["report"] == report.pk and report.job == job


def test_a_submitted_month_is_left_alone(world):
    october(world)
    month = datetime.date(2026, 10, 1)
    monthly_report_submit(report=monthly_report_build(city=world.city, month=month), user=world["city"])
    assert monthly_reports_due(on=datetime.date(2026, 10, 25)) == []


def test_a_failed_build_says_why_in_chinese(world):
    october(world)
    month = datetime.date(2026, 10, 1)
    monthly_report_submit(report=monthly_report_build(city=world.city, month=month), user=world["city"])
    job = job_start(kind=MONTHLY_BUILD_JOB, user=None, params={"city": world.city.pk, "month": "2026-10-01"})
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert (
        job.message
        == "2026-10的月报已于"
        + f"{timezone.localdate():%Y-%m-%d}"
        + "提交并锁定，须由上级退回重新编制后才能重新生成。"
    )


def test_the_beat_task_is_scheduled_daily():
    from celery import current_app

    from reports.monthly import tasks  # noqa: F401

    entry = settings.CELERY_BEAT_SCHEDULE["build-due-monthly-reports"]
    assert entry["task"] == "reports.monthly.tasks.build_due_monthly_reports"
    assert entry["task"] in current_app.tasks
    assert entry["schedule"].hour == {1}


def test_the_policy_says_after_how_many_days_progress_is_stale(world, other_city):
    assert stale_progress_days(world.city) == 30 and stale_progress_days(other_city) == 14
    assert stale_progress_days(other_city, datetime.date(2025, 12, 31)) == 30  # before the policy


def test_the_policy_page_keeps_the_report_day_with_the_policy(world):
    from org.policy import citypolicy_create, policy_sections

    assert "reports" in [section.key for section in policy_sections()]
    policy = citypolicy_create(
        actor=world["city"], city=world.city, title="淄博市老旧小区改造月报制度", document_number="淄建发〔2026〕3号",
        effective_from=datetime.date(2026, 6, 1), built_before=datetime.date(2005, 12, 31), report_day=20,
        stale_progress_days=45,
    )  # fmt: skip
    assert (policy.reports_section.report_day, policy.reports_section.stale_progress_days) == (20, 45)
    assert report_day(world.city, datetime.date(2026, 6, 1)) == 20
    assert report_day(world.city, datetime.date(2026, 5, 31)) == 25  # before it took effect
    assert stale_progress_days(world.city, datetime.date(2026, 7, 1)) == 45
