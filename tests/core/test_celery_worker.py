"""A real Celery worker process, against Redis and the test database: not eager mode."""

from core import jobs
from core.models import Job
from tests.helpers import wait_for


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
