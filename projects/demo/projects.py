"""Demo projects of 淄博: one in every stage, some late, walked there through the real lifecycle
by the demo city administrator, so their timelines read like real ones (projects.demo_records adds
their items, prerequisites, progress, inspections and files)."""

import datetime

from django.db.models import Count
from django.utils import timezone

from org.models import Region, User
from projects.lifecycle.services import project_create, project_transition
from projects.lifecycle.transitions import APPROVE, TRANSITIONS
from projects.models import Compound, Prerequisite, Project

from .attribution import preparer_of, recorded_as
from .records import after_step, tick_prerequisites

# (name, stage to reach, plan year, planned completion): one per stage.
DEMO_PROJECTS = (
    ("华光路片区老旧小区改造", Project.Stage.SURVEY, 2027, None),
    ("共青团路纺织厂宿舍改造", Project.Stage.DESIGN, 2027, None),
    ("西五路供电公司家属院改造", Project.Stage.DECLARATION, 2027, None),
    ("公园街道连片改造一期", Project.Stage.REVIEW, 2026, None),
    ("和平街道老旧小区改造", Project.Stage.PROCUREMENT, 2026, datetime.date(2026, 12, 31)),
    ("科苑街道加装电梯及管网改造", Project.Stage.CONSTRUCTION, 2026, datetime.date(2026, 10, 31)),
    ("般阳路街道老旧小区改造", Project.Stage.ACCEPTANCE, 2025, datetime.date(2025, 12, 31)),
    ("松龄路街道片区改造", Project.Stage.HANDOVER, 2025, datetime.date(2025, 11, 30)),
    ("钟楼街道老旧小区改造", Project.Stage.AUDIT, 2024, datetime.date(2024, 12, 31)),
    ("城东街道老旧小区改造", Project.Stage.CLOSED, 2023, datetime.date(2023, 12, 31)),
)
STEP = datetime.timedelta(days=45)
STREETS = ("车站街道", "车站街道", "车站街道", "公园街道", "和平街道", "科苑街道", "般阳路街道", "松龄路街道",
           "钟楼街道", "城东街道")  # fmt: skip


def _inputs(action, day):
    return {
        "finish_survey": {"survey_completed_on": day},
        "finish_design": {"design_completed_on": day},
        "declare": {"declared_on": day},
        "approve": {"approved_on": day, "approval_body": "淄博市住房和城乡建设局",
                    "approval_number": f"淄建〔{day.year}〕{day.timetuple().tm_yday}号"},
        "start_construction": {"started_on": day, "permit_number": f"370300{day:%Y%m%d}01"},
        "complete_construction": {"completed_on": day},
        "accept": {"accepted_on": day},
        "hand_over": {"handed_over_on": day, "management_entity": "淄博市物业服务中心"},
        "record_audit": {"audited_on": day},
    }[action]  # fmt: skip


def seed_projects(city):
    if Project.objects.filter(city=city).exists():
        return 0
    admin = User.objects.get(username="city_admin")
    for index, (name, target, year, planned_completion) in enumerate(DEMO_PROJECTS):
        street = Region.objects.get(
            name=STREETS[index], level=Region.Level.STREET, path__startswith=city.path
        )
        taken = Compound.objects.filter(community__path__startswith=street.path).annotate(n=Count("projects"))
        compounds = list(taken.filter(n=0).order_by("code")[: 1 + index % 3])
        steps = TRANSITIONS[: list(Project.Stage.values).index(target)]
        # Steps 45 days apart from September of the year before, none of them after today.
        day = min(datetime.date(year - 1, 9, 1), timezone.localdate() - STEP * len(steps))
        # Written by the city's administrator, read as the street's (or district's) clerk and the city.
        preparer = preparer_of(street, admin)
        with recorded_as(preparer, day - STEP / 3, hour=9):
            project = project_create(
                actor=admin, compounds=compounds, name=name, code=f"ZB-{year}-{index + 1:02d}", plan_year=year,
                implementing_entity=f"{street.parent.name}住房和城乡建设局", contractor="淄博建工集团有限公司",
                planned_completion=planned_completion,
            )  # fmt: skip
        if target == Project.Stage.DESIGN:
            with recorded_as(preparer, day):
                tick_prerequisites(admin, project, day, kinds=Prerequisite.values[:3])
        for transition in steps:
            if transition.action == "declare":
                with recorded_as(preparer, day - STEP / 3):
                    tick_prerequisites(admin, project, day - STEP / 3)
            with recorded_as(admin if transition.permission == APPROVE else preparer, day, 11):
                project = project_transition(
                    actor=admin, project=project, action=transition.action, **_inputs(transition.action, day)
                )
            with recorded_as(preparer, day, 15):
                after_step(admin, project, transition.action, index, as_city=admin, as_builder=preparer)
            day += STEP
    return len(DEMO_PROJECTS)
