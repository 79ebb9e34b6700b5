"""The monthly report's pages: city staff build (a job with its progress), submit and download; the
system administrator sends a submitted report back with a reason; district staff and leaders read
without buttons; street clerks are refused. The list costs the same with one month or twenty."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.jobs import job_run
from core.models import Job
from reports.models import MonthlyReport
from reports.monthly.jobs import MONTHLY_BUILD_JOB
from reports.monthly.services import monthly_report_build, monthly_report_submit
from tests.reports.monthly_factories import (
    MONTH,
    SEPTEMBER,
    another_started_project,
    monthly_report_in,
    october,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(world):
    october(world)
    return world.city


def test_city_staff_build_a_month_from_the_list_and_watch_its_job(world, city, client_for):
    client = client_for("city")
    page = client.get("/reports/monthly/").content.decode()
    assert "生成月报" in page and 'type="month"' in page
    response = client.post("/reports/monthly/build/", {"month": "2026-10"})
    job = Job.objects.get(kind=MONTHLY_BUILD_JOB)
    assert response.status_code == 302 and response["Location"] == f"/reports/monthly/?city={city.pk}"
    assert job.params == {"city": city.pk, "month": "2026-10-01"} and job.created_by == world["city"]
    page = client.get(response["Location"]).content.decode()
    assert f'id="monthly-job-{job.pk}"' in page and "正在生成2026-10的月报" in page
    job_run(job_id=job.pk)
    report = MonthlyReport.objects.get(city=city, month=MONTH)
    assert report.built_by == world["city"] and report.job_id == job.pk
    page = client.get("/reports/monthly/").content.decode()
    assert "2026-10" in page and "草稿" in page


def test_building_again_shows_the_running_job_on_the_month_page(world, city, client_for):
    report = monthly_report_build(city=city, month=MONTH, user=world["city"])
    client = client_for("city")
    response = client.post("/reports/monthly/build/", {"month": "2026-10", "city": city.pk})
    assert response["Location"] == report.get_absolute_url()
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'id="monthly-job"' in page and "hx-get" in page
    again = client.post("/reports/monthly/build/", {"month": "2026-10"})  # a second click: the same job
    assert again.status_code == 302 and Job.objects.filter(kind=MONTHLY_BUILD_JOB).count() == 1


def test_a_locked_month_is_refused_with_the_reason(world, city, client_for):
    monthly_report_submit(report=monthly_report_build(city=city, month=MONTH), user=world["city"])
    response = client_for("city").post("/reports/monthly/build/", {"month": "2026-10"})
    assert response.status_code == 200
    assert "已提交并锁定，须退回重新编制后才能重新生成" in response.content.decode()
    assert not Job.objects.filter(kind=MONTHLY_BUILD_JOB).exists()


def test_a_future_or_missing_month_is_refused(world, city, client_for):
    client = client_for("city")
    assert "月份尚未开始" in client.post("/reports/monthly/build/", {"month": "2099-01"}).content.decode()
    assert "月份：" in client.post("/reports/monthly/build/", {"month": "十月"}).content.decode()


def test_the_month_page_shows_the_table_change_ranking_lagging_and_versions(world, city, client_for):
    monthly_report_build(city=city, month=SEPTEMBER, user=world["city"])
    first = monthly_report_build(city=city, month=MONTH, user=world["city"])
    another_started_project(world)
    second = monthly_report_build(city=city, month=MONTH, user=world["city"])
    page = client_for("city").get(second.get_absolute_url()).content.decode()
    for text in ("分区县进度", "年度任务", "开工率（%）", "惠及户数（户）", "完成投资（万元）", "合计", "较上月变化",
                 "区县排名", "末位", "滞后项目", "版本", "填报单位"):  # fmt: skip
        assert text in page, text
    assert "与上一版本相比有" in page and "开工数（个）" in page  # what version 2 changed
    assert first.get_absolute_url() in page
    old = client_for("city").get(first.get_absolute_url()).content.decode()
    assert "旧版本" in old and 'id="monthly-submit"' not in old


def test_city_staff_submit_and_the_report_locks(world, city, client_for):
    report = monthly_report_build(city=city, month=MONTH, user=world["city"])
    client = client_for("city")
    assert 'id="monthly-submit"' in client.get(report.get_absolute_url()).content.decode()
    response = client.post(f"/reports/monthly/{report.pk}/submit/")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_submitted and report.submitted_by == world["city"]
    page = client.get(report.get_absolute_url()).content.decode()
    assert (
        'id="monthly-locked"' in page
        and 'id="monthly-submit"' not in page
        and 'id="monthly-rebuild"' not in page
    )
    assert client.post(f"/reports/monthly/{report.pk}/submit/").status_code == 302  # again: nothing changes


def test_only_the_system_administrator_sends_a_report_back_with_a_reason(world, city, client_for):
    report = monthly_report_submit(report=monthly_report_build(city=city, month=MONTH), user=world["city"])
    assert 'id="monthly-reopen"' not in client_for("city").get(report.get_absolute_url()).content.decode()
    client = client_for("sysadmin")
    assert 'id="monthly-reopen"' in client.get(report.get_absolute_url()).content.decode()
    empty = client.post(f"/reports/monthly/{report.pk}/reopen/", {"reason": ""})
    assert empty.status_code == 200 and "这个字段是必填项" in empty.content.decode()
    report.refresh_from_db()
    assert report.is_submitted
    done = client.post(f"/reports/monthly/{report.pk}/reopen/", {"reason": "淄川区开工数漏报"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == "draft" and report.reopen_reason == "淄川区开工数漏报"
    assert "淄川区开工数漏报" in client_for("city").get(report.get_absolute_url()).content.decode()


def test_district_staff_and_leaders_read_without_buttons_and_clerks_are_refused(world, city, client_for):
    report = monthly_report_build(city=city, month=MONTH, user=world["city"])
    for persona in ("district", "leader", "auditor", "finance"):
        page = client_for(persona).get(report.get_absolute_url())
        assert page.status_code == 200, persona
        html = page.content.decode()
        assert "monthly-submit" not in html and "monthly-rebuild" not in html and "monthly-build" not in html
        assert 'id="monthly-xlsx"' in html
    for persona in ("clerk_a", "clerk_b"):
        assert client_for(persona).get(report.get_absolute_url()).status_code == 403
        assert client_for(persona).get("/reports/monthly/").status_code == 403


def test_the_menu_offers_the_monthly_reports_to_who_reads_them(world, client_for):
    assert "/reports/monthly/" in client_for("leader").get("/").content.decode()
    assert "/reports/monthly/" not in client_for("clerk_a").get("/").content.decode()


def test_the_list_runs_the_same_queries_with_one_month_or_twenty(world, client_for):
    client = client_for("city")
    monthly_report_in(world.city, month=datetime.date(2025, 1, 1))
    client.get("/reports/monthly/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/reports/monthly/").status_code == 200
    for index in range(19):
        year, month = divmod(index + 1, 12)
        monthly_report_in(world.city, month=datetime.date(2025 + year, month + 1, 1))
    with CaptureQueriesContext(connection) as twenty:
        page = client.get("/reports/monthly/").content.decode()
    assert page.count('href="/reports/monthly/') >= 20
    assert len(twenty) == len(one)


def test_a_lagging_project_links_only_for_who_may_open_it(world, city, client_for):
    from org.models import Region
    from projects.models import Project
    from tests.factories import compound_in, project_in

    zichuan = Region.objects.filter(
        path__startswith=world.district_b.path, level=Region.Level.COMMUNITY
    ).first()
    overdue = datetime.date(2026, 9, 30)
    ours = project_in(compound_in(world.community_b), plan_year=2026, name="公园社区滞后项目")
    theirs = project_in(compound_in(zichuan), plan_year=2026, name="淄川滞后项目")
    Project.objects.filter(pk__in=[ours.pk, theirs.pk]).update(next_milestone="design", next_due_on=overdue)
    report = monthly_report_build(city=city, month=MONTH, user=world["city"])
    assert {row["name"] for row in report.numbers["lagging"]} >= {"公园社区滞后项目", "淄川滞后项目"}

    district = client_for("district").get(report.get_absolute_url()).content.decode()
    assert f'href="{ours.get_absolute_url()}"' in district
    assert "淄川滞后项目" in district and f'href="{theirs.get_absolute_url()}"' not in district
    city_page = client_for("city").get(report.get_absolute_url()).content.decode()
    assert f'href="{theirs.get_absolute_url()}"' in city_page
