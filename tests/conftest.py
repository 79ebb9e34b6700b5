"""Shared fixtures: the demo region tree, named personas, and the real services CI provides.

Under CI (CI=true) a missing service fails the run; on a developer's machine the tests that need it
are skipped with the reason shown in pytest's summary.
"""

import os
import shutil
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.object_store import media_storage_under_test, object_store, s3_media  # noqa: F401  (fixtures)

# Playwright runs an event loop in the test thread; the ORM calls made around it are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_configure(config):
    # Hashing a password with production's 1,000,000 PBKDF2 rounds costs ~0.4 s per persona.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # In-process jobs run inline in tests, inside the test's transaction (a browser test that
    # watches a job's progress bar turns the thread back on).
    settings.JOBS_IN_THREAD = False
    # Every test request comes from one address, counted in a Redis shared by the whole run: the
    # public pages' rate limit is tested on its own (tests/reports/public), with its own address.
    settings.PUBLIC_PAGE_RATE_LIMIT = 1_000_000
    # Tests roll their data back, so two tests can reach the same data version with the same user:
    # the dashboard is built afresh each time, and its cache tested on its own
    # (tests/reports/dashboard/test_cache.py).
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path_factory):
    """Uploaded files (imports, project archives) go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


def require_service(available, reason):
    """Skip (developer machine) or fail (CI) when a real service is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


def uses_postgresql():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def needs_postgresql():
    require_service(uses_postgresql(), "needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def needs_redis():
    require_service(bool(settings.REDIS_URL), "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")


@pytest.fixture
def needs_chromium():
    require_service(shutil.which("chromium"), "needs Debian's chromium: apt-get install chromium")


@pytest.fixture
def needs_soffice():
    require_service(shutil.which("soffice"), "needs LibreOffice: apt-get install libreoffice-calc-nogui")


@pytest.fixture
def needs_poppler():
    require_service(shutil.which("pdftotext"), "needs poppler-utils: apt-get install poppler-utils")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test world (the demo city's regions and organisations, and the personas) is built once,
    right after the test database; each test rolls back what it adds on top of it."""
    from tests.factories import build_world

    with django_db_blocker.unblock():
        build_world()
    replica_reads_primary()


# The real replica's address (DATABASE_REPLICA_URL), for the replica's own tests (tests/core/replica).
REPLICA_SERVER = {}


def replica_reads_primary():
    """With DATABASE_REPLICA_URL set (CI), Django's test mirror only renames the "replica" alias's
    database (test_<name>, streamed to the real replica): the suite points it at the primary too, in
    every thread, for a test's rows (in its transaction, or committed a moment ago) are not on the
    replica (yet). core.replica reads a replica at the primary's address from the primary."""
    replica = settings.DATABASES.get("replica")
    if replica is None:
        return
    REPLICA_SERVER.update({key: replica[key] for key in ("HOST", "PORT", "USER", "PASSWORD")})
    primary = settings.DATABASES["default"]
    replica.update({key: primary[key] for key in ("HOST", "PORT", "USER", "PASSWORD", "NAME")})


@pytest.fixture
def world(db):
    from tests.factories import load_world

    return load_world()


@pytest.fixture
def client_for(client, world):
    """client_for("clerk_a") → a test client logged in as that persona."""

    def login(persona):
        client.logout()
        user = world.personas.get(persona)
        if user is not None:
            client.force_login(user)
        return client

    return login


# --- A real Celery worker -------------------------------------------------------------------------


def _database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(needs_redis, needs_postgresql, transactional_db):
    """A worker on a queue of its own, so no other worker on this Redis can take our tasks."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL}
    # The replica's address names the real database, not the test database on it: the worker reads
    # the primary, as the suite does (the replica's own tests start no worker).
    env.pop("DATABASE_REPLICA_URL", None)
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
    # Keep reading the worker's log, or a full pipe would block it.
    threading.Thread(target=lambda: [None for _line in process.stdout], daemon=True).start()

    from config.celery import app as celery_app

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


@pytest.fixture
def jobs_run(request):
    """Jobs run where the settings say: a real worker when Redis is configured, else in-process."""
    if settings.REDIS_URL:
        return request.getfixturevalue("worker")
    from config.celery import app as celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    request.addfinalizer(lambda: setattr(celery_app.conf, "task_always_eager", previous))
    return None
