"""Who is told what about a request: the users who may decide it when it reaches a stage (the
inbox's own rule: organisation, role, delegation, never the submitter), the submitter when it is
approved, returned or rejected, the awaited desks when it is withdrawn; and the daily digest of
overdue requests, once a day. Texts are Chinese whatever language the actor browses in."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from approvals import notifications
from approvals.models import ApprovalRequest, Flow, Step
from approvals.notifications import deciders, overdue_digest_send
from approvals.seeding import seed_city_flows
from approvals.selectors import inbox_for
from approvals.services import (
    delegation_create,
    request_approve,
    request_reject,
    request_resubmit,
    request_return,
    request_withdraw,
)
from approvals.signals import request_changed
from config.celery import app as celery_app
from core.models import Notification
from org.models import Organisation, User
from org.roles import DEPT_REVIEWER
from tests.factories import make_user

from .conftest import at, fresh, submit

K = Organisation.Kind


@pytest.fixture(autouse=True)
def eager_tasks():
    """The e-mail task runs in-process (with Redis configured, nothing else would run it)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call a service and run what waits for its commit (request_changed, then the e-mail)."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def told(request=None):
    """{username: [texts]} of the notifications written (about ``request``, if given)."""
    rows = Notification.objects.select_related("recipient").order_by("id")
    if request is not None:
        rows = rows.filter(url=request.get_absolute_url())
    found = {}
    for row in rows:
        found.setdefault(row.recipient.username, []).append(row.text)
    return found


def who(request=None):
    return set(told(request))


def forget():
    Notification.objects.all().delete()
    mail.outbox.clear()


def inbox_holders(request):
    """Everyone whose 待办 holds ``request``: what ``deciders`` must agree with."""
    return {u.username for u in User.objects.all() if inbox_for(u).filter(pk=request.pk).exists()}


# --- Reaching a stage ---------------------------------------------------------------------------


def test_submitting_tells_the_street_clerks_who_decide_it(world, flow, people, committed):
    request = committed(submit, world.community_a, people["district"])
    assert who(request) == {"clerk_a", "clerk_a2"}  # not the colleague without the role, not clerk B
    (text,) = told(request)["clerk_a"]
    due = fresh(request).due_on.strftime("%Y-%m-%d")
    assert text == f"待您审批：行政区划“华光路社区”，测试流程“街道审核”环节，办理期限 {due}。"
    assert Notification.objects.get(recipient=people["clerk_a"]).url == f"/approvals/{request.pk}/"


def test_the_deadline_told_is_the_one_stored_when_the_step_commits(
    world, flow, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(world.community_a, people["district"])
        ApprovalRequest.objects.filter(pk=request.pk).update(due_on=datetime.date(2026, 3, 2))
    assert told()["clerk_a"][0].endswith("办理期限 2026-03-02。")


def test_who_is_told_is_whose_inbox_holds_it(world, flow, people, committed):
    """deciders() is the inbox's rule seen from the request: checked at every stage of a run."""
    delegation_create(
        actor=people["clerk_a"], delegate=people["colleague"],
        starts_on=timezone.localdate(), ends_on=timezone.localdate(),
    )  # fmt: skip
    request = committed(submit, world.community_a, people["district"])
    assert {u.username for u in deciders(fresh(request))} == inbox_holders(request) == who(request)
    committed(request_approve, request=request, actor=people["clerk_a"], **at(request))
    assert {u.username for u in deciders(fresh(request))} == inbox_holders(request)
    committed(request_approve, request=request, actor=people["finance"], **at(request))
    assert {u.username for u in deciders(fresh(request))} == inbox_holders(request) == {"city", "sysadmin"}


def test_the_next_stage_is_told_when_the_first_approves(world, flow, people, committed):
    request = committed(submit, world.community_a, people["district"])
    forget()
    committed(request_approve, request=request, actor=people["clerk_a"], **at(request))
    assert who() == {"city", "sysadmin", "finance"}  # the joint review: city bureau and finance
    assert "“联合审查”环节" in told()["finance"][0]


def test_a_half_done_joint_stage_tells_nobody_new(world, flow, people, committed):
    request = committed(submit, world.community_a, people["district"])
    committed(request_approve, request=request, actor=people["clerk_a"], **at(request))
    forget()
    committed(request_approve, request=request, actor=people["finance"], **at(request))
    assert who() == set()
    committed(request_approve, request=request, actor=people["city"], **at(request))
    assert who() == {"city", "sysadmin"}  # 市批复: the city bureau again (the next stage)
    assert "“市批复”环节" in told()["city"][0]


def test_a_joint_stage_of_the_seeded_flow_tells_all_five_departments(world, subject_registered, committed):
    seed_city_flows(world.city)
    city = world.city
    reviewers = {
        kind: make_user(f"reviewer_{kind}", Organisation.objects.get(region=city, kind=kind), DEPT_REVIEWER)
        for kind in (K.DEVELOPMENT_REFORM, K.NATURAL_RESOURCES, K.ADMIN_APPROVAL)
    }
    request = committed(submit, world.community_a, world["clerk_a"], flow_code=Flow.Code.PROJECT_APPROVAL)
    assert fresh(request).current_stage.name == "联合审查"
    assert who(request) == {"city", "sysadmin", "finance", *(u.username for u in reviewers.values())}
    assert who(request) == inbox_holders(request)


def test_a_role_restricted_stage_tells_only_holders_of_the_role(world, flow, people, committed):
    committed(submit, world.community_a, people["district"])
    assert "colleague_a" not in who()  # same street office, leader's role, not street clerk
    assert "clerk_a2" in who()


def test_a_delegate_is_told_too(world, flow, people, committed):
    delegation_create(
        actor=people["clerk_a"], delegate=people["colleague"],
        starts_on=timezone.localdate(), ends_on=timezone.localdate() + datetime.timedelta(days=3),
    )  # fmt: skip
    committed(submit, world.community_a, people["district"])
    assert who() == {"clerk_a", "clerk_a2", "colleague_a"}


def test_a_delegation_not_in_force_today_tells_nobody_more(world, flow, people, committed):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    delegation_create(
        actor=people["clerk_a"], delegate=people["colleague"], starts_on=tomorrow, ends_on=tomorrow
    )
    committed(submit, world.community_a, people["district"])
    assert "colleague_a" not in who()


def test_the_submitter_is_never_told_to_decide_their_own_request(world, flow, people, committed):
    """Clerk A submits at their own street office's stage; their delegate may not act for them."""
    delegation_create(
        actor=people["clerk_a"], delegate=people["colleague"],
        starts_on=timezone.localdate(), ends_on=timezone.localdate(),
    )  # fmt: skip
    request = committed(submit, world.community_a, people["clerk_a"])
    assert who(request) == {"clerk_a2"}
    assert who(request) == inbox_holders(request)


def test_an_inactive_user_is_not_told(world, flow, people, committed):
    people["clerk_a2"].is_active = False
    people["clerk_a2"].save()
    committed(submit, world.community_a, people["district"])
    assert who() == {"clerk_a"}


# --- The submitter -------------------------------------------------------------------------------


def test_the_submitter_is_told_of_a_return_with_its_reason(world, flow, people, committed):
    request = committed(submit, world.community_a, people["district"])
    forget()
    committed(
        request_return, request=request, actor=people["clerk_a"], reason="缺少居民意见表", **at(request)
    )
    assert told() == {
        "district": [
            "您提交的行政区划“华光路社区”在测试流程“街道审核”环节被张店区车站街道办事处退回修改："
            "缺少居民意见表"
        ]
    }


def test_a_resubmission_tells_the_stage_again_in_its_new_round(world, flow, people, committed):
    request = committed(submit, world.community_a, people["district"])
    committed(request_approve, request=request, actor=people["clerk_a"], **at(request))
    committed(request_return, request=request, actor=people["finance"], reason="预算不清", **at(request))
    forget()
    committed(request_resubmit, request=request, actor=people["district"], comment="已补充预算")
    assert who() == {"city", "sysadmin", "finance"}  # the whole joint review again
    text = told()["finance"][0]
    assert text.startswith("已重新提交，待您审批（第2轮）：行政区划“华光路社区”，测试流程“联合审查”环节")


def test_the_submitter_is_told_of_a_rejection(world, flow, people, committed):
    request = committed(submit, world.community_a, people["district"])
    forget()
    committed(request_reject, request=request, actor=people["clerk_a2"], reason="不符合条件", **at(request))
    assert told() == {
        "district": [
            "您提交的行政区划“华光路社区”在测试流程“街道审核”环节被张店区车站街道办事处决定不予通过："
            "不符合条件"
        ]
    }


def test_the_submitter_is_told_of_the_approval_at_the_end(world, flow, people, committed):
    request = committed(submit, world.community_a, people["district"])
    for actor in ("clerk_a", "finance", "city"):
        committed(request_approve, request=request, actor=people[actor], **at(request))
    forget()
    committed(request_approve, request=request, actor=people["sysadmin"], **at(request))
    assert fresh(request).state == ApprovalRequest.State.APPROVED
    assert told() == {"district": ["您提交的行政区划“华光路社区”已审批通过（测试流程）。"]}


def test_a_withdrawal_tells_the_desks_that_were_waiting(world, flow, people, committed):
    request = committed(submit, world.community_a, people["district"])
    forget()
    committed(request_withdraw, request=request, actor=people["district"])
    assert who() == {"clerk_a", "clerk_a2"}
    assert told()["clerk_a"] == ["行政区划“华光路社区”已由提交人撤回（测试流程“街道审核”环节），无需再办理。"]


def ended_by(request, actor, reason):
    """What a subject's app does when it settles the matter otherwise (city staff record the
    approval by hand): the request is withdrawn by someone who is not its submitter."""
    request = fresh(request)
    step = Step.objects.create(
        request=request, stage=request.current_stage, round=request.round, actor=actor,
        actor_organisation_id=actor.organisation_id, action=Step.Action.WITHDRAW, opinion=reason,
    )  # fmt: skip
    request.state, request.current_stage, request.due_on = ApprovalRequest.State.WITHDRAWN, None, None
    request.save()
    request_changed.send(sender=ApprovalRequest, request=request, step=step)


def test_a_request_ended_by_someone_else_tells_its_submitter_and_the_waiting_desks(
    world, flow, people, committed
):
    request = committed(submit, world.community_a, people["district"])
    forget()
    ended_by(request, people["city"], "已线下批复")
    assert who() == {"district", "clerk_a", "clerk_a2"}
    assert told()["district"] == [
        "您提交的行政区划“华光路社区”已由淄博市住房和城乡建设局结束（测试流程）：已线下批复"
    ]
    assert told()["clerk_a"] == [
        "行政区划“华光路社区”已由淄博市住房和城乡建设局结束（测试流程“街道审核”环节），无需再办理：已线下批复"
    ]


def test_a_returned_request_ended_tells_only_its_submitter(world, flow, people, committed):
    request = committed(submit, world.community_a, people["district"])
    committed(request_return, request=request, actor=people["clerk_a"], reason="补材料", **at(request))
    forget()
    ended_by(request, people["city"], "已线下批复")
    assert who() == {"district"}  # the street office was not waiting: the request was with its submitter


def test_texts_are_chinese_when_the_actor_browses_in_english(world, flow, people, committed):
    request = committed(submit, world.community_a, people["district"])
    forget()
    with translation.override("en"):
        committed(request_return, request=request, actor=people["clerk_a"], reason="缺材料", **at(request))
    assert told()["district"][0].startswith("您提交的行政区划")


def test_a_failing_notification_leaves_the_decision_standing(world, flow, people, committed, monkeypatch):
    request = committed(submit, world.community_a, people["district"])

    def broken(*args, **kwargs):
        raise RuntimeError("notifications are down")

    monkeypatch.setattr(notifications, "notify", broken)
    committed(request_approve, request=request, actor=people["clerk_a"], **at(request))
    assert fresh(request).current_stage.name == "联合审查"


# --- E-mail ---------------------------------------------------------------------------------------


def test_email_goes_via_the_backend_only_to_deciders_with_an_address(
    world, flow, people, committed, settings
):
    settings.NOTIFICATIONS_EMAIL = True
    people["clerk_a2"].email = "clerk2@example.cn"
    people["clerk_a2"].save()
    people["district"].email = "district@example.cn"  # the submitter: told nothing on submitting
    people["district"].save()
    committed(submit, world.community_a, people["district"])
    assert [m.to for m in mail.outbox] == [["clerk2@example.cn"]]
    assert mail.outbox[0].subject.startswith("【城镇老旧小区改造管理平台】待您审批：行政区划“华光路社区”")
    assert "/approvals/" in mail.outbox[0].body


# --- The daily digest -----------------------------------------------------------------------------


def overdue(request, days=3):
    ApprovalRequest.objects.filter(pk=request.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=days)
    )


def test_the_digest_tells_each_decider_their_overdue_requests(world, flow, people, committed):
    late = committed(submit, world.community_a, people["district"])
    in_time = committed(submit, world.street_a, people["district"])
    other_street = committed(submit, world.community_b, people["district"])
    overdue(late)
    overdue(other_street, days=10)
    forget()

    assert overdue_digest_send() == 3  # clerk A and A2 (street A); clerk B (street B)
    assert who() == {"clerk_a", "clerk_a2", "clerk_b"}
    (text,) = told()["clerk_a"]
    lines = text.split("\n")
    assert lines[0] == "逾期待办：1 件"
    assert lines[1].startswith("· 行政区划“华光路社区”，测试流程“街道审核”环节，办理期限 ")
    assert in_time.subject_repr not in text  # 车站街道 itself: not overdue
    assert "公园社区" in told()["clerk_b"][0] and "华光路社区" not in told()["clerk_b"][0]
    assert Notification.objects.filter(recipient=people["clerk_a"]).get().url == "/approvals/"


def test_the_digest_runs_once_a_day(world, flow, people, committed, settings):
    settings.NOTIFICATIONS_EMAIL = True
    people["clerk_a"].email = "clerk@example.cn"
    people["clerk_a"].save()
    late = committed(submit, world.community_a, people["district"])
    overdue(late)
    forget()
    with_commit = committed
    assert with_commit(overdue_digest_send) == 2
    assert with_commit(overdue_digest_send) == 0
    assert Notification.objects.filter(recipient=people["clerk_a"]).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.endswith("逾期待办：1 件")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert with_commit(overdue_digest_send, today=tomorrow) == 2
    assert Notification.objects.filter(recipient=people["clerk_a"]).count() == 2


def test_the_digest_skips_what_is_not_overdue_or_no_longer_pending(world, flow, people, committed):
    due_today = committed(submit, world.community_a, people["district"])
    ApprovalRequest.objects.filter(pk=due_today.pk).update(due_on=timezone.localdate())
    returned = committed(submit, world.community_b, people["district"])
    committed(request_return, request=returned, actor=people["clerk_b"], reason="补材料", **at(returned))
    overdue(returned)
    forget()
    assert overdue_digest_send() == 0
    assert who() == set()


def test_the_digest_of_a_joint_stage_leaves_out_who_has_approved(world, flow, people, committed):
    request = committed(submit, world.community_a, people["district"])
    committed(request_approve, request=request, actor=people["clerk_a"], **at(request))
    committed(request_approve, request=request, actor=people["finance"], **at(request))
    overdue(request)
    forget()
    overdue_digest_send()
    assert who() == {"city", "sysadmin"}


def test_the_digest_is_scheduled_daily(settings):
    import approvals.tasks  # noqa: F401  (a worker finds it by autodiscovery)

    schedule = settings.CELERY_BEAT_SCHEDULE["approvals-overdue-digest"]
    assert schedule["task"] == "approvals.tasks.overdue_digest"
    assert "approvals.tasks.overdue_digest" in celery_app.tasks
