"""Residents' part of the demo city (seed_demo runs it after funding's): residents' section of the
demo policy (two thirds must agree and answer), the households of every compound in a project (with
buildings where a compound had none), a needs survey per project (closed before its survey was
finished; open today for the project still surveying), satisfaction surveys of the completed
projects, contributions partly paid, and complaints in every state, one overdue.

One compound of 西五路供电公司家属院改造 (at its declaration) has only 55 % of its households agreeing:
below the threshold, so its project cannot be declared (residents.results' guard).

淄博's plan sets no per-household contribution (funding/demo.py installs its only rule, a share of
the contract price), so the households' dues are written directly at 芒市's rates (1,500 元 a
household of a unit building, 2,000 元 otherwise), and the payments are not linked to the funding
ledger: funding's demo already records the residents' money of each project as lump receipts.

Campaigns and complaints go through their services; households, answers and contributions are
written with ``bulk_create`` (≈ 3,500 households, ≈ 3,700 answers). Safe to run again."""

import datetime
import math
import random
from decimal import Decimal

from django.utils import timezone

from org.models import CityPolicy, Organisation, Region, User
from projects.demo.attribution import recorded_as
from projects.demo.synthetic_compounds import make_buildings
from projects.models import Building, Compound, ItemCategory, Project, RenovationItem

from ..complaints.services import complaint_answer, complaint_assign, complaint_close, complaint_record
from ..models import (
    CategoryScore,
    Complaint,
    Contribution,
    Household,
    ResidentPolicy,
    SurveyCampaign,
    SurveyResponse,
)
from ..results.support import support_refresh
from ..surveys.services import campaign_save
from . import people

SEED = 2026
POLICY_DOCUMENT = "淄政办字〔2020〕49号"
BLOCKED_PROJECT = "西五路供电公司家属院改造"
BLOCKED_SUPPORT = Decimal("0.55")
UNIT_BUILDING, OTHER = Decimal("1500"), Decimal("2000")
CONTRIBUTION_BASIS = "参照芒市居民拼配资金标准：单元楼1500元/户，其余2000元/户"
S = Project.Stage
STAGES = list(S)
# Share of the households that paid their due in full, by the project's stage: two thirds at least
# from the declaration on (the contributions guard), so that the project at its declaration is held
# back by its residents' support alone.
PAID_SHARE = {
    S.DECLARATION: 0.7,
    S.REVIEW: 0.72,
    S.PROCUREMENT: 0.78,
    S.CONSTRUCTION: 0.85,
    S.ACCEPTANCE: 0.9,
    S.HANDOVER: 0.93,
    S.AUDIT: 0.96,
    S.CLOSED: 1.0,
}
Wanted = SurveyResponse.wanted_items.through
C = Complaint
# (status, channel, category, days ago received, content, reply, satisfaction): handed on 25 days
# ago and not answered, the 12345 call about the dug-up road is past its deadline (15 days).
COMPLAINTS = (
    (C.Status.RECEIVED, C.Channel.HOTLINE, C.Category.CONSTRUCTION_NUISANCE, 2,
     "晚上十点后还在切割钢筋，噪音太大，影响休息。", "", ""),
    (C.Status.RECEIVED, C.Channel.ONLINE, C.Category.CONTENT, 5,
     "我家楼道的声控灯不在改造清单里，能否加上？", "", ""),
    (C.Status.ASSIGNED, C.Channel.PHONE, C.Category.SAFETY, 4,
     "脚手架下面没有围挡，孩子上学要从下面过。", "", ""),
    (C.Status.ASSIGNED, C.Channel.HOTLINE, C.Category.PROGRESS, 25,
     "雨污分流挖开的路面一个多月没有恢复，出行困难。", "", ""),
    (C.Status.ASSIGNED, C.Channel.LETTER, C.Category.CONTRIBUTION, 6,
     "居民出资的标准是怎么定的？希望公示明细。", "", ""),
    (C.Status.ANSWERED, C.Channel.VISIT, C.Category.CONSTRUCTION_QUALITY, 20,
     "新铺的人行道砖已经松动。", "已通知施工单位返工，三日内重新铺设并压实。", ""),
    (C.Status.ANSWERED, C.Channel.ONLINE, C.Category.PROPERTY, 12,
     "改造后谁来管理小区？停车费怎么收？",
     "改造完成后由社区引入物业服务企业，收费标准将经业主大会表决后公示。", ""),
    (C.Status.CLOSED, C.Channel.HOTLINE, C.Category.CONSTRUCTION_NUISANCE, 60,
     "施工车辆堵住单元门口。", "已要求施工单位规范车辆停放，设置专人疏导。", C.Satisfaction.SATISFIED),
    (C.Status.CLOSED, C.Channel.PHONE, C.Category.CONTENT, 75,
     "希望加装电梯。", "经征求意见，本单元同意率达到要求，已纳入加装电梯计划。", C.Satisfaction.SATISFIED),
    (C.Status.CLOSED, C.Channel.LETTER, C.Category.OTHER, 90,
     "小区门口的垃圾站位置不合理。", "已会同城管部门调整垃圾收集点位置。", C.Satisfaction.PARTLY),
    (C.Status.CLOSED, C.Channel.VISIT, C.Category.CONSTRUCTION_QUALITY, 120,
     "外墙保温层有空鼓。", "施工单位已完成维修，监理单位复查合格。", C.Satisfaction.DISSATISFIED),
)  # fmt: skip


def seed(context):
    city = context.shared.get("city") or Region.objects.get(code="370300")
    today = timezone.localdate()
    seed_policy(city)
    compounds = Compound.objects.filter(city=city).values_list("pk", flat=True)
    if Household.objects.filter(compound__city=city).exists():
        support_refresh(compounds)  # a demo seeded before its compounds' support was stored
        return
    rng = random.Random(SEED)
    projects = list(Project.objects.filter(city=city).prefetch_related("compounds").order_by("pk"))
    admin = User.objects.filter(username="city_admin").first()
    if not projects or admin is None:
        return
    households = seed_households(rng, projects)
    answers = seed_surveys(rng, admin, projects, households, today)
    support_refresh(compounds)
    contributions = seed_contributions(rng, projects, households, today)
    complaints = seed_complaints(rng, admin, projects, today)
    context.stdout.write(
        f"{city.name}: {sum(len(h) for h in households.values())} households, {answers} survey answers, "
        f"{contributions} contributions, {complaints} complaints"
    )


def seed_policy(city):
    """Residents' section of the demo policy, at its defaults (two thirds)."""
    policy = CityPolicy.objects.filter(city=city, document_number=POLICY_DOCUMENT).first()
    if policy is None:
        return None
    section, _created = ResidentPolicy.objects.get_or_create(policy=policy)
    return section


def seed_households(rng, projects):
    """{compound pk: [households]} of every compound in a project; buildings made where none are."""
    compounds = {c.pk: c for p in projects for c in p.compounds.all()}
    without = [c for c in compounds.values() if not c.buildings.exists()]
    if without:
        Building.objects.bulk_create(make_buildings(compounds=without, rng=rng))
    rows = []
    for building in Building.objects.filter(compound__in=compounds).order_by("compound", "pk"):
        count = building.household_count or 1
        for unit, room in people.rooms(building.storeys, building.units, count):
            name, phone, size, elderly, disabled, tenure = people.household(rng)
            rows.append(
                Household(compound_id=building.compound_id, building=building, unit=unit, room=room,
                          head_name=name, phone=phone or people.phone(rng), size=size, has_elderly=elderly,
                          has_disabled=disabled, tenure=tenure)
            )  # fmt: skip
    created = Household.objects.bulk_create(rows, batch_size=2000)
    households = {pk: [] for pk in compounds}
    for household in created:
        households[household.compound_id].append(household)
    return households


def seed_surveys(rng, admin, projects, households, today):
    """A needs survey per project (open now at its survey stage, else closed before the survey was
    finished), a satisfaction survey per completed project. Returns how many answers."""
    items = people.wanted_items(dict(RenovationItem.objects.values_list("code", "pk")))
    categories = list(
        ItemCategory.objects.filter(optional=False).order_by("order").values_list("pk", flat=True)
    )
    responses, wanted, scores = [], [], []
    for project in projects:
        compounds = list(project.compounds.all())
        stage = STAGES.index(project.stage)
        if stage == STAGES.index(S.SURVEY):
            opens, closes = today - datetime.timedelta(days=18), today + datetime.timedelta(days=30)
        else:
            done = project.survey_completed_on or today
            closes = done - datetime.timedelta(days=5)
            opens = closes - datetime.timedelta(days=30)
        campaign = _campaign(admin, project, SurveyCampaign.Kind.NEEDS, "需求调查", compounds, opens, closes)
        for number, compound in enumerate(compounds):
            rows = households[compound.pk]
            if stage == STAGES.index(S.SURVEY):  # under way: about half answered so far
                support, answered = Decimal("0.48"), Decimal("0.55")
            elif project.name == BLOCKED_PROJECT and number == 0:
                support, answered = BLOCKED_SUPPORT, Decimal("0.85")
            else:
                support = Decimal(rng.randint(80, 95)) / 100
                answered = min(Decimal("0.98"), support + Decimal(rng.randint(3, 10)) / 100)
            chosen = rng.sample(rows, round(len(rows) * answered))
            agreeing = round(len(rows) * support)
            for index, household in enumerate(chosen):
                origin, agrees, items_wanted, willing, amount, comment = people.needs_answer(
                    rng, index < agreeing, items
                )
                response = SurveyResponse(
                    campaign=campaign, household=household, origin=origin, agrees=agrees,
                    answered_on=_day(rng, opens, closes, today), willing_to_contribute=willing,
                    contribution_amount=amount, comment=comment,
                )  # fmt: skip
                responses.append(response)
                wanted.append(items_wanted)
        if project.completed_on:
            opens = min(today, project.completed_on + datetime.timedelta(days=30))
            closes = opens + datetime.timedelta(days=30)
            campaign = _campaign(
                admin, project, SurveyCampaign.Kind.SATISFACTION, "满意度调查", compounds, opens, closes
            )
            for compound in compounds:
                rows = households[compound.pk]
                for household in rng.sample(rows, round(len(rows) * rng.uniform(0.55, 0.75))):
                    origin, overall, category_scores, comment = people.satisfaction_answer(rng, categories)
                    response = SurveyResponse(
                        campaign=campaign, household=household, origin=origin, overall_score=overall,
                        answered_on=_day(rng, opens, closes, today), comment=comment,
                    )  # fmt: skip
                    responses.append(response)
                    wanted.append([])
                    scores.append((response, category_scores))
    SurveyResponse.objects.bulk_create(responses, batch_size=2000)
    links = [
        Wanted(surveyresponse_id=r.pk, renovationitem_id=i)
        for r, w in zip(responses, wanted, strict=True)
        for i in w
    ]
    Wanted.objects.bulk_create(links, batch_size=5000)
    CategoryScore.objects.bulk_create(
        [CategoryScore(response=r, category_id=c, score=s) for r, pairs in scores for c, s in pairs],
        batch_size=5000,
    )
    return len(responses)


def _campaign(admin, project, kind, suffix, compounds, opens, closes):
    """A campaign over the project's compounds, through the survey services (dated its opening day)."""
    with recorded_as(admin, opens, hour=9):
        return campaign_save(
            actor=admin, compounds=compounds, kind=kind, title=f"{project.name}{suffix}"[:100], opens_on=opens,
            closes_on=closes,
        )  # fmt: skip


def _day(rng, opens, closes, today):
    last = min(closes, today)
    return opens + datetime.timedelta(days=rng.randint(0, max(0, (last - opens).days)))


def seed_contributions(rng, projects, households, today):
    """Dues at 芒市's rates for every household of the projects at their declaration and beyond,
    paid in full by the share PAID_SHARE gives (the residents-contribute guard asks two thirds
    before declaring), between the end of the survey and the declaration; a few paid half."""
    rows = []
    receipt = 0
    for project in projects:
        share = PAID_SHARE.get(project.stage)
        if share is None:
            continue
        start = project.survey_completed_on or today - datetime.timedelta(days=120)
        end = project.declared_on or today
        for compound in project.compounds.all():
            members = households[compound.pk]
            paying = set(rng.sample(range(len(members)), math.ceil(len(members) * share)))
            for index, household in enumerate(members):
                due = UNIT_BUILDING if household.unit else OTHER
                contribution = Contribution(
                    project=project, household=household, due=due, basis=CONTRIBUTION_BASIS
                )
                paid = due if index in paying else due / 2 if rng.random() < 0.1 else Decimal(0)
                if paid:
                    receipt += 1
                    contribution.paid = paid
                    contribution.paid_on = _day(rng, start, end, today)
                    contribution.receipt_number = f"ZBJM{contribution.paid_on:%Y}{receipt:05d}"
                rows.append(contribution)
    Contribution.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def seed_complaints(rng, admin, projects, today):
    """Complaints about the projects under way in every state and through every channel, recorded,
    handed on, answered and closed through the complaint services by the city administrator; one
    handed on and past its deadline."""
    live = [p for p in projects if p.stage in (S.PROCUREMENT, S.CONSTRUCTION, S.ACCEPTANCE, S.HANDOVER)]
    live = live or projects
    offices = {o.region_id: o for o in Organisation.objects.filter(kind=Organisation.Kind.STREET_OFFICE)}
    for number, (status, channel, category, ago, content, reply, satisfaction) in enumerate(COMPLAINTS, 1):
        project = live[number % len(live)]
        compound = project.compounds.select_related("community").order_by("pk")[0]
        received = today - datetime.timedelta(days=ago)
        with recorded_as(admin, received, hour=9):
            complaint = complaint_record(
                actor=admin, channel=channel, category=category, content=content, received_on=received,
                compound=compound, project=project, complainant_name=people.name(rng),
                complainant_phone=people.phone(rng),
            )  # fmt: skip
        if status == C.Status.RECEIVED:
            continue
        with recorded_as(admin, received, hour=14):
            complaint = complaint_assign(
                actor=admin, complaint=complaint, handler=offices[compound.community.parent_id]
            )
        if status == C.Status.ASSIGNED:
            continue
        answered = min(today, received + datetime.timedelta(days=rng.randint(3, 10)))
        with recorded_as(admin, answered, hour=16):
            complaint = complaint_answer(actor=admin, complaint=complaint, reply=reply, answered_on=answered)
        if status == C.Status.CLOSED:
            closed = min(today, answered + datetime.timedelta(days=rng.randint(1, 7)))
            with recorded_as(admin, closed, hour=10):
                complaint_close(actor=admin, complaint=complaint, satisfaction=satisfaction, closed_on=closed)
    return len(COMPLAINTS)
