"""How processes connect: each kind names itself to PostgreSQL (application_name), and
DATABASE_POOL gives a web process Django's pool (a worker keeps plain connections)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from config.process import process_name
from tests.conftest import _database_url


@pytest.mark.parametrize(
    "argv, name",
    [
        (["/srv/portal/.venv/bin/gunicorn", "config.wsgi:application"], "portal-web"),
        (["manage.py", "runserver"], "portal-web"),
        (["/srv/portal/.venv/bin/celery", "-A", "config", "worker"], "portal-worker"),
        (["/usr/lib/python3/site-packages/celery/__main__.py", "-A", "config", "worker"], "portal-worker"),
        (["/srv/portal/.venv/bin/celery", "-A", "config", "beat"], "portal-beat"),
        (["manage.py", "migrate"], "portal-migrate"),
        (["/srv/portal/.venv/bin/pytest"], "portal"),
        ([], "portal"),
    ],
)
def test_each_kind_of_process_has_its_name(argv, name):
    assert process_name(argv) == name


PROBE = """
import django, sys
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW application_name")
    name = cursor.fetchone()[0]
print(name, connection.pool is not None, connection.settings_dict["CONN_MAX_AGE"])
"""


def probe(program, **environment):
    """What a process started as ``program`` sees: its application_name, pooled or not, CONN_MAX_AGE."""
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_REPLICA_URL", None)
    answer = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.argv = {program!r}\n{PROBE}"],
        cwd=settings.BASE_DIR,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answer.returncode == 0, answer.stderr
    return answer.stdout.split()


def test_a_web_process_with_database_pool_uses_djangos_pool(needs_postgresql, db):
    assert probe(["/srv/portal/.venv/bin/gunicorn"], DATABASE_POOL="true") == ["portal-web", "True", "0"]
    assert probe(["/srv/portal/.venv/bin/gunicorn"]) == ["portal-web", "False", "60"]


def test_a_worker_keeps_plain_connections_with_database_pool(needs_postgresql, db):
    assert probe(["/srv/portal/.venv/bin/celery", "worker"], DATABASE_POOL="true") == [
        "portal-worker",
        "False",
        "60",
    ]
