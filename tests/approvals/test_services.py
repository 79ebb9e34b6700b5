"""The guards one by one, the joint review (会签), send-back and resubmission, withdrawal,
delegation, conditions, and what the subject's app is told."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone, translation

from approvals import registry
from approvals.models import ApprovalRequest, Assignment, Flow, Stage, Step
from approvals.registry import Outcome
from approvals.selectors import facts_changes, inbox_for, waiting_organisations
from approvals.services import (
    delegation_create,
    flow_create,
    flowversion_create,
    flowversion_publish,
    request_approve,
    request_reject,
    request_resubmit,
    request_return,
    request_withdraw,
    stage_add,
)
from core.models import AuditEntry
from org.models import Organisation, Region
from tests.factories import make_user

from .conftest import K, at, fresh, make_flow, refusal, state_of, submit

S = ApprovalRequest.State


def approve(request, actor, **kwargs):
    return request_approve(request=request, actor=actor, opinion="同意", **{**at(request), **kwargs})


# --- Submitting ----------------------------------------------------------------------------------


def test_a_submitted_request_waits_at_the_first_stage_with_a_due_date_and_the_facts_recorded(world, flow):
    request = submit(world.community_a, world["district"])
    request = fresh(request)
    assert (request.state, request.current_stage.name, request.round) == (S.PENDING, "街道审核", 1)
    assert request.region_path == world.community_a.path
    assert request.flow_version == flow.current_version()
    assert request.due_on > timezone.localdate()
    step = request.steps.get()
    assert (step.action, step.opinion, step.facts["name"]) == (Step.Action.SUBMIT, "请审核", "华光路社区")
    assert [o.name for o in waiting_organisations(request)] == ["张店区车站街道办事处"]
    entry = AuditEntry.objects.filter(content_type__model="approvalrequest", object_id=str(request.pk)).get()
    assert entry.region_path == world.community_a.path


def test_a_subject_is_under_review_in_a_flow_only_once_at_a_time(world, flow):
    submit(world.community_a, world["district"])
    with translation.override("en"), pytest.raises(ValidationError, match="already under review"):
        submit(world.community_a, world["district"])


def test_a_city_without_the_published_flow_refuses_the_request_naming_it(world, subject_registered):
    with translation.override("en"), pytest.raises(ValidationError, match="淄博市 has no published flow"):
        submit(world.community_a, world["district"])


def test_a_model_not_registered_for_the_flow_cannot_be_submitted(world, flow):
    organisation = world["clerk_a"].organisation
    with translation.override("en"), pytest.raises(ValidationError, match="cannot go through the flow"):
        submit(organisation, world["district"])


# --- Guards ----------------------------------------------------------------------------------------


def test_nobody_decides_their_own_submission(world, flow):
    request = submit(world.community_a, world["clerk_a"])
    message = refusal(request_approve, request, actor=world["clerk_a"], **at(request))
    assert "You submitted this request" in message


def test_only_the_stages_organisation_decides_and_the_message_names_it(world, flow):
    request = submit(world.community_a, world["district"])
    message = refusal(request_approve, request, actor=world["clerk_b"], **at(request))
    assert "“街道审核” is decided by 张店区车站街道办事处" in message


def test_only_the_stages_role_decides(world, flow, people):
    request = submit(world.community_a, world["district"])
    message = refusal(request_approve, request, actor=people["colleague"], **at(request))
    assert "decided by a Street clerk" in message


def test_no_stage_is_skipped(world, flow):
    request = submit(world.community_a, world["district"])
    joint = fresh(request).flow_version.stages.get(order=2)
    # The finance bureau acts at the joint review, which has not come yet: neither by naming it...
    message = refusal(
        request_approve, request, actor=world["finance"], expected_stage=joint, expected_round=1
    )
    assert "has moved on" in message
    # ... nor by acting on the stage that is current.
    assert "not among them" in refusal(request_approve, request, actor=world["finance"], **at(request))


def test_acting_on_a_request_that_moved_on_is_refused_in_chinese_and_changes_nothing(world, flow, people):
    request = submit(world.community_a, world["district"])
    seen = at(request)
    approve(request, people["clerk_a2"])
    before = state_of(request)
    with pytest.raises(ValidationError) as error:
        request_return(request=request, actor=world["clerk_a"], reason="材料不全", **seen)
    assert "该申请在您打开后已经有了进展" in " ".join(error.value.messages)
    assert state_of(request) == before


@pytest.mark.parametrize("decide", [request_return, request_reject])
def test_a_return_or_rejection_needs_a_reason(world, flow, decide):
    request = submit(world.community_a, world["district"])
    assert "Give the reason" in refusal(decide, request, actor=world["clerk_a"], reason="  ", **at(request))


def test_a_recorded_step_is_not_changed(world, flow):
    step = submit(world.community_a, world["district"]).steps.get()
    step.opinion = "改写"
    with pytest.raises(ValidationError):
        step.save()


# --- The joint review (会签) ---------------------------------------------------------------------


def to_joint_review(world):
    request = submit(world.community_a, world["district"])
    approve(request, world["clerk_a"])
    return fresh(request)


def test_a_joint_stage_completes_only_when_every_organisation_approved(world, flow):
    request = to_joint_review(world)
    assert {o.name for o in waiting_organisations(request)} == {"淄博市住房和城乡建设局", "淄博市财政局"}
    approve(request, world["city"])
    request = fresh(request)
    assert request.current_stage.name == "联合审查"
    assert [o.name for o in waiting_organisations(request)] == ["淄博市财政局"]
    assert request not in inbox_for(world["city"])
    assert request in inbox_for(world["finance"])

    approve(request, world["finance"])
    assert fresh(request).current_stage.name == "市批复"


def test_an_organisation_decides_a_joint_stage_once_a_round(world, flow):
    request = to_joint_review(world)
    approve(request, world["city"])
    assert "has already decided" in refusal(request_approve, request, actor=world["city"], **at(request))


def test_one_return_in_a_joint_stage_sends_the_whole_round_back(world, flow, decisions):
    request = to_joint_review(world)
    approve(request, world["city"])
    request_return(request=request, actor=world["finance"], reason="资金测算不准确", **at(request))
    request = fresh(request)
    assert (request.state, request.current_stage.name) == (S.RETURNED, "联合审查")
    assert request not in inbox_for(world["finance"])
    assert decisions[-1][2] == Outcome.RETURNED

    request_resubmit(request=request, actor=world["district"], comment="已重新测算")
    request = fresh(request)
    assert (request.state, request.current_stage.name, request.round) == (S.PENDING, "联合审查", 2)
    # Every department reviews again in the new round, the one that had approved included.
    assert {o.name for o in waiting_organisations(request)} == {"淄博市住房和城乡建设局", "淄博市财政局"}
    assert request in inbox_for(world["city"])


def test_any_one_organisation_completes_an_or_stage(world, subject_registered):
    make_flow(world.city, [{"name": "或签", "actors": [K.CITY_BUREAU, K.FINANCE], "mode": Stage.Mode.ANY}])
    request = submit(world.community_a, world["district"])
    approve(request, world["finance"])
    request = fresh(request)
    assert request.state == S.APPROVED
    assert request not in inbox_for(world["city"])


# --- Return, resubmit, and what changed -------------------------------------------------------------


def test_after_a_return_the_resubmission_shows_what_changed_since_the_last_round(world, flow):
    request = submit(world.community_a, world["district"])
    assert facts_changes(fresh(request)) == []
    request_return(request=request, actor=world["clerk_a"], reason="名称有误", **at(request))
    Region.objects.filter(pk=world.community_a.pk).update(name="华光路第一社区")
    request_resubmit(request=request, actor=world["district"], comment="已更正名称")

    request = fresh(request)
    assert facts_changes(request) == [("name", "华光路社区", "华光路第一社区")]
    assert request.subject_repr == "华光路第一社区"
    assert request in inbox_for(world["clerk_a"])
    assert [s.action for s in request.steps.order_by("id")] == ["submit", "return", "resubmit"]


def test_the_subject_is_told_of_each_end_inside_the_deciding_transaction(world, flow, decisions):
    request = submit(world.community_a, world["district"])
    approve(request, world["clerk_a"])
    approve(request, world["city"])
    approve(request, world["finance"])
    assert decisions == []
    approve(request, world["city"])
    assert fresh(request).state == S.APPROVED
    (pk, subject, outcome, actor, in_transaction) = decisions[0]
    assert (pk, subject, outcome, actor, in_transaction) == (
        request.pk,
        world.community_a,
        "approved",
        world["city"],
        True,
    )

    other = submit(world.community_b, world["district"])
    request_reject(request=other, actor=world["clerk_b"], reason="不在计划内", **at(other))
    assert decisions[-1][2] == Outcome.REJECTED


def test_a_refusal_from_the_subject_refuses_the_decision(world, subject_registered):
    def refuse(**kwargs):
        raise ValidationError("项目尚未完成设计")

    registry.unregister_subject(Region)
    registry.register_subject(
        Region,
        flows=["disbursement"],
        region_path=lambda r: r.path,
        facts=lambda r: {},
        on_decided=refuse,
        label="区域",
    )
    make_flow(world.city, [{"name": "财政审核", "actors": [K.FINANCE]}], code=Flow.Code.DISBURSEMENT)
    request = submit(world.community_a, world["district"], flow_code="disbursement")
    message = refusal(request_approve, request, actor=world["finance"], **at(request))
    assert message == "项目尚未完成设计"


# --- Withdrawing -----------------------------------------------------------------------------------


def test_the_submitter_withdraws_before_the_first_decision_only(world, flow, people):
    request = submit(world.community_a, world["district"])
    approve(request, world["clerk_a"])
    assert "can no longer be withdrawn" in refusal(request_withdraw, request, actor=world["district"])

    other = submit(world.community_b, world["district"])
    assert "Only the submitter" in refusal(request_withdraw, other, actor=world["clerk_b"])
    request_withdraw(request=other, actor=world["district"], reason="重新申报")
    assert (fresh(other).state, fresh(other).current_stage) == (S.WITHDRAWN, None)
    assert other not in inbox_for(world["clerk_b"])


# --- Delegation ------------------------------------------------------------------------------------


def test_a_delegate_decides_for_a_colleague_on_leave_and_the_step_says_so(world, flow, people):
    request = submit(world.community_a, world["district"])
    colleague = people["colleague"]
    assert request not in inbox_for(colleague)
    today = timezone.localdate()
    delegation_create(
        actor=world["clerk_a"], delegate=colleague, starts_on=today, ends_on=today, reason="休假"
    )
    assert request in inbox_for(colleague)

    approve(request, colleague)
    step = Step.objects.filter(request=request).latest("id")
    assert (step.actor, step.on_behalf_of, step.action) == (colleague, world["clerk_a"], "approve")


def test_a_delegate_does_not_decide_what_the_delegator_submitted(world, flow, people):
    request = submit(world.community_a, world["clerk_a"])
    today = timezone.localdate()
    delegation_create(actor=world["clerk_a"], delegate=people["colleague"], starts_on=today, ends_on=today)
    assert request not in inbox_for(people["colleague"])
    assert "decided by a Street clerk" in refusal(
        request_approve, request, actor=people["colleague"], **at(request)
    )


def test_a_delegation_acts_only_within_its_days(world, flow, people):
    request = submit(world.community_a, world["district"])
    past = timezone.localdate() - datetime.timedelta(days=10)
    delegation_create(
        actor=world["clerk_a"],
        delegate=people["colleague"],
        starts_on=past,
        ends_on=past + datetime.timedelta(days=2),
    )
    assert request not in inbox_for(people["colleague"])
    assert "decided by a Street clerk" in refusal(
        request_approve, request, actor=people["colleague"], **at(request)
    )


def test_a_delegation_goes_to_a_colleague_of_the_same_organisation_only(world):
    today = timezone.localdate()
    with translation.override("en"), pytest.raises(ValidationError, match="same organisation"):
        delegation_create(actor=world["clerk_a"], delegate=world["clerk_b"], starts_on=today, ends_on=today)
    with translation.override("en"), pytest.raises(ValidationError, match="comes before"):
        other = make_user("clerk_a3", world["clerk_a"].organisation)
        delegation_create(
            actor=world["clerk_a"],
            delegate=other,
            starts_on=today,
            ends_on=today - datetime.timedelta(days=1),
        )


# --- Conditions ------------------------------------------------------------------------------------


def test_a_stage_whose_condition_does_not_hold_is_passed_over(world, subject_registered):
    make_flow(
        world.city,
        [
            {"name": "街道审核", "actors": [K.STREET_OFFICE]},
            {"name": "大额复核", "actors": [K.FINANCE], "condition": "level <= 3"},
            {"name": "市批复", "actors": [K.CITY_BUREAU], "condition": 'name == "华光路社区"'},
        ],
    )
    request = submit(world.community_a, world["district"])  # a community: level 5
    approve(request, world["clerk_a"])
    assert fresh(request).current_stage.name == "市批复"
    assert not Assignment.objects.filter(request=request, stage__name="大额复核").exists()


def test_a_condition_naming_a_fact_the_subject_lacks_refuses_the_step_naming_it(world, subject_registered):
    make_flow(world.city, [{"name": "复核", "actors": [K.FINANCE], "condition": "amount >= 500000"}])
    with translation.override("en"), pytest.raises(ValidationError, match="names “amount”"):
        submit(world.community_a, world["district"])


# --- Who acts, resolved from the subject's region ---------------------------------------------------


def test_a_kind_is_resolved_to_the_nearest_organisation_above_the_subject(world, flow):
    a = submit(world.community_a, world["district"])
    b = submit(world.community_b, world["district"])
    assert [o.name for o in waiting_organisations(fresh(a))] == ["张店区车站街道办事处"]
    assert [o.name for o in waiting_organisations(fresh(b))] == ["张店区公园街道办事处"]


def test_a_stage_whose_organisation_does_not_exist_in_the_region_refuses_naming_it(world, subject_registered):
    make_flow(world.city, [{"name": "其他单位审核", "actors": [K.OTHER]}])
    with translation.override("en"), pytest.raises(ValidationError, match="“其他单位审核” needs a other"):
        submit(world.community_a, world["district"])


def test_a_named_organisation_must_cover_the_subjects_region(world, subject_registered):
    park_office = world["clerk_b"].organisation
    make_flow(world.city, [{"name": "指定单位审核", "actors": [park_office]}])
    with translation.override("en"), pytest.raises(ValidationError, match="does not cover this region"):
        submit(world.community_a, world["district"])
    request = submit(world.community_b, world["district"])
    assert waiting_organisations(fresh(request)) == [park_office]


# --- Flows and versions ----------------------------------------------------------------------------


def test_a_flow_with_no_stage_is_not_published(world):
    flow = flow_create(actor=world["city"], city=world.city, code=Flow.Code.DISBURSEMENT, name="资金拨付")
    with translation.override("en"), pytest.raises(ValidationError, match="has no stage"):
        flowversion_publish(actor=world["city"], version=flow.versions.get())


def test_a_stage_naming_no_organisation_is_not_published(world):
    flow = flow_create(actor=world["city"], city=world.city, code=Flow.Code.DISBURSEMENT, name="资金拨付")
    stage_add(actor=world["city"], version=flow.versions.get(), name="财政审核", actors=[])
    with translation.override("en"), pytest.raises(ValidationError, match="“财政审核” names no organisation"):
        flowversion_publish(actor=world["city"], version=flow.versions.get())


def test_a_flow_belongs_to_a_city(world):
    with translation.override("en"), pytest.raises(ValidationError, match="belongs to a city"):
        flow_create(actor=world["city"], city=world.district_a, code=Flow.Code.DISBURSEMENT, name="资金拨付")


def test_a_published_version_no_longer_changes_and_a_running_request_keeps_its_version(world, flow):
    request = submit(world.community_a, world["district"])
    version = flow.current_version()
    with translation.override("en"), pytest.raises(ValidationError, match="no longer changes"):
        stage_add(actor=world["city"], version=version, name="加一步", actors=[K.FINANCE])

    second = flowversion_create(actor=world["city"], flow=flow)
    assert [s.name for s in second.stages.all()] == ["街道审核", "联合审查", "市批复"]
    stage_add(actor=world["city"], version=second, name="财政复核", actors=[K.FINANCE])
    flowversion_publish(actor=world["city"], version=second)

    assert fresh(request).flow_version == version
    approve(request, world["clerk_a"])
    assert fresh(request).current_stage.version == version
    newer = submit(world.community_b, world["district"])
    assert fresh(newer).flow_version == second


def test_a_condition_that_is_no_condition_is_refused_when_the_stage_is_added(world):
    flow = flow_create(actor=world["city"], city=world.city, code=Flow.Code.DISBURSEMENT, name="资金拨付")
    with translation.override("en"), pytest.raises(ValidationError, match="is not of the form"):
        stage_add(
            actor=world["city"], version=flow.versions.get(), name="复核", actors=[K.FINANCE],
            condition="__import__('os').system('x')",
        )  # fmt: skip


# --- The registry ----------------------------------------------------------------------------------


def test_registering_a_subject_twice_or_for_an_unknown_flow_fails_at_once(subject_registered):
    arguments = {"region_path": str, "facts": dict, "on_decided": print, "label": "x"}
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        registry.register_subject(Region, flows=["disbursement"], **arguments)
    with pytest.raises(ImproperlyConfigured, match="no approval flow demolition"):
        registry.register_subject(Organisation, flows=["demolition"], **arguments)


def test_nobody_submits_what_lies_outside_their_area(world, flow):
    message = refusal_on_submit(world.community_b, world["clerk_a"])
    assert message == "This lies outside your area: you cannot submit it."
    assert not ApprovalRequest.objects.exists()


def refusal_on_submit(subject, actor):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        submit(subject, actor)
    return " ".join(error.value.messages)
