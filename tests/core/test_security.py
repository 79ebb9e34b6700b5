"""Lockout, passwords, session limits, CSP, POST-only state changes, production refusal."""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.middleware import LAST_SEEN_KEY, LOGIN_TIME_KEY
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def attempt(client, username, password, ip):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_fifth_failure_locks_the_username_whatever_the_address(world, client):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "clerk_a", "wrong-password", f"10.0.0.{n + 1}")
    locked = attempt(client, "clerk_a", PASSWORD, "10.0.0.99")
    assert locked.status_code == 429
    assert "clerk_a" not in locked.content.decode()  # the page does not echo the username
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_user_leaves_colleagues_behind_the_same_proxy_alone(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "clerk_a", "wrong-password", "10.1.1.1")
    response = attempt(client, "clerk_b", PASSWORD, "10.1.1.1")
    assert response.status_code == 302


def test_locked_user_may_log_in_again_after_the_cool_off(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "clerk_a", "wrong-password", "10.2.2.2")
    assert attempt(client, "clerk_a", PASSWORD, "10.2.2.2").status_code == 429
    cooled = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=cooled)
    assert attempt(client, "clerk_a", PASSWORD, "10.2.2.2").status_code == 302


@pytest.mark.parametrize(
    "password",
    ["short#1A", "Password123", "abcdefghijkl", "12345678901234", "zhangli2026"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_mixed_password_is_accepted():
    validate_password("Renovate#2026zb")


def test_idle_session_ends_after_the_idle_timeout(world, client_for):
    client = client_for("clerk_a")
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT.total_seconds() - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get("/").status_code == 302  # logged out for good


def test_session_ends_after_its_absolute_lifetime_despite_activity(world, client_for):
    client = client_for("clerk_a")
    client.get("/")
    session = client.session
    session[LOGIN_TIME_KEY] = time.time() - settings.SESSION_COOKIE_AGE - 5
    session[LAST_SEEN_KEY] = time.time()
    session.save()
    assert client.get("/").status_code == 302


def test_active_user_stays_logged_in(world, client_for):
    client = client_for("clerk_a")
    client.get("/")
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 60 * 20
    session.save()
    assert client.get("/").status_code == 200


def test_pages_send_a_content_security_policy_without_inline_code(world, client_for):
    response = client_for("city").get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


TEMPLATES = Path(settings.BASE_DIR, "templates")


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_hold_no_inline_script_or_style(template):
    if "pdf" in template.parts or template.name == "500.html":
        return  # PDFs are laid out by WeasyPrint, not a browser; 500 is static
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\sstyle=", text), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"


def test_logout_by_get_is_refused(world, client_for):
    client = client_for("clerk_a")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_state_changing_posts_need_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["sysadmin"])
    assert client.post("/system/selfcheck/").status_code == 403
    assert client.post("/accounts/logout/").status_code == 403


def _django_in_production(extra_env, *args):
    unwanted = ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update({"PORTAL_ENV": "production", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


GOOD_PRODUCTION = {
    "SECRET_KEY": "k3Yq-7vR_pT9wZ2mN8xL4cB6dF1gH5jK0sA3eU7iO9yQ2rW5tE8uI1oP4aS6dF9gH2",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "portal.zibo.gov.cn",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DEBUG": "true"}, "DEBUG"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "PostgreSQL"),
        ({"REDIS_URL": ""}, "REDIS_URL"),
    ],
)
def test_production_refuses_to_start_on_an_insecure_configuration(override, complaint):
    result = _django_in_production({**GOOD_PRODUCTION, **override}, "check")
    assert result.returncode != 0
    assert "Refusing to start in production mode" in result.stderr
    assert complaint in result.stderr


def test_production_configuration_passes_check_deploy():
    result = _django_in_production(GOOD_PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_seed_demo_refuses_to_run_in_production():
    result = _django_in_production(GOOD_PRODUCTION, "seed_demo")
    assert result.returncode != 0
    assert "refuses to run in production" in result.stderr


def test_client_address_comes_from_the_trusted_proxy(rf, settings):
    from core.http import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.168.3.7", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "192.168.3.7"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
