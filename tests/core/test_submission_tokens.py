"""A form sent twice is saved once: every POST form carries a one-time token, the first request with
it runs the view, any other gets the first one's answer (core.submissions)."""

import re
import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.test import Client
from django.urls import path, resolve
from django.utils import timezone

from config import urls as portal_urls
from core.models import AuditEntry, SubmissionToken
from core.submissions import submission_token_exempt, submission_tokens_sweep

TOKEN = re.compile(r'name="submission_token" value="([0-9a-f]{32})"')
FORM = engines["django"].from_string('<form method="post">{% csrf_token %}<button>保存</button></form>')


def form_page(request):
    return HttpResponse(FORM.render({}, request))


def saving_view(request):
    """Records one row per run; a form without a name is shown again with its error."""
    if request.method == "POST":
        if not request.POST.get("name"):
            return HttpResponse(FORM.render({}, request), status=200)
        entry = AuditEntry.objects.create(actor_name=request.POST["name"], action="create")
        started.set()
        go_on.wait(5)
        return redirect(f"/saved/{entry.pk}/")
    return form_page(request)


@submission_token_exempt
def exempt_view(request):
    AuditEntry.objects.create(actor_name="exempt", action="create")
    return redirect("/done/")


started, go_on = threading.Event(), threading.Event()

# The portal's own URLs too: the page's menu names them.
urlpatterns = [path("form/", saving_view), path("exempt/", exempt_view), *portal_urls.urlpatterns]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def free_views():
    started.clear()
    go_on.set()
    yield
    go_on.set()


def token_of(page):
    return TOKEN.search(page.content.decode()).group(1)


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_every_rendering_of_a_post_form_carries_a_fresh_token(world, client_for):
    client = client_for("clerk_a")
    first, second = token_of(client.get("/form/")), token_of(client.get("/form/"))
    assert first != second
    assert 'name="csrfmiddlewaretoken"' in client.get("/form/").content.decode()


def test_the_same_form_sent_twice_runs_its_view_once_and_the_second_gets_the_first_answer(world, client_for):
    client = client_for("clerk_a")
    data = {"name": "华光路小区", "submission_token": token_of(client.get("/form/"))}

    first = client.post("/form/", data)
    second = client.post("/form/", data)

    assert AuditEntry.objects.filter(actor_name="华光路小区").count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert flashed(second) == ["此表单已经提交过，以下是第一次提交的结果。"]


def test_a_form_shown_again_with_its_errors_gets_a_new_token_and_its_own_may_be_sent_again(world, client_for):
    client = client_for("clerk_a")
    token = token_of(client.get("/form/"))

    shown_again = client.post("/form/", {"name": "", "submission_token": token})
    assert shown_again.status_code == 200 and token_of(shown_again) != token
    assert not SubmissionToken.objects.exists()  # nothing was done: the token is free again

    client.post("/form/", {"name": "改正后", "submission_token": token_of(shown_again)})
    client.post("/form/", {"name": "改正后", "submission_token": token})
    assert AuditEntry.objects.filter(actor_name="改正后").count() == 2  # two forms, each saved once


def test_a_token_belongs_to_its_user(world, client_for):
    client = client_for("clerk_a")
    data = {"name": "同一表单", "submission_token": token_of(client.get("/form/"))}
    client.post("/form/", data)
    client_for("district").post("/form/", data)
    assert AuditEntry.objects.filter(actor_name="同一表单").count() == 2


def test_posts_without_a_token_and_exempt_views_run_every_time(world, client_for):
    client = client_for("clerk_a")
    client.post("/form/", {"name": "无令牌"})
    client.post("/form/", {"name": "无令牌"})
    token = token_of(client.get("/form/"))
    client.post("/exempt/", {"submission_token": token})
    client.post("/exempt/", {"submission_token": token})
    assert AuditEntry.objects.filter(actor_name="无令牌").count() == 2
    assert AuditEntry.objects.filter(actor_name="exempt").count() == 2


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/logout/", "/i18n/setlang/"])
def test_logging_in_and_out_and_switching_the_language_are_exempt(url):
    assert resolve(url, urlconf="config.urls").func.submission_token_exempt


def test_tokens_older_than_a_day_are_swept_daily(world, settings):
    user = world["clerk_a"]
    old = SubmissionToken.objects.create(user=user, token="a" * 32, redirect_to="/x/")
    SubmissionToken.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=2))
    fresh = SubmissionToken.objects.create(user=user, token="b" * 32)

    assert submission_tokens_sweep() == 1
    assert list(SubmissionToken.objects.all()) == [fresh]
    schedule = settings.CELERY_BEAT_SCHEDULE["sweep-submission-tokens"]
    assert schedule["task"] == "core.tasks.sweep_submission_tokens"


def test_a_second_request_arriving_while_the_first_runs_waits_and_never_runs_the_view(
    needs_postgresql, transactional_db, world
):
    """Two threads, two connections to PostgreSQL: the second request comes while the first is
    still inside the view; it waits for the first's answer and gets the same redirect."""
    user = world["clerk_a"]
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(user)
    data = {"name": "并发", "submission_token": token_of(clients[0].get("/form/"))}
    answers = {}

    def send(number):
        try:
            answers[number] = clients[number].post("/form/", data)
        finally:
            connection.close()

    go_on.clear()
    first = threading.Thread(target=send, args=(0,))
    first.start()
    assert started.wait(10)  # the first request is inside the view, its token recorded and committed
    second = threading.Thread(target=send, args=(1,))
    second.start()
    time.sleep(0.5)  # the second one is waiting now
    assert SubmissionToken.objects.get().redirect_to == ""
    go_on.set()
    first.join(10)
    second.join(10)

    assert AuditEntry.objects.filter(actor_name="并发").count() == 1
    assert answers[0].status_code == answers[1].status_code == 302
    assert answers[1]["Location"] == answers[0]["Location"]


def test_two_requests_sent_at_the_same_moment_run_the_view_once(needs_postgresql, transactional_db, world):
    user = world["clerk_a"]
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(user)
    data = {"name": "同时", "submission_token": token_of(clients[0].get("/form/"))}
    barrier, answers = threading.Barrier(2), {}

    def send(number):
        try:
            barrier.wait(5)
            answers[number] = clients[number].post("/form/", data)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)

    assert AuditEntry.objects.filter(actor_name="同时").count() == 1
    assert answers[0]["Location"] == answers[1]["Location"]
