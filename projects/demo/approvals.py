"""The demo city's approval flows and requests under way, so every reviewer finds work waiting:

- 福禄小区 (车站街道): declared by the street clerk, through the declaration; in the joint review
  the city bureau and the development and reform commission have approved, the finance bureau and
  two more have not (a 会签 half done: reviewer_finance's inbox).
- 人民西路片区 (公园街道): in the joint review the finance bureau returned it; the clerk added the
  lift and named the contractor and resubmitted (round 2: every department reviews again, and sees what
  changed).
- 东二路小区 (车站街道): declared three weeks ago, still at the district bureau: overdue.
- 嘉和小区 (车站街道): built after an approval recorded by hand; its construction completed, the
  joint acceptance with the residents' representatives waits at the district bureau.

The historic demo projects (projects.demo.projects) were recorded by hand before the flows existed:
they have no requests, as a city's projects from before the portal would.
"""

import datetime

from django.utils import timezone

from approvals.models import ApprovalRequest, Step
from approvals.seeding import seed_city_flows
from approvals.selectors import waiting_organisations
from approvals.services import request_approve, request_resubmit, request_return
from approvals.workdays import add_working_days
from org.models import Region, User
from projects.lifecycle.flows import requests_of
from projects.lifecycle.services import project_create, project_transition, project_update
from projects.models import Compound, Project

from .attribution import recorded_as
from .records import seed_items, tick_prerequisites

DAY = datetime.timedelta(days=1)


def seed_approvals(city):
    """The city's seed flows, and the requests above (once)."""
    if ApprovalRequest.objects.filter(flow__city=city).exists():
        seed_city_flows(city)
        return 0
    users = {u.username: u for u in User.objects.filter(organisation__region__path__startswith=city.path)}
    admin = users["city_admin"]
    today = timezone.localdate()
    # Built before the portal's flows existed: its approval was recorded by hand.
    building = _built_by_hand(
        city, admin, users["street_clerk"], "车站街道", "嘉和小区雨污分流及屋面改造", index=3
    )
    seed_city_flows(city)

    fulu = _declared(city, admin, users["street_clerk"], "车站街道", "福禄小区综合整治", index=1)
    joint = _through_declaration(fulu, users)
    for username in ("city_admin", "reviewer_ndrc"):
        _approve(joint, users[username], "同意。")

    renmin = _declared(city, admin, users["street_clerk_b"], "公园街道", "人民西路片区老旧小区改造", index=2)
    returned = _through_declaration(renmin, users)
    _approve(returned, users["city_admin"], "同意。")
    request_return(
        request=returned, actor=users["reviewer_finance"], reason="施工单位未明确；居民已表决同意加装电梯，改造内容尚未列入，请补充后重新提交。",
        **_seen(returned),
    )  # fmt: skip
    project_update(actor=users["street_clerk_b"], instance=renmin, contractor="淄博市政建设集团有限公司")
    seed_items(admin, Project.objects.get(pk=renmin.pk), index=3)  # a seventh item: a lift
    request_resubmit(
        request=returned, actor=users["street_clerk_b"], comment="已明确施工单位，改造内容补充加装电梯。"
    )

    late = _declared(
        city, admin, users["street_clerk"], "车站街道", "东二路小区适老化改造", index=4, days_ago=21
    )
    for project, days in ((fulu, 9), (renmin, 9), (late, 21)):
        _spread(project, days_ago=days)

    project_transition(
        actor=users["street_clerk"],
        project=building,
        action="complete_construction",
        completed_on=today - 2 * DAY,
    )
    return ApprovalRequest.objects.filter(flow__city=city).count()


def _built_by_hand(city, admin, clerk, street_name, name, *, index):
    """A project under construction whose approval was recorded by hand (no flow existed yet)."""
    today = timezone.localdate()
    project = _prepared(city, admin, clerk, street_name, name, index=index, days_ago=150)
    project = project_update(actor=clerk, instance=project, contractor="淄博建工集团有限公司")
    project = project_transition(
        actor=clerk, project=project, action="declare", declared_on=today - 140 * DAY
    )
    project = project_transition(
        actor=admin, project=project, action="approve", approved_on=today - 100 * DAY,
        approval_body="淄博市住房和城乡建设局", approval_number=f"淄建〔{today.year}〕{index + 40}号",
    )  # fmt: skip
    return project_transition(
        actor=clerk, project=project, action="start_construction", started_on=today - 80 * DAY,
        permit_number=f"370300{today - 80 * DAY:%Y%m%d}02",
    )  # fmt: skip


def _prepared(city, admin, clerk, street_name, name, *, index, days_ago):
    """A new project of one compound of ``street_name``, surveyed and designed by its clerk."""
    street = Region.objects.get(name=street_name, level=Region.Level.STREET, path__startswith=city.path)
    compound = (
        Compound.objects.filter(community__path__startswith=street.path, project_links__isnull=True)
        .order_by("code")
        .first()
    )
    today = timezone.localdate()
    project = project_create(
        actor=clerk, compounds=[compound], name=name, code=f"ZB-{today.year + 1}-{20 + index:02d}",
        plan_year=today.year + 1, implementing_entity=f"{street.parent.name}住房和城乡建设局",
    )  # fmt: skip
    seed_items(admin, project, index)
    for action, field, days in (
        ("finish_survey", "survey_completed_on", days_ago + 30),
        ("finish_design", "design_completed_on", days_ago + 3),
    ):
        project = project_transition(
            actor=clerk, project=project, action=action, **{field: today - days * DAY}
        )
    tick_prerequisites(admin, project, today - (days_ago + 1) * DAY)
    return project


def _declared(city, admin, clerk, street_name, name, *, index, days_ago=9):
    """A new project declared by its street's clerk ``days_ago``: its declaration starts."""
    project = _prepared(city, admin, clerk, street_name, name, index=index, days_ago=days_ago)
    day = timezone.localdate() - days_ago * DAY
    with recorded_as(clerk, day, hour=9):
        return project_transition(actor=clerk, project=project, action="declare", declared_on=day)


def _through_declaration(project, users):
    """The district, the city programme office and the city government approve the declaration;
    returns the joint review that starts with it."""
    declaration = requests_of(project).get(flow__code="plan_declaration")
    for username, opinion in (
        ("district_staff", "材料齐全，同意上报。"),
        ("city_admin", "符合年度计划申报条件，提请市政府同意。"),
        ("leader", "同意纳入年度改造计划。"),
    ):
        _approve(declaration, users[username], opinion)
    return requests_of(project).get(flow__code="project_approval")


def _approve(request, user, opinion):
    request = ApprovalRequest.objects.select_related("current_stage").get(pk=request.pk)
    assert user.organisation in waiting_organisations(request), (user, request)
    request_approve(request=request, actor=user, opinion=opinion, **_seen(request))


def _seen(request):
    request = ApprovalRequest.objects.get(pk=request.pk)
    return {"expected_stage": request.current_stage, "expected_round": request.round}


def _spread(project, *, days_ago):
    """The steps of ``project``'s requests read as taken over the last ``days_ago`` days, a desk at a
    time, rather than all at the minute of seeding; deadlines are counted from the day each request
    reached its current stage (so one declared three weeks ago is overdue)."""
    steps = list(Step.objects.filter(request__in=requests_of(project)).order_by("id"))
    first = timezone.localdate() - days_ago * DAY
    for number, step in enumerate(steps):
        # A desk a working morning or afternoon, from the day it was declared.
        day = first + (number * days_ago // (len(steps) + 1)) * DAY
        moment = datetime.datetime.combine(day, datetime.time(9 + (number % 3) * 2, 10 + number * 7 % 50))
        Step.objects.filter(pk=step.pk).update(at=timezone.make_aware(moment))
    for request in requests_of(project):
        at = list(request.steps.order_by("at", "id").values_list("at", flat=True))
        reached = at[-1] if request.state == ApprovalRequest.State.PENDING else None
        ApprovalRequest.objects.filter(pk=request.pk).update(
            submitted_at=at[0],
            due_on=add_working_days(timezone.localtime(reached).date(), request.current_stage.deadline_days)
            if reached
            else None,
        )
