"""Who is told what about a request (core.notifications does the telling).

Connected from ApprovalsConfig.ready() to ``signals.request_changed``, sent once a step is
committed: a request that reaches a stage (or comes back to it in a new round) is announced to the
users who may now decide it; its submitter hears that it was approved, returned or rejected; a
withdrawn request is taken off the desks of those who were waiting for it. ``overdue_digest_send``
tells each reviewer once a day what waits for them past its deadline.

Texts are written in the site's language (Chinese), whatever language the acting user browses in.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.notifications import notify

from .models import ApprovalRequest, Assignment, Delegation, Step
from .registry import subject_label
from .signals import request_changed

log = logging.getLogger(__name__)

State = ApprovalRequest.State
DIGEST_KEY = "approvals.overdue:{day}"
DIGEST_LINES = 30  # a longer list ends with "and n more"; the inbox has them all
REASON_LENGTH = 200


def connect():
    request_changed.connect(request_changed_notify, sender=ApprovalRequest, dispatch_uid="approvals.notify")


# --- Who may decide ------------------------------------------------------------------------------


def deciders(request, *, stage=None, round=None):
    """The users who may decide ``request`` at ``stage`` in ``round`` (default: where it stands):
    ``selectors._open_turn`` seen from the request's side. Active users of an organisation still
    awaited at that stage and round, holding the stage's role (if it has one) or holding it today
    through a delegation of a colleague of the same organisation who did not submit the request;
    with the permission to read requests (as ``restrict()`` asks); never the submitter."""
    stage = stage if stage is not None else request.current_stage
    round = round if round is not None else request.round
    User = get_user_model()
    if stage is None:
        return User.objects.none()
    waiting = Assignment.objects.filter(request=request, stage=stage, round=round, decided=False).values(
        "organisation_id"
    )
    users = User.objects.filter(is_active=True, organisation_id__in=waiting).exclude(pk=request.submitter_id)
    if stage.role:
        today = timezone.localdate()
        holds_role = Group.objects.filter(user=OuterRef("pk"), name=stage.role)
        delegated = Delegation.objects.filter(
            delegate=OuterRef("pk"),
            delegator__organisation_id=OuterRef("organisation_id"),
            delegator__is_active=True,
            delegator__groups__name=stage.role,
            starts_on__lte=today,
            ends_on__gte=today,
        ).exclude(delegator_id=request.submitter_id)
        users = users.filter(Q(Exists(holds_role)) | Q(Exists(delegated)))
    may_read = Permission.objects.filter(
        content_type__app_label="approvals", codename="view_approvalrequest"
    ).filter(Q(group__user=OuterRef("pk")) | Q(user=OuterRef("pk")))
    return users.filter(Q(is_superuser=True) | Q(Exists(may_read))).order_by("pk")


# --- What they are told -------------------------------------------------------------------------


def _names(request, stage=None):
    stage = stage if stage is not None else request.current_stage
    return {
        "label": subject_label(request.content_type.model_class()),
        "subject": request.subject_repr,
        "flow": request.flow.name,
        "stage": stage.name if stage is not None else "—",
    }


def _due(due_on):
    return due_on.strftime("%Y-%m-%d") if due_on else "—"


def request_changed_notify(sender, *, request, step, **kwargs):
    """Receiver of ``request_changed``. The decision is committed: a notification that cannot be
    written is logged, never the reviewer's error."""
    try:
        with translation.override(settings.LANGUAGE_CODE):
            _notify_step(request, step)
    except Exception:
        log.exception("Notifications of step %s of approval request %s failed", step.pk, request.pk)


def _notify_step(request, step):
    url = request.get_absolute_url()
    Action = Step.Action
    if request.state == State.PENDING and (
        step.action in (Action.SUBMIT, Action.RESUBMIT) or request.current_stage_id != step.stage_id
    ):
        _tell_deciders(request, step, url)
    elif request.state == State.APPROVED:
        text = _("Your %(label)s “%(subject)s” has been approved (%(flow)s).") % _names(request, step.stage)
        notify([request.submitter], text, url)
    elif request.state == State.RETURNED and step.action == Action.RETURN:
        text = _(
            "Your %(label)s “%(subject)s” was returned for revision by %(organisation)s at the stage "
            "“%(stage)s” of %(flow)s: %(reason)s"
        ) % _decision_names(request, step)
        notify([request.submitter], text, url)
    elif request.state == State.REJECTED:
        text = _(
            "Your %(label)s “%(subject)s” was rejected by %(organisation)s at the stage “%(stage)s” of "
            "%(flow)s: %(reason)s"
        ) % _decision_names(request, step)
        notify([request.submitter], text, url)
    elif request.state == State.WITHDRAWN:
        _tell_withdrawn(request, step, url)


def _tell_withdrawn(request, step, url):
    """Withdrawn by its submitter, or ended by someone else (its subject's app settled the matter):
    the desks that were waiting are told, and a submitter who did not end it."""
    by_submitter = step.actor_id == request.submitter_id
    if step.stage is not None and _was_pending(request, step):
        if by_submitter:
            text = _(
                "%(label)s “%(subject)s” was withdrawn by its submitter (%(flow)s, stage “%(stage)s”): "
                "nothing to decide any more."
            )
        else:
            text = _(
                "%(label)s “%(subject)s” was ended by %(organisation)s (%(flow)s, stage “%(stage)s”): "
                "nothing to decide any more: %(reason)s"
            )
        notify(
            deciders(request, stage=step.stage, round=step.round), text % _decision_names(request, step), url
        )
    if not by_submitter:
        text = _("Your %(label)s “%(subject)s” was ended by %(organisation)s (%(flow)s): %(reason)s")
        notify([request.submitter], text % _decision_names(request, step), url)


def _was_pending(request, step):
    """Whether the request waited for a decision (not for its submitter, after a return)."""
    before = request.steps.exclude(pk=step.pk).order_by("-at", "-id").values_list("action", flat=True).first()
    return before != Step.Action.RETURN


def _tell_deciders(request, step, url):
    # The deadline as stored now: whoever writes the step may still set it before the commit
    # (the demo dates its requests back), and deciders() reads the assignments as stored too.
    due_on = ApprovalRequest.objects.filter(pk=request.pk).values_list("due_on", flat=True).first()
    names = {**_names(request), "due": _due(due_on), "round": request.round}
    if step.action == Step.Action.RESUBMIT:
        text = _(
            "Resubmitted for your decision (round %(round)s): %(label)s “%(subject)s”, %(flow)s, stage "
            "“%(stage)s”, due %(due)s."
        )
    else:
        text = _(
            "Waiting for your decision: %(label)s “%(subject)s”, %(flow)s, stage “%(stage)s”, due %(due)s."
        )
    notify(deciders(request), text % names, url)


def _decision_names(request, step):
    return {
        **_names(request, step.stage),
        "organisation": step.actor_organisation.name,
        "reason": Truncator(step.opinion).chars(REASON_LENGTH),
    }


# --- The daily digest ---------------------------------------------------------------------------


def overdue_digest_send(*, today=None):
    """Tell each user who may decide requests past their deadline (pending, ``due_on`` before
    ``today``) how many and which, in one notification (and e-mail) a day: a second run the same day
    tells nobody again (the notifications' key). Returns how many users were told."""
    today = today or timezone.localdate()
    overdue = (
        ApprovalRequest.objects.filter(state=State.PENDING, due_on__lt=today)
        .filter(
            Exists(
                Assignment.objects.filter(
                    request=OuterRef("pk"),
                    stage=OuterRef("current_stage"),
                    round=OuterRef("round"),
                    decided=False,
                )
            )
        )
        .select_related("flow", "current_stage", "content_type", "submitter")
        .order_by("due_on", "submitted_at", "id")
    )
    waiting_for = {}  # user → [requests], in the inbox's order
    users = {}
    for request in overdue:
        for user in deciders(request):
            users[user.pk] = user
            waiting_for.setdefault(user.pk, []).append(request)
    told = 0
    key = DIGEST_KEY.format(day=today.isoformat())
    url = reverse("approvals:request_inbox")
    with translation.override(settings.LANGUAGE_CODE):
        for pk, requests in waiting_for.items():
            title = _("Overdue to do: %(count)s") % {"count": len(requests)}
            if notify([users[pk]], _digest_text(title, requests), url, email_subject=title, key=key):
                told += 1
    return told


def _digest_text(title, requests):
    lines = [title]
    for request in requests[:DIGEST_LINES]:
        lines.append(
            _("· %(label)s “%(subject)s”, %(flow)s, stage “%(stage)s”, due %(due)s")
            % {**_names(request), "due": _due(request.due_on)}
        )
    if len(requests) > DIGEST_LINES:
        lines.append(_("… and %(count)s more in the inbox") % {"count": len(requests) - DIGEST_LINES})
    return "\n".join(lines)
