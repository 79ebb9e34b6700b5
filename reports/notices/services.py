"""Issuing and voiding notices. Every number comes from the issuer's yearly counter, locked for the
rest of the transaction that records the notice: two notices issued at the same moment get
consecutive numbers, and a transaction that rolls back gives its number back, so the register has
no gap. A voided notice keeps its number, marked 作废.

The PDF is rendered afterwards by a background job (reports.notices.rendering), queued when the
transaction commits; the notice and its number exist at once.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.jobs import job_start
from core.models import AuditEntry
from core.services import instance_create, instance_update
from reports.models import DocumentCounter, Notice, NoticeIssuer

from .kinds import notice_kind
from .selectors import issuers_for


def _kind(kind):
    return notice_kind(kind) if isinstance(kind, str) else kind


def number_take(*, issuer, year):
    """The next sequence of ``issuer`` in ``year``, its counter row locked until the caller's
    transaction ends. The row is created on first use; ON CONFLICT DO NOTHING lets two first
    issues of a year meet without an error (the second waits for the first, then locks the row)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take() must run inside the transaction that records the notice")
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(issuer=issuer, year=year, last_number=0)], ignore_conflicts=True
    )
    counter = DocumentCounter.objects.select_for_update().get(issuer=issuer, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _check_may_issue(kind, user, issuer):
    if not kind.may_issue(user):
        raise PermissionDenied(_("You may not issue a %(kind)s.") % {"kind": kind.label})
    if not issuer.active or not issuers_for(user).filter(pk=issuer.pk).exists():
        raise ValidationError(
            {
                "issuer": _("You may not issue documents in the name of %(issuer)s.")
                % {"issuer": issuer.signature}
            }
        )


def _check_subject(kind, user, subject):
    eligible = kind.eligible(kind.subject_model.objects.restrict(user, "view"))
    if not eligible.filter(pk=subject.pk).exists():
        raise ValidationError(
            _("A %(kind)s cannot be issued for %(subject)s.")
            % {"kind": kind.label, "subject": kind.subject_label(subject)}
        )


def _record(*, kind, subject, issuer, user, issued_on, title, addressee, contact, note):
    """One notice with the next number, its content frozen. Runs inside the caller's transaction."""
    year = issued_on.year
    sequence = number_take(issuer=issuer, year=year)
    region = kind.region(subject)
    notice = Notice(
        kind=kind.code, issuer=issuer, year=year, sequence=sequence, number=issuer.number_text(year, sequence),
        title=(title or "").strip() or kind.title(subject), issued_on=issued_on, subject=subject,
        subject_label=str(kind.subject_label(subject))[:200], region=region, city=_city_of(region),
        created_by=user,
    )  # fmt: skip
    notice.addressee = (addressee or "").strip() if addressee is not None else kind.addressee(subject)
    notice.extras = {"contact": (contact or "").strip(), "note": (note or "").strip()}
    notice.context = {**kind.context(subject, notice), **notice.extras}
    notice.full_clean()
    notice.save()
    audit_record(
        actor=user, action=AuditEntry.Action.CREATE, obj=notice,
        summary=_("Issued %(number)s %(title)s") % {"number": notice.number, "title": notice.title},
    )  # fmt: skip
    return notice


def _city_of(region):
    from org.models import Region

    node = region
    while node is not None and node.level > Region.Level.CITY:
        node = node.parent
    return node or region


def _render_job(user, notices):
    from .rendering import RENDER_JOB

    job = job_start(kind=RENDER_JOB, user=user, params={"notice_ids": [n.pk for n in notices]})
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(job=job)
    for notice in notices:
        notice.job = job
    return job


def notice_issue(
    *,
    kind,
    subject,
    issuer,
    user,
    title=None,
    addressee=None,
    contact="",
    note="",
    issued_on=None,
    render=True,
):
    """Issue a notice of ``kind`` about ``subject`` in ``issuer``'s name: its number is taken at
    once, in the caller's transaction; its PDF is rendered by a job queued on commit."""
    kind = _kind(kind)
    _check_may_issue(kind, user, issuer)
    _check_subject(kind, user, subject)
    with transaction.atomic():
        issuer = NoticeIssuer.objects.get(pk=issuer.pk)
        notice = _record(
            kind=kind, subject=subject, issuer=issuer, user=user, issued_on=issued_on or timezone.localdate(),
            title=title, addressee=addressee, contact=contact, note=note,
        )  # fmt: skip
        if render:
            _render_job(user, [notice])
    return notice


def notices_issue_batch(*, kind, subjects, issuer, user, contact="", note="", issued_on=None):
    """One notice of ``kind`` for each of ``subjects``, with consecutive numbers, in one
    transaction (all or none), rendered by one job; returns the job."""
    kind = _kind(kind)
    subjects = list(subjects)
    if not subjects:
        raise ValidationError(_("Choose at least one subject."))
    _check_may_issue(kind, user, issuer)
    for subject in subjects:
        _check_subject(kind, user, subject)
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        issuer = NoticeIssuer.objects.get(pk=issuer.pk)
        notices = [
            _record(
                kind=kind,
                subject=subject,
                issuer=issuer,
                user=user,
                issued_on=issued_on,
                title=None,
                addressee=None,
                contact=contact,
                note=note,
            )
            for subject in subjects
        ]
        return _render_job(user, notices)


def notice_void(*, notice, user, reason, render=True):
    """Void ``notice``: its number stays in the register, marked 作废, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"void_reason": _("Say why the notice is voided.")})
    with transaction.atomic():
        locked = Notice.objects.restrict(user, "void").select_for_update().filter(pk=notice.pk).first()
        if locked is None:
            raise PermissionDenied(_("You may not void this notice."))
        if not locked.can_be_voided():
            raise ValidationError(_("The notice %(number)s is already voided.") % {"number": locked.number})
        locked.status = Notice.Status.VOIDED
        locked.void_reason = reason[:300]
        locked.voided_by = user
        locked.voided_at = timezone.now()
        # The register's copy is printed again with 作废 across it, so a voided document cannot
        # be downloaded and used as if it were in force; the old file goes once this commits.
        old_file = locked.file.name
        locked.file, locked.rendered_at = "", None
        locked.full_clean()
        locked.save(
            update_fields=[
                "status",
                "void_reason",
                "voided_by",
                "voided_at",
                "file",
                "rendered_at",
                "updated_at",
            ]
        )
        if old_file:
            transaction.on_commit(lambda: default_storage.delete(old_file))
        if render:
            _render_job(user, [locked])
        audit_record(
            actor=user, action=AuditEntry.Action.UPDATE, obj=locked,
            summary=_("Voided %(number)s: %(reason)s") % {"number": locked.number, "reason": locked.void_reason},
            changes={"status": ["issued", "voided"]},
        )  # fmt: skip
    return locked


# --- Issuers, kept in the administration site ------------------------------------------------------

ISSUER_FIELDS = ("organisation", "abbreviation", "header", "signature", "active")


def noticeissuer_create(*, actor, **fields):
    return instance_create(actor=actor, model=NoticeIssuer, fields=fields, editable=ISSUER_FIELDS)


def noticeissuer_update(*, actor, instance, **fields):
    return instance_update(actor=actor, instance=instance, fields=fields, editable=ISSUER_FIELDS)


def noticeissuer_delete(*, actor, instance):
    """An issuer that signed a notice stays (its numbers are in the register): set it not in use."""
    if instance.notices.exists() or instance.counters.exists():
        raise ValidationError(
            _("%(issuer)s has issued notices: set it not in use instead.") % {"issuer": instance}
        )
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=instance, summary=str(instance))
    instance.delete()
