"""The four flows every city starts with, resolved against the demo city's organisations."""

import pytest
from django.core.exceptions import ValidationError

from approvals.models import Flow, Record, Stage, Step
from approvals.seeding import seed_city_flows
from approvals.selectors import recorded, stages_with_state, waiting_organisations
from approvals.services import request_approve
from tests.factories import make_user

from .conftest import at, fresh, submit

JOINT_REVIEW = {
    "淄博市住房和城乡建设局",
    "淄博市发展和改革委员会",
    "淄博市财政局",
    "淄博市自然资源和规划局",
    "淄博市行政审批服务局",
}


def test_a_city_gets_the_four_flows_published_once(world):
    created = seed_city_flows(world.city)
    assert sorted(f.code for f in created) == sorted(Flow.Code.values)
    assert seed_city_flows(world.city) == []
    approval = Flow.objects.get(city=world.city, code=Flow.Code.PROJECT_APPROVAL)
    assert approval.name == "项目联合审查与批复"
    stages = list(approval.current_version().stages.all())
    assert [(s.name, s.mode) for s in stages] == [
        ("联合审查", Stage.Mode.ALL),
        ("市住建局批复", Stage.Mode.SINGLE),
    ]


def test_the_joint_review_waits_for_the_five_city_departments_in_one_round(world, subject_registered):
    seed_city_flows(world.city)
    request = submit(world.community_a, world["clerk_a"])
    assert {o.name for o in waiting_organisations(fresh(request))} == JOINT_REVIEW
    request_approve(request=request, actor=world["finance"], **at(request))
    assert fresh(request).current_stage.name == "联合审查"


def climb(world, request):
    """Approve ``request`` stage by stage as a user of each waiting organisation (not the
    submitter); the organisations in the order they decided."""
    climbed = []
    while fresh(request).state == "pending":
        for organisation in waiting_organisations(fresh(request)):
            climbed.append(organisation.name)
            actor = organisation.users.exclude(pk=fresh(request).submitter_id).first()
            if actor is None:  # the organisation's only user is the submitter: a colleague decides
                actor = make_user(f"reviewer_{len(climbed)}", organisation)
            record = "淄建改批〔2026〕1号" if fresh(request).current_stage.record else ""
            request_approve(request=request, actor=actor, record=record, **at(request))
    return climbed


def test_the_plan_declaration_climbs_from_the_street_to_the_city_government(world, subject_registered):
    seed_city_flows(world.city)
    # Submitted by the city bureau (for a street's compound): every desk decides in turn.
    request = submit(world.community_a, world["city"], flow_code=Flow.Code.PLAN_DECLARATION)
    assert climb(world, request) == [
        "张店区车站街道办事处",
        "张店区住房和城乡建设局",
        "淄博市住房和城乡建设局",
        "淄博市城镇老旧小区改造工作领导小组",
    ]
    assert fresh(request).state == "approved"


def test_a_street_office_declaring_its_own_project_has_reviewed_it_by_submitting(world, subject_registered):
    seed_city_flows(world.city)
    request = submit(world.community_a, world["clerk_a"], flow_code=Flow.Code.PLAN_DECLARATION)
    (passed,) = fresh(request).steps.filter(action=Step.Action.PASS)
    assert (passed.stage.name, passed.actor) == ("街道办事处审核", world["clerk_a"])
    assert climb(world, request) == [
        "张店区住房和城乡建设局",
        "淄博市住房和城乡建设局",
        "淄博市城镇老旧小区改造工作领导小组",
    ]
    assert {stage.name: state for stage, state in stages_with_state(fresh(request))}["街道办事处审核"] == (
        "passed"
    )
    # Passing is no decision: nobody decided yet, so the clerk could still have withdrawn it.
    again = submit(world.community_b, world["clerk_b"], flow_code=Flow.Code.PLAN_DECLARATION)
    assert fresh(again).can_be_withdrawn_by(world["clerk_b"])


def test_a_district_project_is_declared_without_a_street_office(world, subject_registered):
    seed_city_flows(world.city)
    request = submit(world.district_a, world["district"], flow_code=Flow.Code.PLAN_DECLARATION)
    # The street stage does not apply, and the district bureau, the submitter's own, reviews by
    # submitting: the city programme office is the first to decide.
    assert [o.name for o in waiting_organisations(fresh(request))] == ["淄博市住房和城乡建设局"]


def test_the_approval_records_its_document_number(world, subject_registered):
    seed_city_flows(world.city)
    request = submit(world.community_a, world["clerk_a"])
    climb(world, request)
    assert recorded(fresh(request), Record.DOCUMENT_NUMBER) == "淄建改批〔2026〕1号"


def test_the_city_approval_without_a_document_number_is_refused(world, subject_registered):
    seed_city_flows(world.city)
    request = submit(world.community_a, world["clerk_a"])
    for organisation in waiting_organisations(fresh(request)):
        request_approve(request=request, actor=organisation.users.first() or make_user(
            f"r_{organisation.pk}", organisation), **at(request))  # fmt: skip
    assert fresh(request).current_stage.name == "市住建局批复"
    with pytest.raises(ValidationError) as refused:
        request_approve(request=request, actor=world["city"], **at(request))
    assert refused.value.message_dict == {"record": ["请填写批复文号。"]}


def test_completion_is_accepted_by_the_district_with_the_residents_representatives_then_the_city(
    world, subject_registered
):
    seed_city_flows(world.city)
    request = submit(world.community_b, world["clerk_b"], flow_code=Flow.Code.COMPLETION_ACCEPTANCE)
    assert [o.name for o in waiting_organisations(fresh(request))] == ["张店区住房和城乡建设局"]
    assert fresh(request).current_stage.record == Record.REPRESENTATIVES


def test_a_disbursement_waits_for_the_city_finance_bureau(world, subject_registered):
    seed_city_flows(world.city)
    request = submit(world.community_b, world["district"], flow_code=Flow.Code.DISBURSEMENT)
    assert [o.name for o in waiting_organisations(fresh(request))] == ["淄博市财政局"]
