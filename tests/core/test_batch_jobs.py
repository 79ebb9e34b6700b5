"""Batch jobs: items recorded once, done once, fanned out in chunks; failures in Chinese; retry."""

import threading
from collections import Counter

import pytest
from django.db import DatabaseError, connection, transaction

from config.celery import app as celery_app
from core import jobs
from core.job_kinds import batch_job_kind
from core.models import Job, JobItem
from tests.core.fault_kinds import RECORDED_BATCH, executions, recorded_results


@pytest.fixture
def eager_tasks():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def start(world, eager_tasks, tmp_path, django_capture_on_commit_callbacks):
    """start(keys, **params) → the finished (or stuck) batch job, run in-process."""

    def run(keys, **params):
        params = {"keys": keys, "log": str(tmp_path / "runs.log"), "fixed": str(tmp_path / "fixed"), **params}
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.job_start(kind=RECORDED_BATCH, user=world["clerk_a"], params=params)
        job.refresh_from_db()
        return job

    return run


def test_a_batch_does_every_item_once_and_ends_at_100_percent(start):
    keys = [str(n) for n in range(1, 8)]
    job = start(keys)
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.progress == 100
    assert job.items_total == 7
    assert job.result == {"total": 7, "done": 7, "failed": 0}
    assert job.message == "已完成 7 / 7 项"
    assert recorded_results(job) == dict.fromkeys(keys, 1)
    assert sorted(executions(job)) == sorted(keys)


def test_a_batch_goes_out_in_chunks_of_its_kinds_size(start, monkeypatch):
    sent = []
    original = jobs._chunk_send
    monkeypatch.setattr(jobs, "_chunk_send", lambda job_id, keys: sent.append(keys) or original(job_id, keys))
    start([str(n) for n in range(1, 8)])
    assert sent == [["1", "2", "3"], ["4", "5", "6"], ["7"]]


def test_a_chunk_delivered_again_reruns_nothing_that_is_done(start):
    job = start(["a", "b", "c"])
    jobs.job_items_run(job_id=job.pk, keys=["a", "b", "c"])
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)  # as if delivered before it finished
    jobs.job_items_run(job_id=job.pk, keys=["a", "b", "c"])
    assert Counter(executions(job)) == {"a": 1, "b": 1, "c": 1}
    assert JobItem.objects.filter(job=job).values_list("attempts", flat=True).distinct().get() == 1


def test_the_same_key_twice_in_a_batch_is_one_item(start):
    job = start(["a", "a", "b"])
    assert job.items_total == 2
    assert recorded_results(job) == {"a": 1, "b": 1}


def test_an_empty_batch_succeeds_at_once(start):
    job = start([])
    assert job.status == Job.Status.SUCCEEDED
    assert job.progress == 100


def test_a_failed_item_fails_the_job_in_chinese_and_the_others_are_done(start, caplog):
    job = start(["1", "2", "3", "4"], fail=["3"])
    assert job.status == Job.Status.FAILED
    assert (
        job.message
        == "共 4 项，1 项失败。首个失败：第 3 项：任务因系统错误中止（详情已记入系统日志），可以重试。"
    )
    assert "internal detail of 3" in caplog.text
    assert job.progress == 75
    assert recorded_results(job) == {"1": 1, "2": 1, "4": 1}
    assert jobs.job_failed_items(job) == (
        [("第 3 项", "任务因系统错误中止（详情已记入系统日志），可以重试。")],
        0,
    )


def test_a_user_facing_error_of_an_item_is_shown_as_it_is(start):
    job = start(["7"], fail=["7"], fail_as="validation")
    assert job.message == "共 1 项，1 项失败。首个失败：第 7 项：第 7 行缺少门牌号。"


def test_retrying_a_batch_reruns_only_its_failed_items(
    start, client_for, tmp_path, django_capture_on_commit_callbacks
):
    job = start(["1", "2", "3", "4"], fail=["2", "3"])
    assert job.status == Job.Status.FAILED
    page = client_for("clerk_a").get(job.get_absolute_url()).content.decode()
    assert "失败的项" in page and "第 2 项" in page and "第 3 项" in page and "重试" in page

    (tmp_path / "fixed").touch()  # whatever made them fail is mended
    with django_capture_on_commit_callbacks(execute=True):  # the view queues the job on commit
        response = client_for("clerk_a").post(f"/jobs/{job.pk}/retry/")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.progress == 100
    assert recorded_results(job) == dict.fromkeys(["1", "2", "3", "4"], 1)
    assert Counter(executions(job)) == {"1": 1, "2": 2, "3": 2, "4": 1}


def test_retrying_a_job_that_has_not_failed_changes_nothing(start, client_for):
    job = start(["1"])
    before = Job.objects.filter(pk=job.pk).values().get()
    response = client_for("clerk_a").post(f"/jobs/{job.pk}/retry/")
    assert response.status_code == 302
    assert Job.objects.filter(pk=job.pk).values().get() == before
    assert "重试" not in client_for("clerk_a").get(job.get_absolute_url()).content.decode()


def test_only_whoever_sees_the_job_may_retry_it(start, client_for):
    job = start(["1"], fail=["1"])
    assert client_for("clerk_b").post(f"/jobs/{job.pk}/retry/").status_code == 404
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


def test_a_plain_job_that_failed_can_be_retried(world, eager_tasks, django_capture_on_commit_callbacks):
    state = {"broken": True}

    @jobs.job_kind("test_flaky", "flaky")
    def flaky(job, report):
        if state["broken"]:
            raise OSError("disk")
        return {"ok": True}

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(kind="test_flaky", user=world["clerk_a"])
    job.refresh_from_db()
    assert job.message == "任务因系统错误中止（详情已记入系统日志），可以重试。"
    state["broken"] = False
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_retry(job=job, user=world["clerk_a"])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"ok": True}


def test_a_batch_whose_items_cannot_be_listed_fails_and_says_why(world, eager_tasks):
    job = Job.objects.create(kind=RECORDED_BATCH, created_by=world["clerk_a"], params={})  # no "keys"
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "任务因系统错误中止（详情已记入系统日志），可以重试。"


def test_an_item_that_keeps_killing_its_worker_is_failed_instead_of_run_again(world, tmp_path):
    job = Job.objects.create(
        kind=RECORDED_BATCH,
        created_by=world["clerk_a"],
        status=Job.Status.RUNNING,
        items_total=1,
        params={"keys": ["x"], "log": str(tmp_path / "runs.log")},
    )
    JobItem.objects.create(job=job, key="x", attempts=jobs.JOB_ITEM_MAX_ATTEMPTS)  # three runs died
    jobs.job_items_run(job_id=job.pk, keys=["x"])
    job.refresh_from_db()
    assert executions(job) == []
    assert job.status == Job.Status.FAILED
    assert job.message == "共 1 项，1 项失败。首个失败：第 x 项：此项处理时中断了 3 次，已停止处理。"


def test_chunks_the_broker_refused_are_sent_by_the_beat_task_when_it_is_back(start, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    task = celery_app.tasks[jobs.RUN_ITEMS_TASK]
    monkeypatch.setattr(task, "apply_async", refuse)
    job = start(["1", "2", "3", "4"])
    assert job.status == Job.Status.RUNNING
    assert not JobItem.objects.filter(job=job, dispatched_at__isnull=False).exists()

    monkeypatch.undo()
    assert jobs.jobs_dispatch_pending() == 2  # two chunks of three and one
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert recorded_results(job) == dict.fromkeys(["1", "2", "3", "4"], 1)


def test_items_sent_long_ago_and_still_waiting_are_sent_again(start, monkeypatch, settings):
    sent = []
    task = celery_app.tasks[jobs.RUN_ITEMS_TASK]
    monkeypatch.setattr(
        task, "apply_async", lambda args, **kwargs: sent.append(args[1])
    )  # the broker loses them
    job = start(["1", "2"])
    assert sent == [["1", "2"]]
    assert jobs.jobs_dispatch_pending() == 0  # recently sent: they may still be in the queue

    from datetime import timedelta

    from django.utils import timezone

    lost = timezone.now() - timedelta(seconds=2 * 3600 + 1)
    JobItem.objects.filter(job=job).update(dispatched_at=lost)
    monkeypatch.undo()
    assert jobs.jobs_dispatch_pending() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED


def test_an_item_at_work_leaves_the_job_and_the_other_items_free_for_other_workers(
    needs_postgresql, transactional_db, world
):
    seen = []

    def probe(job, key):
        # What a second worker does meanwhile: write the job's progress, take the next item.
        def other_worker():
            try:
                with transaction.atomic():
                    Job.objects.select_for_update(nowait=True).get(pk=job.pk)
                    JobItem.objects.select_for_update(nowait=True).get(job=job, key="b")
                seen.append("free")
            except DatabaseError:
                seen.append("locked")
            finally:
                connection.close()

        thread = threading.Thread(target=other_worker)
        thread.start()
        thread.join(10)

    batch_job_kind("test_probe", "probe", items=lambda job: ["a", "b"], run_item=probe)
    job = Job.objects.create(
        kind="test_probe", created_by=world["clerk_a"], status=Job.Status.RUNNING, items_total=2
    )
    JobItem.objects.bulk_create([JobItem(job=job, key="a"), JobItem(job=job, key="b")])
    jobs.job_items_run(job_id=job.pk, keys=["a"])
    assert seen == ["free"]
