"""Every write of approvals: defining flows, and moving requests through them.

Decisions lock the request (``select_for_update``) and check, under the lock, that it still stands
where the reviewer saw it (``expected_stage``, ``expected_round``): two reviewers at once, or one
double click, give exactly one step and one transition; the other is told what happened meanwhile.
"""

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission

from core.audit import audit_record, changes_between, model_snapshot
from core.models import AuditEntry
from core.scoping import ancestor_paths
from org.models import Organisation, Region, User

from .attachments import attachments_store, checked_uploads, files_removed_on_error
from .conditions import condition_holds
from .models import ApprovalRequest, Assignment, Delegation, Flow, FlowVersion, Stage, StageActor, Step
from .registry import Outcome, facts_of, subject_for
from .signals import request_changed
from .workdays import add_working_days

State = ApprovalRequest.State

# --- Flows ---------------------------------------------------------------------------------------


def flow_create(*, actor, city, code, name):
    """A city's flow with an empty first version to add stages to."""
    with transaction.atomic():
        flow = Flow(city=city, code=code, name=name)
        flow.full_clean()
        flow.save()
        version = FlowVersion(flow=flow, number=1)
        version.full_clean()
        version.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=flow, summary=name)
    return flow


def flowversion_create(*, actor, flow):
    """A new draft version of ``flow``, starting as a copy of the newest one's stages."""
    with transaction.atomic():
        flow = Flow.objects.select_for_update().get(pk=flow.pk)
        latest = flow.versions.order_by("-number").first()
        if latest is not None and not latest.is_published():
            raise ValidationError(
                _("Version %(number)s is still a draft: change it instead.") % {"number": latest.number}
            )
        version = FlowVersion(flow=flow, number=(latest.number + 1) if latest else 1)
        version.full_clean()
        version.save()
        for stage in latest.stages.prefetch_related("actors") if latest else ():
            actors = list(stage.actors.all())
            copy = Stage.objects.create(
                version=version, order=stage.order, name=stage.name, mode=stage.mode, role=stage.role,
                condition=stage.condition, deadline_days=stage.deadline_days, record=stage.record,
                submitter_passes=stage.submitter_passes,
            )  # fmt: skip
            StageActor.objects.bulk_create(
                [StageActor(stage=copy, kind=a.kind, organisation_id=a.organisation_id) for a in actors]
            )
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=version, summary=str(version))
    return version


def stage_add(
    *,
    actor,
    version,
    name,
    actors,
    mode=Stage.Mode.SINGLE,
    role="",
    condition="",
    deadline_days=5,
    record="",
    submitter_passes=False,
):
    """Append a stage to a draft version. ``actors``: organisation kinds (Organisation.Kind values)
    and/or Organisation rows."""
    with transaction.atomic():
        version = FlowVersion.objects.select_for_update().get(pk=version.pk)
        if version.is_published():
            raise ValidationError(_("%(version)s is published and no longer changes.") % {"version": version})
        order = (version.stages.aggregate(last=Max("order"))["last"] or 0) + 1
        stage = Stage(
            version=version, order=order, name=name, mode=mode, role=role, condition=condition,
            deadline_days=deadline_days, record=record, submitter_passes=submitter_passes,
        )  # fmt: skip
        stage.full_clean()
        stage.save()
        for who in actors:
            row = (
                StageActor(stage=stage, organisation=who)
                if isinstance(who, Organisation)
                else StageActor(stage=stage, kind=who)
            )
            row.full_clean()
            row.save()
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            obj=version,
            summary=_("Stage added: %(name)s") % {"name": name},
        )
    return stage


def flowversion_publish(*, actor, version):
    """Freeze a draft version; new requests start with it. Refuses a version without stages, a stage
    that names no one, and a single-organisation stage that names several."""
    with transaction.atomic():
        version = FlowVersion.objects.select_for_update().select_related("flow").get(pk=version.pk)
        if version.is_published():
            raise ValidationError(_("%(version)s is already published.") % {"version": version})
        stages = list(version.stages.prefetch_related("actors"))
        if not stages:
            raise ValidationError(_("The flow “%(flow)s” has no stage.") % {"flow": version.flow})
        for stage in stages:
            count = len(stage.actors.all())
            if count == 0:
                raise ValidationError(_("The stage “%(stage)s” names no organisation.") % {"stage": stage})
            if stage.mode == Stage.Mode.SINGLE and count > 1:
                raise ValidationError(
                    _("The stage “%(stage)s” is decided by one organisation but names %(count)s.")
                    % {"stage": stage, "count": count}
                )
        version.published_at = timezone.now()
        version.save(update_fields=["published_at", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.TRANSITION, obj=version, summary=_("Published"))
    return version


def _draft_locked(version):
    """``version`` read again under lock; refused once published: running requests go by it."""
    version = FlowVersion.objects.select_for_update().select_related("flow").get(pk=version.pk)
    if version.is_published():
        raise ValidationError(_("%(version)s is published and no longer changes.") % {"version": version})
    return version


def _stage_snapshot(stage):
    return {
        **model_snapshot(stage, STAGE_FIELDS),
        "actors": "、".join(str(a) for a in stage.actors.select_related("organisation")),
    }


STAGE_FIELDS = ("name", "mode", "role", "condition", "deadline_days", "record", "submitter_passes")


def stage_update(
    *,
    actor,
    instance,
    name,
    actors,
    mode=Stage.Mode.SINGLE,
    role="",
    condition="",
    deadline_days=5,
    record="",
    submitter_passes=False,
):
    """Change a stage of a draft version, who acts at it included (``actors`` as for stage_add)."""
    with transaction.atomic():
        version = _draft_locked(instance.version)
        stage = version.stages.get(pk=instance.pk)
        before = _stage_snapshot(stage)
        stage.name, stage.mode, stage.role, stage.condition = name, mode, role, condition
        stage.deadline_days, stage.record, stage.submitter_passes = deadline_days, record, submitter_passes
        stage.full_clean()
        stage.save()
        stage.actors.all().delete()
        for who in actors:
            row = (
                StageActor(stage=stage, organisation=who)
                if isinstance(who, Organisation)
                else StageActor(stage=stage, kind=who)
            )
            row.full_clean()
            row.save()
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            obj=version,
            summary=_("Stage changed: %(name)s") % {"name": stage.name},
            changes=changes_between(before, _stage_snapshot(stage)),
        )
    return stage


def stage_delete(*, actor, instance):
    """Remove a stage from a draft version; the stages after it move up one place."""
    with transaction.atomic():
        version = _draft_locked(instance.version)
        stage = version.stages.get(pk=instance.pk)
        snapshot = _stage_snapshot(stage)
        order = stage.order
        stage.delete()
        # One by one, from the front: (version, order) stays unique after every row.
        for later in version.stages.filter(order__gt=order).order_by("order"):
            later.order -= 1
            later.save(update_fields=["order", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            obj=version,
            summary=_("Stage deleted: %(name)s") % {"name": snapshot["name"]},
            changes=snapshot,
        )


def stage_move(*, actor, stage, direction):
    """Swap a stage of a draft version with the one before it (``up``) or after it (``down``)."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a stage up or down."))
    with transaction.atomic():
        version = _draft_locked(stage.version)
        stages = list(version.stages.order_by("order"))
        index = next((i for i, s in enumerate(stages) if s.pk == stage.pk), None)
        if index is None:
            raise Stage.DoesNotExist
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(stages):
            message = (
                _("“%(stage)s” is already the first stage.")
                if direction == "up"
                else _("“%(stage)s” is already the last stage.")
            )
            raise ValidationError(message % {"stage": stages[index]})
        moved, neighbour = stages[index], stages[other]
        orders = (moved.order, neighbour.order)
        # Through a free place (0): (version, order) is unique at every moment.
        for row, order in ((moved, 0), (neighbour, orders[0]), (moved, orders[1])):
            row.order = order
            row.save(update_fields=["order", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            obj=version,
            summary=_("Stage moved: %(name)s, now number %(order)s")
            % {"name": moved.name, "order": moved.order},
        )
    return moved


def flowversion_discard(*, actor, version):
    """Throw a draft version away, its stages with it; the published versions stay as they are."""
    with transaction.atomic():
        version = _draft_locked(version)
        audit_record(
            actor=actor,
            action=AuditEntry.Action.DELETE,
            obj=version,
            summary=_("Draft discarded"),
            changes={"stages": [_stage_snapshot(s) for s in version.stages.order_by("order")]},
        )
        flow = version.flow
        version.delete()
    return flow


# --- Who acts --------------------------------------------------------------------------------------


def resolve_organisations(stage, region_path):
    """The organisations that act at ``stage`` for a subject at ``region_path``: for a kind, the
    nearest organisation of that kind from the subject's region up; a named organisation must cover
    the subject's region. Refused naming the stage and the kind or organisation that is missing."""
    paths = [*ancestor_paths(region_path), region_path]
    actors = list(stage.actors.select_related("organisation__region"))
    kinds = {a.kind for a in actors if a.kind}
    nearest = {}
    for organisation in (
        Organisation.objects.filter(kind__in=kinds, region__path__in=paths)
        .select_related("region")
        .order_by("name")
    ):
        best = nearest.get(organisation.kind)
        if best is None or len(organisation.region.path) > len(best.region.path):
            nearest[organisation.kind] = organisation
    found = []
    for actor in actors:
        if actor.kind:
            if actor.kind not in nearest:
                raise ValidationError(
                    _("The stage “%(stage)s” needs a %(kind)s, and there is none for this region.")
                    % {"stage": stage, "kind": actor.get_kind_display()}
                )
            organisation = nearest[actor.kind]
        else:
            organisation = actor.organisation
            if not region_path.startswith(organisation.region.path):
                raise ValidationError(
                    _("The stage “%(stage)s” names %(organisation)s, which does not cover this region.")
                    % {"stage": stage, "organisation": organisation}
                )
        if organisation not in found:
            found.append(organisation)
    return found


def _latest_facts(request):
    step = request.steps.filter(facts__isnull=False).order_by("-at", "-id").first()
    return step.facts if step is not None else {}


def _enter(request, *, from_order, facts, actor):
    """Move ``request`` to the first stage from ``from_order`` on whose condition holds, opening one
    assignment per acting organisation for the request's round; none left: the request is approved."""
    for stage in request.flow_version.stages.filter(order__gte=from_order).order_by("order"):
        if not condition_holds(stage.condition, facts):
            continue
        organisations = resolve_organisations(stage, request.region_path)
        if _passed_by_submitter(request, stage, organisations):
            Assignment.objects.create(
                request=request, stage=stage, round=request.round, organisation=organisations[0], decided=True
            )
            _step(request, actor=request.submitter, action=Step.Action.PASS, stage=stage)
            continue
        Assignment.objects.bulk_create(
            [
                Assignment(request=request, stage=stage, round=request.round, organisation=o)
                for o in organisations
            ]
        )
        _grant_read(request, organisations)
        request.current_stage = stage
        request.state = State.PENDING
        request.due_on = add_working_days(timezone.localdate(), stage.deadline_days)
        return stage
    request.current_stage = None
    request.due_on = None
    request.state = State.APPROVED
    request.decided_at = timezone.now()
    _tell_subject(request, Outcome.APPROVED, actor)
    return None


def _grant_read(request, organisations):
    """The reviewers of a stage may read its subject while they decide, and afterwards (their
    opinion refers to it): a django-guardian grant of the subject's view permission to every active
    user of the stage's organisations. Read only: deciding never lets anyone change the subject."""
    subject_type = request.content_type
    permission = Permission.objects.filter(
        content_type=subject_type, codename=f"view_{subject_type.model}"
    ).first()
    if permission is None:
        return
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                user=user, permission=permission, content_type=subject_type, object_pk=request.object_id
            )
            for user in User.objects.filter(organisation__in=organisations, is_active=True)
        ],
        ignore_conflicts=True,
    )


def _passed_by_submitter(request, stage, organisations):
    """A stage marked ``submitter_passes`` whose one organisation is the submitter's own: submitting
    was that organisation's review. Never a joint stage, nor one that writes something down."""
    return (
        stage.submitter_passes
        and stage.mode == Stage.Mode.SINGLE
        and not stage.record
        and [o.pk for o in organisations] == [request.submitter_organisation_id]
    )


def _tell_subject(request, outcome, actor):
    subject_for(request.content_type.model_class()).on_decided(
        request=request, subject=request.subject, outcome=outcome, actor=actor
    )


def _acting_as(request, actor):
    """(open assignment, on_behalf_of) through which ``actor`` decides the current stage, or refused
    saying why: nobody decides their own submission; only the stage's organisations (and role, or a
    colleague holding it who delegated to them) decide; an organisation decides once a round."""
    stage = request.current_stage
    if actor.pk == request.submitter_id:
        raise ValidationError(_("You submitted this request and cannot decide on it yourself."))
    assignments = {
        a.organisation_id: a
        for a in Assignment.objects.select_for_update(of=("self",))
        .filter(request=request, stage=stage, round=request.round)
        .select_related("organisation")
    }
    assignment = assignments.get(actor.organisation_id)
    if assignment is None:
        raise ValidationError(
            _("The stage “%(stage)s” is decided by %(organisations)s; your organisation is not among them.")
            % {"stage": stage, "organisations": "、".join(str(a.organisation) for a in assignments.values())}
        )
    on_behalf_of = None
    if stage.role and stage.role not in actor.role_codes:
        today = timezone.localdate()
        delegation = (
            Delegation.objects.filter(
                delegate=actor,
                delegator__organisation_id=actor.organisation_id,
                delegator__groups__name=stage.role,
                delegator__is_active=True,
                starts_on__lte=today,
                ends_on__gte=today,
            )
            .exclude(delegator_id=request.submitter_id)
            .select_related("delegator")
            .first()
        )
        if delegation is None:
            raise ValidationError(
                _("The stage “%(stage)s” is decided by a %(role)s of your organisation.")
                % {"stage": stage, "role": stage.get_role_display()}
            )
        on_behalf_of = delegation.delegator
    if assignment.decided:
        raise ValidationError(
            _("%(organisation)s has already decided at the stage “%(stage)s” in this round.")
            % {"organisation": assignment.organisation, "stage": stage}
        )
    return assignment, on_behalf_of


def _locked(
    request, *, expected_stage=None, expected_round=None, states=(State.PENDING,), check_position=True
):
    """The request read again under lock; refused unless it is in one of ``states`` and (for a
    decision) still at the stage and round the actor saw."""
    locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    locked = ApprovalRequest.objects.select_related(
        "current_stage", "flow", "flow_version", "content_type"
    ).get(pk=locked.pk)
    if locked.state not in states:
        raise ValidationError(
            _("This request is %(state)s: there is nothing to do on it now.")
            % {"state": locked.get_state_display()}
        )
    if check_position:
        stage_id = getattr(expected_stage, "pk", expected_stage)
        if locked.current_stage_id != stage_id or locked.round != expected_round:
            raise ValidationError(
                _(
                    "This request has moved on since you opened it: it is now at “%(stage)s”, round "
                    "%(round)s. Nothing was changed; look at it again."
                )
                % {"stage": locked.current_stage or "—", "round": locked.round}
            )
    return locked


def _step(request, *, actor, action, stage=None, opinion="", on_behalf_of=None, facts=None, record=""):
    step = Step(
        request=request, stage=stage, round=request.round, actor=actor, on_behalf_of=on_behalf_of,
        actor_organisation_id=actor.organisation_id, action=action, opinion=opinion, facts=facts,
        record=record,
    )  # fmt: skip
    step.full_clean()
    step.save()
    return step


def _save(request, *, actor, step, before, files=None):
    request.full_clean()
    request.save()
    summary = step.get_action_display()
    if step.stage is not None:
        summary = f"{summary}（{step.stage}）"
    audit_record(
        actor=actor,
        action=AuditEntry.Action.TRANSITION,
        obj=request,
        summary=summary,
        changes={
            "state": [before, request.state],
            "round": request.round,
            "stage": str(request.current_stage or ""),
            **_files_changed(files),
        },
    )
    transaction.on_commit(lambda: request_changed.send(sender=ApprovalRequest, request=request, step=step))


def _files_changed(files):
    """The audit's record of the files a submission added and removed: (added, removed) names."""
    added, removed = files or ((), ())
    return {key: names for key, names in (("files_added", added), ("files_removed", removed)) if names}


def _require_reason(reason, message):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"opinion": message})
    return reason


# --- Requests ------------------------------------------------------------------------------------


def request_submit(*, subject, flow_code, actor, comment="", attachments=()):
    """Send ``subject`` through its city's flow ``flow_code`` (the newest published version), with
    ``attachments`` (uploaded files, checked before anything is written, saved with it or not at all)."""
    checked = checked_uploads(attachments)
    registration = subject_for(type(subject), flow_code)
    if actor.organisation_id is None:
        raise ValidationError(_("Only a user of an organisation submits a request."))
    region_path = registration.region_path(subject)
    if not Region.objects.restrict(actor).filter(path=region_path).exists():
        # What lies outside the user's area is not theirs to send (the pages would not show it).
        raise ValidationError(_("This lies outside your area: you cannot submit it."))
    codes = [code for code in region_path.split("/") if code]
    city = Region.objects.filter(path="".join(f"{c}/" for c in codes[:2]), level=Region.Level.CITY).first()
    flow = Flow.objects.filter(city=city, code=flow_code).first() if city else None
    version = flow.current_version() if flow else None
    if version is None:
        raise ValidationError(
            _("%(city)s has no published flow “%(flow)s”.")
            % {"city": city or region_path, "flow": Flow.Code(flow_code).label}
        )
    facts = facts_of(subject)
    try:
        with files_removed_on_error() as stored, transaction.atomic():
            request = ApprovalRequest(
                subject=subject, subject_repr=str(subject)[:200], region_path=region_path, flow=flow,
                flow_version=version, state=State.PENDING, round=1, submitter=actor,
                submitter_organisation_id=actor.organisation_id, submitted_at=timezone.now(),
            )  # fmt: skip
            # The pending state needs a stage: validate as draft, then enter the first stage.
            request.state = State.DRAFT
            request.full_clean()
            request.save()
            step = _step(request, actor=actor, action=Step.Action.SUBMIT, opinion=comment, facts=facts)
            _enter(request, from_order=0, facts=facts, actor=actor)
            files = attachments_store(request=request, step=step, actor=actor, checked=checked, stored=stored)
            _save(request, actor=actor, step=step, before=State.DRAFT, files=files)
    except IntegrityError:
        raise ValidationError(
            _("This is already under review in the flow “%(flow)s”.") % {"flow": flow}
        ) from None
    return request


def request_approve(*, request, actor, opinion="", record="", expected_stage, expected_round):
    """The actor's organisation approves the current stage; once the stage is complete (its one
    organisation, any one of them, or every one of them in this round) the request moves on. A stage
    that records something (a document number, the residents' representatives present) needs
    ``record``."""
    with transaction.atomic():
        request = _locked(request, expected_stage=expected_stage, expected_round=expected_round)
        assignment, on_behalf_of = _acting_as(request, actor)
        stage = request.current_stage
        record = (record or "").strip()
        if stage.record and not record:
            raise ValidationError({"record": _("Give the %(what)s.") % {"what": stage.get_record_display()}})
        step = _step(
            request,
            actor=actor,
            action=Step.Action.APPROVE,
            stage=stage,
            opinion=opinion,
            on_behalf_of=on_behalf_of,
            record=record if stage.record else "",
        )
        assignment.decided = True
        assignment.save(update_fields=["decided"])
        waiting = Assignment.objects.filter(request=request, stage=stage, round=request.round, decided=False)
        if stage.mode != Stage.Mode.ALL or not waiting.exists():
            _enter(request, from_order=stage.order + 1, facts=_latest_facts(request), actor=actor)
        _save(request, actor=actor, step=step, before=State.PENDING)
    return request


def request_return(*, request, actor, reason, expected_stage, expected_round):
    """Send the request back to its submitter with a reason: the whole round ends, every approval of
    a joint stage in it included; the submitter edits and resubmits."""
    reason = _require_reason(reason, _("Give the reason for returning it."))
    with transaction.atomic():
        request = _locked(request, expected_stage=expected_stage, expected_round=expected_round)
        _assignment, on_behalf_of = _acting_as(request, actor)
        step = _step(
            request,
            actor=actor,
            action=Step.Action.RETURN,
            stage=request.current_stage,
            opinion=reason,
            on_behalf_of=on_behalf_of,
        )
        request.state = State.RETURNED
        request.due_on = None
        _tell_subject(request, Outcome.RETURNED, actor)
        _save(request, actor=actor, step=step, before=State.PENDING)
    return request


def request_reject(*, request, actor, reason, expected_stage, expected_round):
    """Refuse the request for good, with a reason."""
    reason = _require_reason(reason, _("Give the reason for rejecting it."))
    with transaction.atomic():
        request = _locked(request, expected_stage=expected_stage, expected_round=expected_round)
        _assignment, on_behalf_of = _acting_as(request, actor)
        step = _step(
            request,
            actor=actor,
            action=Step.Action.REJECT,
            stage=request.current_stage,
            opinion=reason,
            on_behalf_of=on_behalf_of,
        )
        request.state = State.REJECTED
        request.due_on = None
        request.decided_at = timezone.now()
        _tell_subject(request, Outcome.REJECTED, actor)
        _save(request, actor=actor, step=step, before=State.PENDING)
    return request


def request_withdraw(*, request, actor, reason=""):
    """The submitter takes the request back, only before anyone decided on it."""
    with transaction.atomic():
        request = _locked(request, check_position=False)
        if actor.pk != request.submitter_id:
            raise ValidationError(_("Only the submitter withdraws a request."))
        if request.steps.filter(action__in=Step.DECISIONS).exists():
            raise ValidationError(
                _("Someone has already decided on this request: it can no longer be withdrawn.")
            )
        step = _step(
            request, actor=actor, action=Step.Action.WITHDRAW, stage=request.current_stage, opinion=reason
        )
        request.state = State.WITHDRAWN
        request.current_stage = None
        request.due_on = None
        _tell_subject(request, Outcome.WITHDRAWN, actor)
        _save(request, actor=actor, step=step, before=State.PENDING)
    return request


def request_settle(*, request, actor, reason):
    """End an open request because its subject's app settled the matter otherwise (city staff
    recorded an approval obtained outside the portal): it is withdrawn, with the reason, by
    ``actor``. The caller checks that ``actor`` may settle it; nothing here does."""
    reason = _require_reason(reason, _("Give the reason for ending it."))
    with transaction.atomic():
        request = _locked(request, states=ApprovalRequest.OPEN_STATES, check_position=False)
        before = request.state
        step = _step(
            request, actor=actor, action=Step.Action.WITHDRAW, stage=request.current_stage, opinion=reason
        )
        request.state = State.WITHDRAWN
        request.current_stage = None
        request.due_on = None
        request.decided_at = timezone.now()
        _save(request, actor=actor, step=step, before=before)
    return request


def request_resubmit(*, request, actor, comment="", attachments=(), remove=()):
    """The submitter sends a returned request back, in a new round, to the stage that returned it;
    the subject's facts are recorded again so its reviewers see what changed. The last round's
    files stay, less ``remove`` (attachments or their ids); ``attachments`` (uploaded files) are
    added, each replacing a file of the same name (``approvals.attachments``)."""
    checked = checked_uploads(attachments)
    with files_removed_on_error() as stored, transaction.atomic():
        request = _locked(request, states=(State.RETURNED,), check_position=False)
        if actor.pk != request.submitter_id:
            raise ValidationError(_("Only the submitter resubmits a returned request."))
        subject = request.subject
        registration = subject_for(type(subject))
        request.region_path = registration.region_path(subject)
        request.subject_repr = str(subject)[:200]
        facts = facts_of(subject)
        returned_at = request.current_stage
        request.round += 1
        step = _step(
            request, actor=actor, action=Step.Action.RESUBMIT, stage=returned_at, opinion=comment, facts=facts
        )
        _enter(request, from_order=returned_at.order, facts=facts, actor=actor)
        files = attachments_store(
            request=request, step=step, actor=actor, checked=checked, remove=remove, stored=stored
        )
        _save(request, actor=actor, step=step, before=State.RETURNED, files=files)
    return request


# --- Delegations ---------------------------------------------------------------------------------


def delegation_create(*, actor, delegate, starts_on, ends_on, reason=""):
    """``actor`` lets ``delegate``, a colleague of the same organisation, decide for them from
    ``starts_on`` to ``ends_on``."""
    with transaction.atomic():
        delegation = Delegation(
            delegator=actor, delegate=delegate, starts_on=starts_on, ends_on=ends_on, reason=reason
        )
        delegation.full_clean()
        delegation.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=delegation, summary=str(delegation))
    return delegation


def delegation_end(*, actor, delegation):
    """The delegating user ends a delegation before its last day: from today on the delegate no
    longer acts for them. One that began before today now ends yesterday (and stays on record); one
    that begins today or later is withdrawn altogether."""
    with transaction.atomic():
        delegation = (
            Delegation.objects.select_for_update()
            .select_related("delegator", "delegate")
            .get(pk=delegation.pk)
        )
        if actor.pk != delegation.delegator_id:
            raise ValidationError(_("Only the delegating user ends a delegation."))
        today = timezone.localdate()
        if delegation.ends_on < today:
            raise ValidationError(_("This delegation has already ended."))
        if delegation.starts_on >= today:
            audit_record(
                actor=actor,
                action=AuditEntry.Action.DELETE,
                obj=delegation,
                summary=_("Delegation withdrawn"),
                changes=model_snapshot(delegation),
            )
            delegation.delete()
            return None
        before = delegation.ends_on
        delegation.ends_on = today - timedelta(days=1)
        delegation.full_clean()
        delegation.save(update_fields=["ends_on", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            obj=delegation,
            summary=_("Delegation ended early"),
            changes={"ends_on": [str(before), str(delegation.ends_on)]},
        )
    return delegation
