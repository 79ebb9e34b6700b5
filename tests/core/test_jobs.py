"""Background jobs: recorded first, run once, polled by pages; a broker outage loses nothing."""

import threading

import pytest
from django.db import transaction

from config.celery import app as celery_app
from core import jobs
from core.models import Job


@pytest.fixture
def eager_tasks(settings):
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def _forget_broker_connections():
    # What Celery itself does after a fork: the next send connects afresh to conf.broker_url.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """A real broker address where nothing listens (a closed port), not a mock."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager, conf.task_publish_retry_policy
    conf.broker_url = "redis://127.0.0.1:9/0"
    conf.task_always_eager = False
    conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
    _forget_broker_connections()
    yield
    conf.broker_url, conf.task_always_eager, conf.task_publish_retry_policy = saved
    _forget_broker_connections()


def test_selfcheck_job_runs_and_records_its_result(world, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(kind="selfcheck", user=world["sysadmin"])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.progress == 100
    assert job.result["cache"] is True
    assert job.result["pdf_bytes"] > 1000


def test_finished_job_delivered_twice_runs_once(world):
    job = Job.objects.create(kind="selfcheck", created_by=world["sysadmin"], status=Job.Status.SUCCEEDED)
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.started_at is None  # untouched


def test_failing_job_is_marked_failed_with_its_message(world):
    @jobs.job_kind("test_fails", "fails")
    def fails(job, report):
        report(40, "half way")
        raise jobs.JobError("磁盘已满")

    job = Job.objects.create(kind="test_fails", created_by=world["sysadmin"])
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "磁盘已满"
    assert job.progress == 40


def test_a_job_that_crashes_says_so_in_chinese_without_the_internals(world, caplog):
    @jobs.job_kind("test_crashes", "crashes")
    def crashes(job, report):
        raise KeyError("internal_column_name")

    job = Job.objects.create(kind="test_crashes", created_by=world["sysadmin"])
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "任务因系统错误中止（详情已记入系统日志），可以重试。"
    assert "internal_column_name" in caplog.text  # the details are in the log, not on the page


def test_unknown_job_kind_is_refused(world):
    with pytest.raises(ValueError):
        jobs.job_start(kind="no_such_kind", user=world["sysadmin"])


def test_job_queued_while_broker_is_down_stays_pending_and_is_sent_later(
    world, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(kind="selfcheck", user=world["sysadmin"])
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert job.dispatched_at is None

    # The broker is back (in-process here): the beat task sends what was left behind.
    celery_app.conf.task_always_eager = True
    assert jobs.jobs_dispatch_pending() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED


def test_progress_fragment_polls_until_the_job_finishes(world, client_for):
    job = Job.objects.create(kind="selfcheck", created_by=world["clerk_a"], progress=30)
    client = client_for("clerk_a")
    running = client.get(f"/jobs/{job.pk}/progress/")
    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert "HX-Trigger" not in running.headers

    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, progress=100)
    finished = client.get(f"/jobs/{job.pk}/progress/")
    assert "every 1s" not in finished.content.decode()
    assert finished.headers["HX-Trigger"] == "jobFinished"


def test_sysadmin_starts_a_selfcheck_from_the_status_page(world, client_for, eager_tasks):
    client = client_for("sysadmin")
    page = client.get("/system/")
    assert page.status_code == 200
    with transaction.atomic():
        response = client.post("/system/selfcheck/")
    job = Job.objects.get(kind="selfcheck")
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()


def test_selfcheck_result_reads_in_chinese_with_units(world, client_for):
    job = Job.objects.create(
        kind="selfcheck",
        created_by=world["sysadmin"],
        status=Job.Status.SUCCEEDED,
        progress=100,
        message="数据库、缓存和 PDF 组件均有响应。",
        result={
            "database": "sqlite",
            "cache": True,
            "pdf_bytes": 222400,
            "pdf_seconds": 8.35,
            "harfbuzz_subset": False,
            "cjk_fonts": ["Noto Sans CJK SC", "Noto Serif CJK SC"],
        },
    )
    body = client_for("sysadmin").get(job.get_absolute_url()).content.decode()
    for raw in ("pdf_bytes", "pdf_seconds", "harfbuzz_subset", "cjk_fonts", "True", "False", "['"):
        assert raw not in body
    for shown in ("SQLite", "缓存可用", "217 KB", "8.3 秒", "Noto Sans CJK SC、Noto Serif CJK SC"):
        assert shown in body
    assert body.count("已完成") == 1  # the status once, not "已完成 完成"


def test_a_job_of_a_kind_that_describes_nothing_shows_no_raw_keys(world, client_for):
    job = Job.objects.create(
        kind="import_check", created_by=world["sysadmin"], status=Job.Status.SUCCEEDED, result={"total": 3}
    )
    assert "total" not in client_for("sysadmin").get(job.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_in_process_a_slow_job_runs_in_a_thread_and_the_page_answers_at_once(settings, eager_tasks):
    from tests.factories import load_world

    world = load_world()
    settings.JOBS_IN_THREAD = True
    release = threading.Event()

    @jobs.job_kind("test_waits", "waits", thread_in_process=True)
    def waits(job, report):
        report(50, "half way")
        if not release.wait(10):
            raise RuntimeError("never released")
        return {}

    job = jobs.job_start(kind="test_waits", user=world["sysadmin"])  # autocommit: dispatched at once
    job.refresh_from_db()
    assert job.status in (Job.Status.PENDING, Job.Status.RUNNING)  # the caller did not wait for it
    release.set()
    for thread in threading.enumerate():
        if thread.name == f"job-{job.pk}":
            thread.join(10)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
