"""The four flows every city starts with, resolved against the demo city's organisations."""

from approvals.models import Flow, Stage
from approvals.seeding import seed_city_flows
from approvals.selectors import waiting_organisations
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


def test_the_plan_declaration_climbs_from_the_street_to_the_city_government(world, subject_registered):
    seed_city_flows(world.city)
    request = submit(world.community_a, world["clerk_a"], flow_code=Flow.Code.PLAN_DECLARATION)
    climbed = []
    while fresh(request).state == "pending":
        (organisation,) = waiting_organisations(fresh(request))
        climbed.append(organisation.name)
        actor = organisation.users.exclude(pk=world["clerk_a"].pk).first()
        if actor is None:  # the street office's only user is the submitter: a colleague decides
            actor = make_user(f"reviewer_{len(climbed)}", organisation)
        request_approve(request=request, actor=actor, **at(request))
    assert climbed == [
        "张店区车站街道办事处",
        "张店区住房和城乡建设局",
        "淄博市住房和城乡建设局",
        "淄博市城镇老旧小区改造工作领导小组",
    ]
    assert fresh(request).state == "approved"


def test_completion_is_accepted_jointly_by_the_district_and_the_street_then_the_city(
    world, subject_registered
):
    seed_city_flows(world.city)
    request = submit(world.community_b, world["district"], flow_code=Flow.Code.COMPLETION_ACCEPTANCE)
    assert {o.name for o in waiting_organisations(fresh(request))} == {
        "张店区住房和城乡建设局",
        "张店区公园街道办事处",
    }


def test_a_disbursement_waits_for_the_city_finance_bureau(world, subject_registered):
    seed_city_flows(world.city)
    request = submit(world.community_b, world["district"], flow_code=Flow.Code.DISBURSEMENT)
    assert [o.name for o in waiting_organisations(fresh(request))] == ["淄博市财政局"]
