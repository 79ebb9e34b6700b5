"""Every state × action × role × is-submitter: exactly the allowed ones go through."""

import pytest
from django.core.exceptions import ValidationError

from approvals.models import ApprovalRequest, Step
from approvals.services import (
    request_approve,
    request_reject,
    request_resubmit,
    request_return,
    request_withdraw,
)

from .conftest import at, fresh, refusal, state_of, submit

S = ApprovalRequest.State
STATES = [S.DRAFT, S.PENDING, S.RETURNED, S.APPROVED, S.REJECTED, S.WITHDRAWN]
ACTIONS = ["approve", "return", "reject", "withdraw", "resubmit"]
# At the first stage (the street office of street A, street clerks decide):
ROLES = {"reviewer": "clerk_a", "colleague_without_the_role": "colleague", "other_organisation": "clerk_b"}


def put_in(state, request, people):
    """Bring a freshly submitted request into ``state`` (returned through the service; the others
    are the ends the services reach, written directly)."""
    if state == S.RETURNED:
        request_return(request=request, actor=people["clerk_a2"], reason="材料不全", **at(request))
    elif state != S.PENDING:
        stage = None if state in (S.APPROVED, S.WITHDRAWN) else fresh(request).current_stage
        ApprovalRequest.objects.filter(pk=request.pk).update(state=state, current_stage=stage)


def call(action, request, actor):
    if action == "approve":
        return request_approve(request=request, actor=actor, opinion="同意", **at(request))
    if action == "return":
        return request_return(request=request, actor=actor, reason="请补充材料", **at(request))
    if action == "reject":
        return request_reject(request=request, actor=actor, reason="不符合条件", **at(request))
    if action == "withdraw":
        return request_withdraw(request=request, actor=actor)
    return request_resubmit(request=request, actor=actor, comment="已补充")


def allowed(state, action, role, is_submitter):
    if action in ("approve", "return", "reject"):
        return state == S.PENDING and role == "reviewer" and not is_submitter
    if action == "withdraw":
        return state == S.PENDING and is_submitter
    return state == S.RETURNED and is_submitter


AFTER = {
    "approve": (S.PENDING, "联合审查", 1),
    "return": (S.RETURNED, "街道审核", 1),
    "reject": (S.REJECTED, "街道审核", 1),
    "withdraw": (S.WITHDRAWN, None, 1),
    "resubmit": (S.PENDING, "街道审核", 2),
}


@pytest.mark.parametrize("is_submitter", [False, True], ids=["someone_else_submitted", "own_submission"])
@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_each_action_goes_through_only_in_its_state_for_its_role(
    world, flow, people, state, action, role, is_submitter
):
    actor = people[ROLES[role]]
    submitter = actor if is_submitter else people["district"]
    if role == "other_organisation" and is_submitter:
        # Another street's clerk cannot send what lies in this street: there is no such request.
        with pytest.raises(ValidationError):
            submit(world.community_a, submitter)
        assert not ApprovalRequest.objects.exists()
        return
    request = submit(world.community_a, submitter)
    put_in(state, request, people)
    steps = Step.objects.filter(request=request).count()

    if not allowed(state, action, role, is_submitter):
        refusal(lambda request: call(action, request, actor), request)
        return

    call(action, fresh(request), actor)
    after = fresh(request)
    expected_state, expected_stage, expected_round = AFTER[action]
    assert (after.state, after.round) == (expected_state, expected_round)
    assert (after.current_stage.name if after.current_stage else None) == expected_stage
    assert Step.objects.filter(request=request).count() == steps + 1
    last = Step.objects.filter(request=request).latest("id")
    assert (last.action, last.actor) == (action, actor)
    assert state_of(request)[0] == expected_state
