"""The project lifecycle driven by the city's approval flows: declaring starts the plan declaration,
its approval starts the joint review, whose approval records the 批复 with its 文号; completing
construction starts the acceptance; a rejection puts the project back; city staff may still record an
approval obtained outside the portal."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from approvals.models import ApprovalRequest, Flow, Step
from approvals.seeding import seed_city_flows
from approvals.selectors import waiting_organisations
from approvals.services import (
    request_approve,
    request_reject,
    request_resubmit,
    request_return,
    request_withdraw,
)
from core.models import AuditEntry
from org.models import Organisation, Region
from org.roles import DEPT_REVIEWER
from org.services import region_create
from projects.lifecycle import flows
from projects.lifecycle.services import project_transition
from projects.models import Project
from tests.factories import compound_in, make_user, project_in

S = Project.Stage
DOCUMENT_NUMBER = "淄建改批〔2026〕7号"


@pytest.fixture
def city_flows(world):
    seed_city_flows(world.city)


@pytest.fixture
def reviewers(world):
    """A reviewer in each city department of the joint review (the world has finance's)."""
    found = {"淄博市财政局": world["finance"], "淄博市住房和城乡建设局": world["city"]}
    for name in ("淄博市发展和改革委员会", "淄博市自然资源和规划局", "淄博市行政审批服务局"):
        found[name] = make_user(f"reviewer_{len(found)}", Organisation.objects.get(name=name), DEPT_REVIEWER)
    found["张店区住房和城乡建设局"] = world["district"]
    found["淄博市城镇老旧小区改造工作领导小组"] = world["leader"]
    return found


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def at(request):
    request = fresh(request)
    return {"expected_stage": request.current_stage, "expected_round": request.round}


def last_step_of(project):
    """The project's latest lifecycle entry in the audit log."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Project), object_id=str(project.pk),
        action=AuditEntry.Action.TRANSITION,
    ).latest("id")  # fmt: skip


def the_request(project, code):
    return flows.requests_of(project).get(flow__code=code)


def declared(world):
    project = project_in(compound_in(world.community_a), stage=S.DECLARATION)
    project_transition(
        actor=world["clerk_a"], project=project, action="declare", declared_on=timezone.localdate()
    )
    return fresh(project)


def decide_all(request, reviewers, record=""):
    """Every organisation the current stage waits for approves."""
    for organisation in waiting_organisations(fresh(request)):
        request_approve(request=request, actor=reviewers[organisation.name], record=record, **at(request))


def through_declaration(project, reviewers):
    declaration = the_request(project, Flow.Code.PLAN_DECLARATION)
    while fresh(declaration).state == ApprovalRequest.State.PENDING:
        decide_all(declaration, reviewers)
    return the_request(project, Flow.Code.PROJECT_APPROVAL)


def test_declaring_starts_the_plan_declaration_which_the_clerks_street_office_has_passed(world, city_flows):
    project = declared(world)
    assert project.stage == S.REVIEW
    declaration = the_request(project, Flow.Code.PLAN_DECLARATION)
    assert (declaration.state, declaration.submitter) == ("pending", world["clerk_a"])
    assert declaration.region_path == project.region.path
    assert declaration.steps.filter(action=Step.Action.PASS, stage__name="街道办事处审核").exists()
    assert [o.name for o in waiting_organisations(declaration)] == ["张店区住房和城乡建设局"]


def test_a_city_without_flows_records_the_steps_by_hand(world):
    project = declared(world)
    assert project.stage == S.REVIEW
    assert not flows.requests_of(project).exists()


def test_declaration_then_joint_review_then_the_批复_moves_the_project_on(world, city_flows, reviewers):
    project = declared(world)
    review = through_declaration(project, reviewers)
    # The joint review starts by itself once the city government consented, sent by the declarer.
    assert (review.state, review.submitter, review.current_stage.name) == (
        "pending",
        world["clerk_a"],
        "联合审查",
    )
    assert {o.name for o in waiting_organisations(review)} == {
        "淄博市住房和城乡建设局", "淄博市发展和改革委员会", "淄博市财政局", "淄博市自然资源和规划局", "淄博市行政审批服务局",
    }  # fmt: skip
    decide_all(review, reviewers)
    assert fresh(review).current_stage.name == "市住建局批复"
    assert fresh(project).stage == S.REVIEW
    decide_all(review, reviewers, record=DOCUMENT_NUMBER)
    project = fresh(project)
    assert fresh(review).state == "approved"
    assert (project.stage, project.pool) == (S.PROCUREMENT, Project.Pool.IMPLEMENTATION)
    assert (project.approved_on, project.approval_body, project.approval_number) == (
        timezone.localdate(), "淄博市住房和城乡建设局", DOCUMENT_NUMBER
    )  # fmt: skip
    entry = last_step_of(project)
    assert "项目联合审查与批复" in entry.summary and entry.actor == world["city"]


def test_a_return_leaves_the_project_and_a_resubmission_shows_what_changed(
    world, city_flows, reviewers, client
):
    project = declared(world)
    review = through_declaration(project, reviewers)
    request_return(request=review, actor=world["finance"], reason="估算依据不足，请补充", **at(review))
    assert fresh(project).stage == S.REVIEW
    client.force_login(world["clerk_a"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert "估算依据不足，请补充" in page and "修改后重新提交" in page
    Project.objects.filter(pk=project.pk).update(contractor="淄博建工集团有限公司")
    request_resubmit(request=review, actor=world["clerk_a"], comment="已补充")
    client.force_login(world["finance"])
    page = client.get(review.get_absolute_url()).content.decode()
    assert "淄博建工集团有限公司" in page


def test_a_rejection_puts_the_project_back_to_its_declaration(world, city_flows, reviewers):
    project = declared(world)
    review = through_declaration(project, reviewers)
    request_reject(request=review, actor=world["finance"], reason="资金来源不落实", **at(review))
    project = fresh(project)
    assert (project.stage, project.pool, project.declared_on) == (S.DECLARATION, Project.Pool.RESERVE, None)
    entry = last_step_of(project)
    assert "资金来源不落实" in entry.summary


def test_city_staff_record_an_approval_obtained_outside_the_portal_with_a_note(world, city_flows, reviewers):
    project = declared(world)
    inputs = {
        "approved_on": timezone.localdate(),
        "approval_body": "淄博市人民政府",
        "approval_number": "淄政字〔2026〕3号",
    }
    with pytest.raises(ValidationError) as refused:
        flows.record_by_hand(actor=world["city"], project=project, action="approve", **inputs)
    assert "outside_note" in refused.value.message_dict
    assert fresh(project).stage == S.REVIEW
    flows.record_by_hand(
        actor=world["city"], project=project, action="approve", note="市政府常务会议纪要〔2026〕5号", **inputs
    )
    project = fresh(project)
    assert (project.stage, project.approval_number) == (S.PROCUREMENT, "淄政字〔2026〕3号")
    declaration = the_request(project, Flow.Code.PLAN_DECLARATION)
    assert declaration.state == "withdrawn"
    assert "市政府常务会议纪要〔2026〕5号" in declaration.steps.latest("id").opinion
    entry = last_step_of(project)
    assert "市政府常务会议纪要〔2026〕5号" in entry.summary


def test_the_outside_form_asks_for_the_note_on_the_page(world, city_flows, client):
    project = declared(world)
    client.force_login(world["city"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'id="record-by-hand"' in page and "登记门户外取得的批复" in page and "年度计划申报" in page
    response = client.post(
        reverse("projects:project_transition", args=[project.pk, "approve"]),
        {"approve-approved_on": timezone.localdate().isoformat(), "approve-approval_body": "淄博市人民政府",
         "approve-approval_number": "淄政字〔2026〕3号", "approve-outside_note": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert list(response.context["step_form"].errors) == ["outside_note"]
    assert fresh(project).stage == S.REVIEW


def test_completing_construction_starts_the_acceptance_which_records_the_representatives(
    world, city_flows, reviewers
):
    project = project_in(compound_in(world.community_a), stage=S.CONSTRUCTION, contractor="淄博建工")
    project_transition(
        actor=world["clerk_a"],
        project=project,
        action="complete_construction",
        completed_on=timezone.localdate(),
    )
    acceptance = the_request(project, Flow.Code.COMPLETION_ACCEPTANCE)
    assert [o.name for o in waiting_organisations(acceptance)] == ["张店区住房和城乡建设局"]
    with pytest.raises(ValidationError):
        request_approve(request=acceptance, actor=world["district"], **at(acceptance))
    request_approve(request=acceptance, actor=world["district"], record="王秀英、李建华", **at(acceptance))
    request_approve(request=acceptance, actor=world["city"], **at(acceptance))
    project = fresh(project)
    assert (project.stage, project.accepted_on) == (S.HANDOVER, timezone.localdate())


def test_a_new_city_gets_the_seed_flows(world):
    province = Region.objects.get(level=Region.Level.PROVINCE)
    city = region_create(
        actor=world["sysadmin"], code="370400", name="枣庄市", level=Region.Level.CITY, parent=province
    )
    assert Flow.objects.filter(city=city).count() == len(Flow.Code.values)


def test_a_stages_reviewers_may_read_the_project_and_keep_reading_it(world, city_flows, reviewers):
    project = declared(world)
    # The city bureau's system administrator holds no project permission of their role: the joint
    # review, which waits for the city bureau, lets every user of it read the project.
    sysadmin = world["sysadmin"]
    assert not Project.objects.restrict(sysadmin).filter(pk=project.pk).exists()
    review = through_declaration(project, reviewers)
    sysadmin = fresh(sysadmin)
    assert Project.objects.restrict(sysadmin).filter(pk=project.pk).exists()
    assert not Project.objects.restrict(sysadmin, "change").filter(pk=project.pk).exists()
    decide_all(review, reviewers)
    decide_all(review, reviewers, record=DOCUMENT_NUMBER)
    assert Project.objects.restrict(fresh(sysadmin)).filter(pk=project.pk).exists()


def test_a_declaration_withdrawn_before_anyone_decided_puts_the_project_back(world, city_flows):
    project = declared(world)
    declaration = the_request(project, Flow.Code.PLAN_DECLARATION)
    request_withdraw(request=declaration, actor=world["clerk_a"], reason="补充材料后再申报")
    project = fresh(project)
    assert (project.stage, project.declared_on) == (S.DECLARATION, None)
    assert "补充材料后再申报" in last_step_of(project).summary


def test_the_clerk_declares_from_the_project_page_with_a_note_and_files(world, city_flows, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import PDF_BYTES

    project = project_in(compound_in(world.community_a), stage=S.DECLARATION)
    client.force_login(world["clerk_a"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' in page and "送审说明" in page
    response = client.post(
        reverse("projects:project_transition", args=[project.pk, "declare"]),
        {
            "declare-declared_on": timezone.localdate().isoformat(),
            "declare-comment": "居民同意率96%，方案已公示",
            "declare-attachments": [SimpleUploadedFile("改造方案.pdf", PDF_BYTES, "application/pdf")],
        },
    )
    assert response.status_code == 302
    declaration = the_request(project, Flow.Code.PLAN_DECLARATION)
    submitted = declaration.steps.get(action=Step.Action.SUBMIT)
    assert submitted.opinion == "居民同意率96%，方案已公示"
    assert [a.filename for a in declaration.attachments.all()] == ["改造方案.pdf"]
