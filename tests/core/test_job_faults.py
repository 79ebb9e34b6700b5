"""Jobs that survive faults, against the real services: real Celery workers (prefork, as in
production) on Redis and PostgreSQL, killed with SIGKILL mid-batch; a real Redis stopped and
started again. Skipped only where PostgreSQL or Redis are absent (never in CI).

The batch kind is tests.core.fault_kinds (each item writes one audit row, its "result", and notes
each run in a log file); the workers import it with ``--include``.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from config.celery import app as celery_app
from core import jobs
from core.models import Job, JobItem
from tests.conftest import _database_url
from tests.core.fault_kinds import RECORDED_BATCH, executions, recorded_results
from tests.helpers import wait_for

# Sixty seconds in all per test at most; each waits for far less when things go right.
WAIT = 40


class Worker:
    """A ``celery worker`` process in a session of its own (so SIGKILL can take its whole group)."""

    def __init__(self, queue, *, broker_url, extra_env=None):
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": broker_url,
            **(extra_env or {}),
        }
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool=prefork", "--concurrency=1", "--queues", queue,
            "--include", "tests.core.fault_kinds",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
        ]  # fmt: skip
        self.log = []
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            self.log.append(line)
            if " ready." in line:
                break
            if self.process.poll() is not None:
                pytest.fail("Celery worker exited:\n" + "".join(self.log))
        else:
            self.kill()
            pytest.fail("Celery worker not ready after 30 s:\n" + "".join(self.log))
        # Keep reading its log, or a full pipe would block it.
        threading.Thread(target=lambda: self.log.extend(self.process.stdout), daemon=True).start()

    @property
    def pid(self):
        return self.process.pid

    def pool_children(self):
        """The pids of the worker's pool processes, from /proc (no psutil here)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill(self):
        """SIGKILL the worker and its pool together, as a machine losing power would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(ProcessLookupError):  # a pool child left behind by a killed parent
            os.killpg(self.pid, signal.SIGKILL)

    def output(self):
        return "".join(self.log)[-4000:]


def _forget_broker_connections():
    # What Celery itself does after a fork: the next send connects afresh to conf.broker_url.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def queue(needs_redis, needs_postgresql, transactional_db):
    """A queue of the test's own, on which this process sends tasks to real workers."""
    name = f"test-faults-{uuid.uuid4().hex[:12]}"
    conf = celery_app.conf
    saved = conf.task_default_queue, conf.task_always_eager
    conf.task_default_queue, conf.task_always_eager = name, False
    yield name
    conf.task_default_queue, conf.task_always_eager = saved
    connection.close()


@pytest.fixture
def workers(queue):
    """workers(**kwargs) starts a Worker on the test's queue; all are stopped at the end."""
    started = []

    def start(**kwargs):
        kwargs.setdefault("broker_url", settings.REDIS_URL)
        worker = Worker(queue, **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _batch(world, tmp_path, keys, **params):
    params = {"keys": keys, "log": str(tmp_path / "runs.log"), "fixed": str(tmp_path / "fixed"), **params}
    return jobs.job_start(kind=RECORDED_BATCH, user=world["clerk_a"], params=params)  # autocommit: sent


def _finished(job):
    return wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, WAIT)


def _assert_every_item_done_once(job, keys):
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.progress == 100
    assert job.result == {"total": len(keys), "done": len(keys), "failed": 0}
    assert recorded_results(job) == dict.fromkeys(keys, 1)
    assert set(JobItem.objects.filter(job=job).values_list("status", flat=True)) == {JobItem.Status.DONE}


def test_a_pool_process_killed_mid_batch_loses_no_item_and_duplicates_none(world, workers, tmp_path):
    worker = workers()
    keys = [str(n) for n in range(1, 13)]
    job = _batch(world, tmp_path, keys, sleep=0.4)

    # Kill the pool process within milliseconds of its starting the fourth item (which sleeps
    # 0.4 s before writing its result), so that item is cut off mid-way.
    deadline = time.monotonic() + WAIT
    while len(executions(job)) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    children = worker.pool_children()
    assert children, worker.output()
    os.kill(children[0], signal.SIGKILL)
    in_flight = executions(job)[-1]
    assert len(executions(job)) == 4, "the item had ended before the kill"

    assert _finished(job), worker.output()
    _assert_every_item_done_once(job, keys)
    runs = Counter(executions(job))
    assert runs[in_flight] == 2, runs  # cut off, then run again by the pool's next process
    assert all(runs[key] == 1 for key in keys if key != in_flight), runs
    assert worker.process.poll() is None  # the worker itself lived on
    assert "SIGKILL" in worker.output()


def test_a_worker_killed_outright_is_replaced_and_its_unacknowledged_chunk_runs_again(
    world, workers, tmp_path
):
    # A short visibility timeout, so the lost chunk is handed out again within the test.
    short = {"CELERY_VISIBILITY_TIMEOUT": "5"}
    first = workers(extra_env=short)
    keys = [str(n) for n in range(1, 7)]
    job = _batch(world, tmp_path, keys, sleep=0.5)

    assert wait_for(lambda: len(executions(job)) >= 2, WAIT), first.output()
    first.kill()
    killed_at = time.monotonic()
    done_before = JobItem.objects.filter(job=job, status=JobItem.Status.DONE).count()
    assert done_before < len(keys)
    assert not Job.objects.get(pk=job.pk).is_finished

    # The chunk the dead worker held is restored once it has been invisible for 5 s.
    time.sleep(max(0.0, 5.5 - (time.monotonic() - killed_at)))
    second = workers(extra_env=short)
    assert _finished(job), second.output()
    _assert_every_item_done_once(job, keys)
    runs = Counter(executions(job))
    assert max(runs.values()) <= 2, runs


@pytest.fixture
def own_redis(needs_redis):
    """A redis-server of this test's own on 127.0.0.1:6395 (never the shared one), which the test
    stops and starts again: {"url", "stop()", "start()"}."""
    port = 6395
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            pytest.fail(f"port {port} is taken; the Redis fault test needs it free")
    state = {}

    def start():
        state["process"] = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        assert wait_for(lambda: _answers(port), 10), "redis-server did not start"

    def stop():
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True, timeout=10)
        state["process"].wait(10)
        assert not _answers(port)

    start()
    yield {"url": f"redis://127.0.0.1:{port}/0", "start": start, "stop": stop}
    if state["process"].poll() is None:
        state["process"].kill()
        state["process"].wait(10)


def _answers(port):
    result = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, timeout=5)
    return result.stdout.strip() == "PONG"


def test_with_redis_down_the_request_succeeds_and_the_job_runs_when_redis_returns(
    world, own_redis, workers, client_for, tmp_path
):
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_publish_retry_policy
    conf.broker_url = own_redis["url"]
    conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
    _forget_broker_connections()
    try:
        worker = workers(broker_url=own_redis["url"])
        own_redis["stop"]()

        # A user starts a job while Redis is down: the page answers, the job waits in the database.
        response = client_for("sysadmin").post("/system/selfcheck/")
        selfcheck = Job.objects.get(kind="selfcheck")
        assert response.status_code == 302
        assert response["Location"] == selfcheck.get_absolute_url()
        keys = [str(n) for n in range(1, 6)]
        with transaction.atomic():
            batch = _batch(world, tmp_path, keys)
        for job in (selfcheck, batch):
            job.refresh_from_db()
            assert (job.status, job.dispatched_at) == (Job.Status.PENDING, None)

        own_redis["start"]()
        _forget_broker_connections()
        assert celery_app.tasks["core.tasks.dispatch_pending_jobs"]() == 2  # what beat runs each minute
        assert _finished(selfcheck) and _finished(batch), worker.output()
        selfcheck.refresh_from_db()
        assert selfcheck.status == Job.Status.SUCCEEDED, selfcheck.message + worker.output()
        _assert_every_item_done_once(batch, keys)
    finally:
        conf.broker_url, conf.task_publish_retry_policy = saved
        _forget_broker_connections()


def test_a_failed_batch_says_why_in_chinese_and_its_retry_reruns_only_the_failed_item(
    world, workers, client_for, tmp_path
):
    worker = workers()
    keys = [str(n) for n in range(1, 8)]
    job = _batch(world, tmp_path, keys, fail=["3"])
    assert _finished(job), worker.output()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert (
        job.message
        == "共 7 项，1 项失败。首个失败：第 3 项：任务因系统错误中止（详情已记入系统日志），可以重试。"
    )
    page = client_for("clerk_a").get(job.get_absolute_url()).content.decode()
    assert "第 3 项" in page and "重试" in page and "internal detail" not in page

    (tmp_path / "fixed").touch()
    response = client_for("clerk_a").post(f"/jobs/{job.pk}/retry/")
    assert response.status_code == 302
    assert wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED, WAIT), worker.output()
    _assert_every_item_done_once(job, keys)
    runs = Counter(executions(job))
    assert runs == {**dict.fromkeys(keys, 1), "3": 2}, runs
