"""Notifications: what the portal tells a user, in the portal (the bell and its page) and, where
configured, by e-mail. Knows no app: an app decides who is told what and calls ``notify``.

E-mail goes out after the notification's transaction commits, through a Celery task; the rows
remember whether their e-mail is still to be sent, so a broker that was down loses nothing (the
beat task ``send_pending_notification_emails`` sends what is left) and a task delivered twice
sends each e-mail once.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import Notification

log = logging.getLogger(__name__)

# The Celery task that sends a batch's e-mail (core.tasks), named: tasks import this module.
SEND_EMAILS_TASK = "core.tasks.send_notification_emails"
# The beat sweep leaves younger rows to the task their own transaction queued.
SWEEP_AFTER = timedelta(minutes=2)
SUBJECT_LENGTH = 80


def notify(users, text, url, *, email_subject=None, key=""):
    """Tell each active user of ``users`` ``text`` (shown in the portal, linking to ``url``, a path
    of the portal) and e-mail it to those with an address when settings.NOTIFICATIONS_EMAIL is on.

    ``key`` says what the notification is about when a user is to be told it once only (a day's
    digest): a user who already has a notification with that key is not told again, even by two
    calls at once. Returns the notifications written."""
    if not is_safe_url(url):
        raise ValueError(f"A notification links to a path of the portal, not {url!r}")
    recipients = {user.pk: user for user in users if user.is_active}
    by_email = settings.NOTIFICATIONS_EMAIL
    rows = [
        Notification(
            recipient=user,
            text=text,
            url=url,
            key=key,
            email=Notification.Email.PENDING if by_email and user.email else Notification.Email.NONE,
        )
        for user in recipients.values()
    ]
    with transaction.atomic():
        if key:
            created = [row for row in rows if _create_once(row)]
        else:
            created = Notification.objects.bulk_create(rows)
        emailed = [row.pk for row in created if row.email == Notification.Email.PENDING]
        if emailed:
            subject = email_subject or text.split("\n", 1)[0]
            transaction.on_commit(lambda: notification_emails_dispatch(ids=emailed, subject=subject))
    return created


def _create_once(row):
    """Write ``row`` unless its recipient already has its key (the unique constraint decides)."""
    if Notification.objects.filter(recipient=row.recipient, key=row.key).exists():
        return False
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # written meanwhile by another run
        return False
    return True


def is_safe_url(url):
    """A path of the portal ("/approvals/12/"), never another site ("//evil.example", "https://…")."""
    if url == "":
        return True
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


# --- Reading ------------------------------------------------------------------------------------


def notifications_for(user):
    """The user's own notifications, newest first (``restrict()``: nobody reads another's)."""
    return Notification.objects.restrict(user).order_by("-created_at", "-id")


def unread_count(user):
    """The number on the bell: one query once the user's permissions are known for the request."""
    return notifications_for(user).filter(read_at__isnull=True).count()


# --- Writes of the recipient --------------------------------------------------------------------


def notification_open(*, notification, actor):
    """Mark ``notification`` (one of ``actor``'s own) read; returns where it leads."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification.url if is_safe_url(notification.url) and notification.url else "/"


def notifications_mark_read(*, actor):
    """Mark every unread notification of ``actor`` read; returns how many."""
    return notifications_for(actor).filter(read_at__isnull=True).update(read_at=timezone.now())


# --- E-mail -------------------------------------------------------------------------------------


def notification_emails_dispatch(*, ids, subject):
    """Queue the e-mail of the notifications ``ids``. With the broker down they stay pending for
    the beat sweep; the request that wrote them never fails for it."""
    try:
        # Looked up in the app's registry, not sent by name: send_task() would ignore eager mode.
        current_app.tasks[SEND_EMAILS_TASK].delay(list(ids), subject)
    except Exception:  # kombu raises several unrelated types when Redis is down
        log.warning("Broker unreachable; %s notification e-mails wait for the sweep", len(ids), exc_info=True)


def notification_emails_send(*, ids, subject=None):
    """Send the e-mail of each notification of ``ids`` still pending, once: a row is claimed
    (pending → sent) before its message goes out, so a second delivery of the task sends nothing.
    Returns how many were sent."""
    claimed = []
    for pk in ids:
        if Notification.objects.filter(pk=pk, email=Notification.Email.PENDING).update(
            email=Notification.Email.SENT, emailed_at=timezone.now()
        ):
            claimed.append(pk)
    notifications = list(
        Notification.objects.filter(pk__in=claimed).select_related("recipient").order_by("pk")
    )
    if not notifications:
        return 0
    sent = 0
    connection = get_connection()
    try:
        connection.open()  # one connection for the batch
    except Exception:
        log.exception("No connection to the mail server; %s notification e-mails failed", len(notifications))
        Notification.objects.filter(pk__in=claimed).update(email=Notification.Email.FAILED)
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        for notification in notifications:
            message = _email_message(notification, subject, connection)
            try:
                message.send()
            except Exception:
                log.exception("E-mail of notification %s failed", notification.pk)
                Notification.objects.filter(pk=notification.pk).update(email=Notification.Email.FAILED)
            else:
                sent += 1
    connection.close()
    return sent


def _email_message(notification, subject, connection):
    subject = Truncator(subject or notification.text.split("\n", 1)[0]).chars(SUBJECT_LENGTH)
    link = notification.url
    base = settings.PORTAL_URL.rstrip("/")
    lines = [notification.text, ""]
    if link:
        lines.append(_("See it in the portal: %(link)s") % {"link": f"{base}{link}"})
        lines.append("")
    lines.append(_("This e-mail was sent by the portal; replies are not read."))
    return EmailMessage(
        subject=f"【{_('Old Compound Renovation Portal')}】{subject}",
        body="\n".join(lines),
        to=[notification.recipient.email],
        connection=connection,
    )


def notification_emails_send_pending():
    """Send what the broker never got (it was down): pending e-mails older than a moment."""
    ids = list(
        Notification.objects.filter(
            email=Notification.Email.PENDING, created_at__lt=timezone.now() - SWEEP_AFTER
        ).values_list("pk", flat=True)[:500]
    )
    return notification_emails_send(ids=ids) if ids else 0


# --- Old notifications --------------------------------------------------------------------------


def notifications_sweep(*, keep_days=None):
    """Delete notifications older than settings.NOTIFICATIONS_KEEP_DAYS (read or not: what they
    pointed at has long moved on). Returns how many went."""
    keep_days = keep_days if keep_days is not None else settings.NOTIFICATIONS_KEEP_DAYS
    deleted, _per_model = Notification.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=keep_days)
    ).delete()
    return deleted
