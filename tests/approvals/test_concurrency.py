"""Two people deciding at the same moment (PostgreSQL row locks, threads behind a barrier)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from approvals import services
from approvals.models import ApprovalRequest, Assignment, Step
from core.models import AuditEntry
from org.models import User

from .conftest import at, fresh, submit


def at_once(monkeypatch, *calls):
    """Run ``calls`` (each given a request read before the others act) in threads released together;
    each checks who may act a moment after reading the request, so without the lock both would pass."""
    real = services._acting_as

    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(services, "_acting_as", slow)
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # reported below instead of dying silently in the thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def approving(persona_pk, request):
    seen = at(request)
    stale = ApprovalRequest.objects.get(pk=request.pk)

    def call():
        actor = User.objects.get(pk=persona_pk)
        services.request_approve(request=stale, actor=actor, opinion="同意", **seen)

    return call


def transitions(request):
    return AuditEntry.objects.filter(content_type__model="approvalrequest", object_id=str(request.pk)).count()


@pytest.mark.parametrize("same_person", [False, True], ids=["two_reviewers", "double_click"])
def test_two_decisions_on_one_stage_at_once_give_one_step_and_one_transition(
    needs_postgresql, transactional_db, world, flow, people, monkeypatch, same_person
):
    request = submit(world.community_a, world["district"])
    second = people["clerk_a"] if same_person else people["clerk_a2"]
    outcomes = at_once(monkeypatch, approving(people["clerk_a"].pk, request), approving(second.pk, request))

    assert outcomes == ["done", "refused"]
    assert Step.objects.filter(request=request, action="approve").count() == 1
    assert transitions(request) == 2  # the submission and one approval
    assert fresh(request).current_stage.name == "联合审查"


def test_a_return_and_an_approval_at_once_give_exactly_one_of_them(
    needs_postgresql, transactional_db, world, flow, people, monkeypatch
):
    request = submit(world.community_a, world["district"])
    seen = at(request)

    def returning():
        actor = User.objects.get(pk=people["clerk_a2"].pk)
        services.request_return(request=request, actor=actor, reason="材料不全", **seen)

    outcomes = at_once(monkeypatch, approving(people["clerk_a"].pk, request), returning)
    assert outcomes == ["done", "refused"]
    assert Step.objects.filter(request=request, action__in=Step.DECISIONS).count() == 1
    assert transitions(request) == 2


def test_the_last_two_departments_of_a_joint_review_approving_at_once_move_it_on_once(
    needs_postgresql, transactional_db, world, flow, monkeypatch
):
    request = submit(world.community_a, world["district"])
    services.request_approve(request=request, actor=world["clerk_a"], **at(request))
    outcomes = at_once(
        monkeypatch, approving(world["city"].pk, request), approving(world["finance"].pk, request)
    )

    assert outcomes == ["done", "done"]
    request = fresh(request)
    assert request.current_stage.name == "市批复"
    assert Assignment.objects.filter(request=request, stage=request.current_stage).count() == 1
    assert Step.objects.filter(request=request, action="approve").count() == 3
