"""A real Celery worker process, against Redis and the test database: not eager mode."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from core import jobs
from core.models import Job


def _database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(needs_redis, needs_postgresql, transactional_db):
    """A worker on a queue of its own, so no other worker on this Redis can take our tasks."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    output = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        output.append(line)
        if " ready." in line:
            break
        if process.poll() is not None:
            pytest.fail("Celery worker exited:\n" + "".join(output))
    else:
        process.kill()
        pytest.fail("Celery worker not ready after 30 s:\n" + "".join(output))

    previous_queue, previous_eager = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    yield process
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = previous_queue, previous_eager
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
    connection.close()


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_real_worker_runs_a_queued_job_and_writes_its_row(worker):
    from org.models import User

    user = User.objects.create_user("worker_test", password="x")
    job = jobs.job_start(kind="selfcheck", user=user)  # autocommit: queued at once
    assert wait_for(lambda: Job.objects.get(pk=job.pk).is_finished), "job did not finish within 60 s"
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["database"] == "postgresql"
    assert job.result["cache"] is True
    assert job.result["pdf_bytes"] > 1000
    assert job.started_at is not None and job.finished_at >= job.started_at
