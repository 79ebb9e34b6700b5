"""Nothing lives in one web process between requests: two real gunicorn processes on two loopback
ports share one PostgreSQL (this test's database, committed), one Redis and the S3 object store,
as two hosts behind a proxy would. A browser's cookie from one works on the other; a file uploaded
through one downloads through the other; a job started on one is watched to its end on the other;
a form's one-time token spent on one is refused as a double submit on the other.

And workers anywhere: two Celery worker processes on one queue share a batch of 1,000 notices,
each notice once in the register with gapless numbers, each PDF once in the bucket, both workers
at work. That test takes ≈ 2–5 minutes (the PDFs: ≈ 0.2 s of CPU each); bench/bench_notices.py
measures two workers against one.

What each request may keep and where it lives is listed in docs/production.md ("One province");
this test is the proof on loopback. Skipped only where PostgreSQL or Redis are absent (never in CI).
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from core.models import Job
from org.models import User
from projects.models import Attachment
from reports.models import MonthlyReport
from reports.monthly.jobs import MONTHLY_BUILD_JOB
from tests.conftest import _database_url
from tests.factories import PASSWORD, compound_in, project_in
from tests.reports.monthly_factories import MONTH, october

pytestmark = pytest.mark.services

GUNICORN = Path(sys.executable).parent / "gunicorn"
WAIT = 30


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Web:
    """One ``gunicorn config.wsgi`` process (one sync worker) on a free loopback port."""

    def __init__(self, env, log_dir, name):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"gunicorn-{name}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "config.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{self.port}",
                 "--access-logfile", "-", "--error-logfile", "-", "--timeout", "60"],
                cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def wait_ready(self):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{self.log()}")
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.2)
        pytest.fail(f"gunicorn not answering after {WAIT} s:\n{self.log()}")

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def s3_environment(needs_postgresql, needs_redis, object_store, monkeypatch):
    """MEDIA_STORAGE=s3 with the store's variables, under a prefix of this test's own, for every
    process started from here on (the worker fixture passes os.environ on)."""
    prefix = f"processes-{uuid.uuid4().hex[:12]}"
    for name, value in object_store.environment(prefix).items():
        monkeypatch.setenv(name, value)
    # The processes read this test's database; a replica (CI's) holds another one.
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    yield prefix
    object_store.delete_prefix(prefix + "/")


@pytest.fixture
def two_webs(s3_environment, worker, tmp_path):
    """Web processes A and B, started together; the jobs they queue go to the test's worker."""
    from config.celery import app as celery_app

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": celery_app.conf.task_default_queue,  # the worker fixture's own queue
        "DEBUG": "false",
    }
    webs = [Web(env, tmp_path, "a"), Web(env, tmp_path, "b")]
    try:
        for web in webs:
            web.wait_ready()
        yield webs
    finally:
        for web in webs:
            web.stop()


def login(web, username):
    # The test run hashes passwords with MD5 (tests/conftest.py); the web processes know only the
    # production hashers. A PBKDF2 hash of few rounds they verify (and upgrade) at once.
    User.objects.filter(username=username).update(
        password=PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    )
    browser = requests.Session()
    page = browser.get(web.url + "/accounts/login/", timeout=10)
    answer = browser.post(
        web.url + "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_field(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    return browser


def same_cookies(browser):
    """A second browser tab's view of the same cookies, sent to the other host."""
    other = requests.Session()
    other.cookies.update(browser.cookies)
    return other


def csrf_field(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def form_fields(html, action):
    """The hidden fields (CSRF and submission token) of the form posting to ``action``."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S).group(1)
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_two_web_processes_share_sessions_files_jobs_and_form_tokens(
    world, two_webs, object_store, s3_environment
):
    a, b = two_webs
    october(world)
    project = project_in(compound_in(world.community_a, name="双进程小区"))
    project_url = project.get_absolute_url()

    # Logged in on A, the same cookie carries on on B: the session is in PostgreSQL.
    clerk_on_a = login(a, "clerk_a")
    clerk_on_b = same_cookies(clerk_on_a)
    page = clerk_on_b.get(b.url + project_url, allow_redirects=False, timeout=10)
    assert page.status_code == 200 and "双进程小区" in page.text

    # Uploaded through A, downloaded through B: the file is in the bucket, not on A's disk.
    content = b"%PDF-1.4\n" + os.urandom(64 * 1024) + b"\n%%EOF\n"
    action = reverse("projects:attachment_add", args=[project.pk])
    form = form_fields(clerk_on_a.get(a.url + project_url, timeout=10).text, action)
    assert form.get("submission_token"), "the upload form carries a one-time token"
    upload = {"kind": Attachment.Kind.PLAN, "description": "实施方案", **form}
    sent = clerk_on_a.post(
        a.url + action, data=upload, files={"file": ("实施方案.pdf", content, "application/pdf")},
        headers={"Referer": a.url + project_url}, allow_redirects=False, timeout=20,
    )  # fmt: skip
    assert sent.status_code == 302, a.log()
    attachment = Attachment.objects.get(project=project)
    downloaded = clerk_on_b.get(
        b.url + reverse("projects:attachment_download", args=[attachment.pk]), timeout=20
    )
    assert downloaded.status_code == 200 and downloaded.content == content
    assert object_store.keys(f"{s3_environment}/") == [f"{s3_environment}/{attachment.file.name}"]

    # The same form sent again through B with the token A spent: refused as a double submit,
    # sent where the first went, nothing saved twice. The token is in PostgreSQL.
    again = clerk_on_b.post(
        b.url + action, data=upload, files={"file": ("实施方案.pdf", content, "application/pdf")},
        headers={"Referer": b.url + project_url}, allow_redirects=False, timeout=20,
    )  # fmt: skip
    assert again.status_code == 302 and again.headers["Location"] == sent.headers["Location"]
    shown = clerk_on_b.get(b.url + again.headers["Location"], timeout=10).text
    assert "此表单已经提交过" in shown
    assert Attachment.objects.filter(project=project).count() == 1

    # A monthly report built on A's request by the worker, watched to its end on B.
    city_on_a = login(a, "city")
    city_on_b = same_cookies(city_on_a)
    build_form = form_fields(
        city_on_a.get(a.url + "/reports/monthly/", timeout=10).text, "/reports/monthly/build/"
    )
    started = city_on_a.post(
        a.url + "/reports/monthly/build/", data={**build_form, "month": f"{MONTH:%Y-%m}"},
        headers={"Referer": a.url + "/reports/monthly/"}, allow_redirects=False, timeout=10,
    )  # fmt: skip
    assert started.status_code == 302, a.log()
    job = Job.objects.get(kind=MONTHLY_BUILD_JOB)
    seen, deadline = [], time.monotonic() + WAIT
    while time.monotonic() < deadline:
        fragment = city_on_b.get(b.url + reverse("core:job_progress", args=[job.pk]), timeout=10)
        assert fragment.status_code == 200
        seen.append(int(re.search(r'data-progress="(\d+)"', fragment.text).group(1)))
        if fragment.headers.get("HX-Trigger") == "jobFinished":
            break
        time.sleep(0.2)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert seen[-1] == 100
    report = MonthlyReport.objects.get(city=world.city, month=MONTH, is_current=True)
    assert report.job_id == job.pk
    assert city_on_b.get(b.url + report.get_absolute_url(), timeout=10).status_code == 200


# --- Workers anywhere: two worker processes share one batch --------------------------------------

NOTICES = 1000
BATCH_WAIT = 480  # ≈ 110 s of rendering on two free cores, ≈ 300 s with the cores shared (load 4)


class Worker:
    """A ``celery worker`` process (prefork, one pool process, as in production) on ``queue``,
    its log kept in a file: what it ran is read from there."""

    def __init__(self, queue, log_dir, name):
        self.log_path = log_dir / f"worker-{name}.log"
        env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL}
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
                 "--queues", queue, "--hostname", f"{name}-{queue}@%h", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "--loglevel=INFO"],
                cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def log(self):
        return self.log_path.read_text(errors="replace")

    def chunks_done(self):
        return len(re.findall(r"Task core\.tasks\.run_job_items\[[^\]]+\] succeeded", self.log()))

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def two_workers(needs_redis, needs_postgresql, transactional_db, s3_environment, tmp_path):
    """Two worker processes on one queue of this test's own; jobs started here go to it."""
    from config.celery import app as celery_app

    queue = f"test-{uuid.uuid4().hex[:12]}"
    workers = [Worker(queue, tmp_path, "one"), Worker(queue, tmp_path, "two")]
    previous = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = queue, False
    try:
        yield workers
    finally:
        celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = previous
        for worker in workers:
            worker.stop()


def test_two_worker_processes_share_a_batch_of_a_thousand_notices(
    world, two_workers, object_store, s3_environment
):
    from reports.models import Notice
    from reports.notices.services import notices_issue_batch
    from tests.reports.notices.factories import construction_in, notice_issuers

    issuer = notice_issuers()["淄建"]
    projects = [construction_in(world.community_a) for _ in range(10)]
    started = time.monotonic()
    job = notices_issue_batch(
        kind="construction", subjects=projects * (NOTICES // len(projects)), issuer=issuer, user=world["city"]
    )
    issued = time.monotonic()
    deadline = time.monotonic() + BATCH_WAIT
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        if any(worker.process.poll() is not None for worker in two_workers):
            pytest.fail("a worker exited:\n" + "\n".join(worker.log()[-3000:] for worker in two_workers))
        time.sleep(1)
    print(
        f"{NOTICES} notices issued in {issued - started:.1f} s, rendered in {time.monotonic() - issued:.1f} s"
    )
    assert job.status == Job.Status.SUCCEEDED, f"{job.status} after {BATCH_WAIT} s: {job.message}"
    assert job.result == {"total": NOTICES, "done": NOTICES, "failed": 0}

    # Each notice once in the register, its numbers 1 … 1,000 without a gap, each rendered once.
    notices = Notice.objects.filter(job=job)
    assert sorted(notices.values_list("sequence", flat=True)) == list(range(1, NOTICES + 1))
    assert notices.filter(rendered_at__isnull=False).exclude(file="").count() == NOTICES
    files = {f"{s3_environment}/{name}" for name in notices.values_list("file", flat=True)}
    assert len(files) == NOTICES
    # No second copy left in the bucket by an item run twice, none missing.
    assert set(object_store.keys(f"{s3_environment}/notices/")) == files
    assert not job.items.exclude(attempts=1).exists()

    # Both workers took their share of the chunks (ten notices each).
    chunks = [worker.chunks_done() for worker in two_workers]
    assert sum(chunks) == NOTICES // 10 and min(chunks) > 0, chunks
