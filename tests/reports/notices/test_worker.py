"""A batch of notices rendered by a real Celery worker through Redis, as in production: every
notice gets its PDF once, the job ends at 100 %."""

import os
import time

import pytest

from core.models import Job
from reports.models import Notice
from reports.notices.services import notices_issue_batch

from .factories import construction_in, notice_issuers


@pytest.fixture
def shared_media(settings, monkeypatch):
    """The worker stores the PDFs where this test reads them."""
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    os.makedirs(settings.MEDIA_ROOT, exist_ok=True)


def test_a_real_worker_renders_every_notice_of_a_batch_once(world, shared_media, worker):
    issuers = notice_issuers()
    projects = [construction_in(world.community_a) for _ in range(3)]
    job = notices_issue_batch(
        kind="construction", subjects=projects, issuer=issuers["淄建"], user=world["city"]
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.5)
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result == {"total": 3, "done": 3, "failed": 0}
    for notice in Notice.objects.filter(job=job):
        assert notice.is_rendered
        with notice.file.open("rb") as file:
            assert file.read(5) == b"%PDF-"
