"""The reads of approvals: a user's inbox (待办), what they decided (已办), what they sent (我发起的),
a request's timeline and what changed between its rounds. Every list goes through
``ApprovalRequest.objects.restrict(user)``: a reviewer of a city bureau (region = the city) sees the
requests of all the city's streets, because a request carries its subject's region path."""

import copy
from typing import NamedTuple

from django.contrib.auth.models import Group
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from org.models import User

from .models import ApprovalRequest, Assignment, Delegation, Flow, FlowVersion, RequestAttachment, Stage, Step


def _open_turn(user):
    """Pending requests whose current stage waits for the user's organisation in this round, at a
    stage whose role the user holds, or holds through a colleague's delegation today."""
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return Q(pk__in=[])
    today = timezone.localdate()
    waiting = Assignment.objects.filter(
        request=OuterRef("pk"),
        stage=OuterRef("current_stage"),
        round=OuterRef("round"),
        organisation_id=user.organisation_id,
        decided=False,
    )
    own_roles = Group.objects.filter(user=user).values("name")
    delegated_roles = (
        Delegation.objects.filter(
            delegate=user,
            delegator__organisation_id=user.organisation_id,
            delegator__is_active=True,
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .exclude(delegator=OuterRef("submitter"))
        .values("delegator__groups__name")
    )
    may_act = (
        Q(current_stage__role="")
        | Q(current_stage__role__in=own_roles)
        | Q(current_stage__role__in=delegated_roles)
    )
    return Q(Exists(waiting), may_act, state=ApprovalRequest.State.PENDING) & ~Q(submitter=user)


def _listed(queryset):
    today = timezone.localdate()
    return queryset.select_related(
        "flow", "current_stage", "submitter", "submitter_organisation", "content_type"
    ).annotate(
        overdue=Case(
            When(state=ApprovalRequest.State.PENDING, due_on__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def requests_for(user):
    """Every request the user may read, with what a list row or the request's page shows."""
    return _listed(ApprovalRequest.objects.restrict(user)).select_related("flow_version")


def inbox_for(user):
    """待办: the requests the user's organisation must decide now and has not, soonest due first."""
    requests = ApprovalRequest.objects.restrict(user).filter(_open_turn(user))
    return _listed(requests).order_by("due_on", "submitted_at", "id")


def inbox_count(user):
    """The number in the navigation: one query once the user's scope is known for the request."""
    return ApprovalRequest.objects.restrict(user).filter(_open_turn(user)).count()


def done_for(user):
    """已办: requests the user decided on (approved, returned or rejected), newest first."""
    decided = Step.objects.filter(request=OuterRef("pk"), actor=user, action__in=Step.DECISIONS)
    return _listed(ApprovalRequest.objects.restrict(user).filter(Exists(decided))).order_by(
        "-updated_at", "-id"
    )


def sent_by(user):
    """我发起的: the user's own requests, newest first."""
    return _listed(ApprovalRequest.objects.restrict(user).filter(submitter=user)).order_by(
        "-submitted_at", "-id"
    )


def timeline(request):
    """Every step of ``request`` (already restricted by the caller), oldest first."""
    return request.steps.select_related("stage", "actor", "on_behalf_of", "actor_organisation").order_by(
        "at", "id"
    )


def facts_changes(request):
    """What changed between the last two submissions: [(fact, before, after)] for each fact that
    differs, in the order the subject registers them; empty before a resubmission."""
    snapshots = list(
        request.steps.filter(facts__isnull=False).order_by("-at", "-id").values_list("facts", flat=True)[:2]
    )
    if len(snapshots) < 2:
        return []
    after, before = snapshots
    names = list(after) + [name for name in before if name not in after]
    return [
        (name, before.get(name), after.get(name)) for name in names if before.get(name) != after.get(name)
    ]


def waiting_organisations(request):
    """The organisations whose decision the current stage still waits for in this round."""
    return [
        a.organisation
        for a in Assignment.objects.filter(
            request=request, stage_id=request.current_stage_id, round=request.round, decided=False
        ).select_related("organisation")
    ]


def may_decide(user, request):
    """Whether ``user`` may approve, return or reject ``request`` now: the inbox's own question
    (its stage waits for their organisation in this round, with the role or a delegation, and they
    did not submit it), for one request. The services check the same under lock."""
    return inbox_for(user).filter(pk=request.pk).exists()


def stage_assignments(request):
    """The organisations of the current stage in this round, each with whether it has decided."""
    if request.current_stage_id is None:
        return []
    return list(
        Assignment.objects.filter(request=request, stage_id=request.current_stage_id, round=request.round)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def stages_with_state(request):
    """[(stage, state)] of the request's flow version, in order; state is one of ``passed`` (approved
    at some round), ``skipped`` (its condition did not hold), ``current``, ``returned``,
    ``rejected`` or ``ahead``."""
    from .models import Stage

    stages = list(
        Stage.objects.filter(version_id=request.flow_version_id).prefetch_related("actors__organisation")
    )
    approved = set(
        request.steps.filter(action__in=(Step.Action.APPROVE, Step.Action.PASS))
        .values_list("stage_id", flat=True)
        .distinct()
    )
    current = request.current_stage
    State = ApprovalRequest.State
    rows = []
    for stage in stages:
        if current is not None and stage.pk == current.pk:
            state = {State.PENDING: "current", State.RETURNED: "returned", State.REJECTED: "rejected"}.get(
                request.state, "current"
            )
        elif (current is not None and stage.order > current.order) or request.state == State.WITHDRAWN:
            state = "ahead"
        elif stage.pk in approved:
            state = "passed"
        elif current is None and request.state != State.APPROVED:
            state = "ahead"
        else:
            state = "skipped"
        rows.append((stage, state))
    return rows


def recorded(request, what):
    """What the latest approval of ``request`` at a stage recording ``what`` (a ``Record`` value)
    wrote down: the document number of the approval, the representatives present; "" if none."""
    step = (
        request.steps.filter(action=Step.Action.APPROVE, stage__record=what)
        .exclude(record="")
        .order_by("-at", "-id")
        .first()
    )
    return step.record if step is not None else ""


# --- Flows and delegations ---------------------------------------------------------------------


def _running(user):
    """The user's open requests (draft, pending, returned): a running one keeps its version."""
    return ApprovalRequest.objects.restrict(user).filter(state__in=ApprovalRequest.OPEN_STATES)


def flows_for(user):
    """The flows the user may see, each with its published version's number and stage count,
    whether a draft waits, and how many requests run: one query, however many flows."""
    published = FlowVersion.objects.filter(flow=OuterRef("pk"), published_at__isnull=False).order_by(
        "-number"
    )
    return (
        Flow.objects.restrict(user)
        .select_related("city")
        # In the order a project meets them: declaration, approval, acceptance, disbursement.
        .order_by(
            "city__path",
            Case(
                *[When(code=code, then=Value(i)) for i, code in enumerate(Flow.Code.values)],
                default=Value(99),
            ),
        )
        .annotate(published_id=Subquery(published.values("pk")[:1]))
        .annotate(
            published_number=Subquery(published.values("number")[:1]),
            published_stages=Coalesce(
                Subquery(
                    Stage.objects.filter(version=OuterRef("published_id"))
                    .order_by()
                    .values("version")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            draft_number=Subquery(
                FlowVersion.objects.filter(flow=OuterRef("pk"), published_at__isnull=True)
                .order_by("-number")
                .values("number")[:1]
            ),
            running=Coalesce(
                Subquery(
                    _running(user)
                    .filter(flow=OuterRef("pk"))
                    .order_by()
                    .values("flow")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
    )


def running_by_version(user, flow):
    """{version number: open requests going by it} of ``flow``, as far as the user sees them."""
    return dict(
        _running(user)
        .filter(flow=flow)
        .order_by()
        .values_list("flow_version__number")
        .annotate(n=Count("pk"))
    )


def version_stages(version):
    """The stages of ``version`` in order, with who acts at each."""
    return version.stages.order_by("order").prefetch_related("actors__organisation")


def colleagues_of(user):
    """Whom ``user`` may delegate to: the other active users of their own organisation."""
    if user.organisation_id is None:
        return User.objects.none()
    return (
        User.objects.filter(organisation_id=user.organisation_id, is_active=True)
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name", "username")
    )


def delegations_of(user):
    """(given, received): the user's delegations to colleagues and theirs to the user, newest first."""
    mine = Delegation.objects.restrict(user).select_related("delegator", "delegate")
    return mine.filter(delegator=user), mine.filter(delegate=user)


# --- Attachments ---------------------------------------------------------------------------------


class AttachmentChange(NamedTuple):
    """One file that differs between the last two rounds: ``kind`` is ``added``, ``removed`` or
    ``replaced`` (same name, other content); ``before`` / ``after`` the attachments (or None)."""

    kind: str
    before: RequestAttachment | None
    after: RequestAttachment | None

    @property
    def name(self):
        return (self.after or self.before).filename


def attachments_of(user):
    """The files of the requests ``user`` may read (a file is scoped through its request)."""
    return RequestAttachment.objects.filter(request__in=ApprovalRequest.objects.restrict(user))


def attachment_rounds(request):
    """[(round, [attachments])] of every round of ``request`` that had files, newest round first;
    each attachment is marked ``is_new`` when it came in that round."""
    rows = list(request.attachments.select_related("uploaded_by").order_by("filename", "id"))
    rounds = []
    for number in range(request.round, 0, -1):
        files = [copy.copy(row) for row in rows if row.in_round(number)]
        for row in files:
            row.is_new = row.round == number
        if files:
            rounds.append((number, files))
    return rounds


def attachment_changes(request):
    """What changed in the files between the last two rounds (like ``facts_changes``):
    [AttachmentChange], the added first, then the replaced, then the removed, each by file name;
    empty before a resubmission."""
    if request.round < 2:
        return []
    rows = list(request.attachments.filter(round__lte=request.round))
    before = {row.filename: row for row in rows if row.in_round(request.round - 1)}
    after = {row.filename: row for row in rows if row.in_round(request.round)}
    changes = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old is None:
            changes.append(AttachmentChange("added", None, new))
        elif new is None:
            changes.append(AttachmentChange("removed", old, None))
        elif old.sha256 != new.sha256:
            changes.append(AttachmentChange("replaced", old, new))
    order = ("added", "replaced", "removed")
    return sorted(changes, key=lambda change: order.index(change.kind))
