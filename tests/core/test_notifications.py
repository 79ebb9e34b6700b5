"""Notifications: written for active users, e-mailed once to those with an address (locmem), read
only by their recipient, counted on the bell in one query, listed, opened, marked read, swept."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from core import notifications
from core.models import Notification
from core.notifications import notify
from tests.helpers import assert_list_queries_constant

LIST = reverse("core:notification_list")


@pytest.fixture(autouse=True)
def eager_tasks():
    """E-mail is sent by a Celery task: run it in-process (with Redis configured, nothing else would)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the e-mail task) as the real commit would."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def unread_of(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- Writing and e-mailing ----------------------------------------------------------------------


def test_notify_writes_one_row_per_active_user(world):
    clerk, city = world["clerk_a"], world["city"]
    gone = world["clerk_b"]
    gone.is_active = False
    gone.save()
    created = notify([clerk, city, gone], "待您审批：测试", "/approvals/")
    assert sorted(n.recipient.username for n in created) == sorted([clerk.username, city.username])
    row = Notification.objects.get(recipient=clerk)
    assert (row.text, row.url, row.read_at) == ("待您审批：测试", "/approvals/", None)


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_a_notification_links_only_inside_the_portal(world, url):
    with pytest.raises(ValueError):
        notify([world["clerk_a"]], "测试", url)
    assert not Notification.objects.exists()


def test_email_goes_only_to_users_with_an_address(world, committed, settings):
    settings.NOTIFICATIONS_EMAIL = True
    settings.PORTAL_URL = "https://portal.example.cn"
    clerk, city = world["clerk_a"], world["city"]
    clerk.email = "zhangli@example.cn"
    clerk.save()
    committed(notify, [clerk, city], "待您审批：华光路小区", "/approvals/12/")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhangli@example.cn"]
    assert message.subject == "【城镇老旧小区改造管理平台】待您审批：华光路小区"
    assert "待您审批：华光路小区" in message.body
    assert "https://portal.example.cn/approvals/12/" in message.body
    states = dict(Notification.objects.values_list("recipient__username", "email"))
    assert states == {clerk.username: "sent", city.username: ""}


def test_no_email_when_the_setting_is_off(world, committed, settings):
    settings.NOTIFICATIONS_EMAIL = False
    clerk = world["clerk_a"]
    clerk.email = "zhangli@example.cn"
    clerk.save()
    committed(notify, [clerk], "待您审批", "/approvals/")
    assert mail.outbox == []
    assert Notification.objects.get(recipient=clerk).email == ""


def test_email_subject_may_be_given(world, committed, settings):
    settings.NOTIFICATIONS_EMAIL = True
    clerk = world["clerk_a"]
    clerk.email = "zhangli@example.cn"
    clerk.save()
    committed(notify, [clerk], "逾期待办：2 件\n· 甲\n· 乙", "/approvals/", email_subject="逾期待办：2 件")
    assert mail.outbox[0].subject.endswith("逾期待办：2 件")
    assert "· 乙" in mail.outbox[0].body


def test_no_email_is_sent_before_the_transaction_commits(world, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATIONS_EMAIL = True
    clerk = world["clerk_a"]
    clerk.email = "zhangli@example.cn"
    clerk.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([clerk], "待您审批", "/approvals/")
    assert mail.outbox == [] and len(callbacks) == 1


def test_an_email_task_delivered_twice_sends_once(world, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATIONS_EMAIL = True
    clerk = world["clerk_a"]
    clerk.email = "zhangli@example.cn"
    clerk.save()
    with django_capture_on_commit_callbacks(execute=False):
        (row,) = notify([clerk], "待您审批", "/approvals/")
    assert notifications.notification_emails_send(ids=[row.pk]) == 1
    assert notifications.notification_emails_send(ids=[row.pk]) == 0
    assert len(mail.outbox) == 1


def test_with_the_broker_down_email_waits_for_the_sweep(world, committed, settings, monkeypatch):
    settings.NOTIFICATIONS_EMAIL = True
    clerk = world["clerk_a"]
    clerk.email = "zhangli@example.cn"
    clerk.save()

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis://127.0.0.1:9/0")

    monkeypatch.setattr(celery_app.tasks[notifications.SEND_EMAILS_TASK], "delay", broker_down)
    (row,) = committed(notify, [clerk], "待您审批", "/approvals/")  # the caller sees no error
    assert mail.outbox == []
    assert Notification.objects.get(pk=row.pk).email == "pending"

    assert notifications.notification_emails_send_pending() == 0  # too fresh: its own task may still come
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    assert notifications.notification_emails_send_pending() == 1
    assert len(mail.outbox) == 1
    schedule = settings.CELERY_BEAT_SCHEDULE["send-pending-notification-emails"]
    assert schedule["task"] == "core.tasks.send_pending_notification_emails"


def test_a_mail_server_that_refuses_marks_the_email_failed(world, committed, settings):
    settings.NOTIFICATIONS_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    clerk = world["clerk_a"]
    clerk.email = "zhangli@example.cn"
    clerk.save()
    (row,) = committed(notify, [clerk], "待您审批", "/approvals/")
    assert Notification.objects.get(pk=row.pk).email == "failed"


def test_a_key_tells_each_user_once(world):
    clerk, city = world["clerk_a"], world["city"]
    assert len(notify([clerk], "逾期待办：1 件", "/approvals/", key="digest:2026-03-02")) == 1
    again = notify([clerk, city], "逾期待办：1 件", "/approvals/", key="digest:2026-03-02")
    assert [n.recipient for n in again] == [city]
    assert len(notify([clerk], "逾期待办：1 件", "/approvals/", key="digest:2026-03-03")) == 1
    assert Notification.objects.filter(recipient=clerk).count() == 2


# --- The bell -------------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count(world, client_for):
    clerk = world["clerk_a"]
    notify([clerk], "一", "/")
    notify([clerk], "二", "/")
    read = notify([clerk], "三", "/")[0]
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    html = client_for("clerk_a").get("/").content.decode()
    assert 'data-bell-count>2<span class="visually-hidden">未读</span>' in html
    assert 'href="/notifications/"' in html


def test_the_bell_has_no_count_when_all_is_read(world, client_for):
    html = client_for("clerk_a").get("/").content.decode()
    assert "data-bell" in html and "bi-bell" in html
    assert "data-bell-count" not in html


def test_the_bell_costs_one_query(world, client_for):
    clerk = world["clerk_a"]
    client = client_for("clerk_a")
    client.get("/")  # the session, content types
    for n in range(3):
        notify([clerk], f"通知{n}", "/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    asked = [q["sql"] for q in captured if "core_notification" in q["sql"]]
    assert len(asked) == 1, asked
    assert "COUNT" in asked[0].upper()


def test_a_page_without_the_bell_asks_nothing_of_notifications(world, client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "data-bell" not in response.content.decode()
    assert not [q for q in captured if "core_notification" in q["sql"]]


# --- The page -------------------------------------------------------------------------------------


def test_the_page_lists_my_notifications_newest_first_unread_highlighted(world, client_for):
    clerk = world["clerk_a"]
    old = notify([clerk], "较早的通知", "/approvals/1/")[0]
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=1), read_at=timezone.now()
    )
    notify([clerk], "最新的通知", "/approvals/2/")
    notify([world["clerk_b"]], "别人的通知", "/approvals/3/")
    html = client_for("clerk_a").get(LIST).content.decode()
    assert html.index("最新的通知") < html.index("较早的通知")
    assert "别人的通知" not in html
    assert html.count("data-unread") == 1
    assert "全部标为已读" in html


def test_the_page_is_paginated_twenty_a_page(world, client_for):
    clerk = world["clerk_a"]
    Notification.objects.bulk_create(
        [Notification(recipient=clerk, text=f"第{n}条", url="/") for n in range(25)]
    )
    html = client_for("clerk_a").get(LIST).content.decode()
    assert html.count("list-group-item-action") == 20
    assert "第1–20条，共25条" in html
    assert client_for("clerk_a").get(LIST, {"page": 2}).content.decode().count("list-group-item-action") == 5


def test_the_page_costs_the_same_for_1_and_20_notifications(world, client_for):
    clerk = world["clerk_a"]

    def add_rows(n):
        Notification.objects.bulk_create(
            [Notification(recipient=clerk, text="通知", url="/") for _ in range(n)]
        )

    assert_list_queries_constant(client_for("clerk_a"), LIST, add_rows)


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(world, client_for):
    row = notify([world["clerk_a"]], "待您审批", "/approvals/7/")[0]
    response = client_for("clerk_a").get(reverse("core:notification_open", args=[row.pk]))
    assert response.status_code == 302 and response["Location"] == "/approvals/7/"
    row.refresh_from_db()
    assert row.read_at is not None
    first_read = row.read_at
    client_for("clerk_a").get(reverse("core:notification_open", args=[row.pk]))
    row.refresh_from_db()
    assert row.read_at == first_read  # opened again: still read when first read


def test_another_users_notification_is_not_found(world, client_for):
    row = notify([world["clerk_b"]], "别人的通知", "/approvals/7/")[0]
    for persona in ("clerk_a", "city", "sysadmin", "auditor"):
        response = client_for(persona).get(reverse("core:notification_open", args=[row.pk]))
        assert response.status_code == 404, persona
    row.refresh_from_db()
    assert row.read_at is None


def test_a_stored_link_to_another_site_leads_home(world, client_for):
    row = Notification.objects.create(recipient=world["clerk_a"], text="旧通知", url="//evil.example/")
    response = client_for("clerk_a").get(reverse("core:notification_open", args=[row.pk]))
    assert response["Location"] == "/"


def test_mark_all_read_marks_only_mine(world, client_for):
    clerk, other = world["clerk_a"], world["clerk_b"]
    for n in range(3):
        notify([clerk, other], f"通知{n}", "/")
    client = client_for("clerk_a")
    response = client.post(reverse("core:notification_read_all"))
    assert response.status_code == 302 and response["Location"] == LIST
    assert unread_of(clerk) == 0
    assert unread_of(other) == 3
    html = client.get(LIST).content.decode()
    assert "已将 3 条通知标为已读" in html
    assert "全部标为已读" not in html  # nothing left to mark


# --- Old notifications --------------------------------------------------------------------------


def test_old_notifications_are_swept_daily(world, settings):
    clerk = world["clerk_a"]
    old, new = notify([clerk], "旧", "/")[0], notify([clerk], "新", "/")[0]
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=181))
    settings.NOTIFICATIONS_KEEP_DAYS = 180
    assert notifications.notifications_sweep() == 1
    assert list(Notification.objects.all()) == [new]
    assert settings.CELERY_BEAT_SCHEDULE["sweep-notifications"]["task"] == "core.tasks.sweep_notifications"
