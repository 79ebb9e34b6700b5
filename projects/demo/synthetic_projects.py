"""Synthetic renovation projects over the synthetic compounds (generate_synthetic).

About 30 % of the compounds get a project: one to four neighbouring compounds of a street, now and
then a bundle across two streets of a district (连片改造). Projects are spread over every stage of the
lifecycle and carry the facts their stage implies, dated backwards from ``today``: a project in
construction was surveyed, designed, declared, approved and started, in that order, and none of it
lies in the future. Each has 3–10 items of the catalogue; those in construction or later have
progress reports and inspections with findings to rectify. Against the city's deadline calendar
some projects are late, as in life.

Everything is drawn from the ``random.Random`` passed in and written with ``bulk_create``. The dates
hang on ``today``: one seed gives the same projects on the same day.
"""

import datetime

from org.demo import street_office_name
from org.models import User
from projects.lifecycle.schedule import end_of_month, schedule_refresh
from projects.lifecycle.transitions import FACT_DATES
from projects.models import (
    Compound,
    Finding,
    Inspection,
    ProgressReport,
    Project,
    ProjectCompound,
    ProjectItem,
    RenovationItem,
)

from .synthetic_records import inspections, progress_reports, project_items
from .synthetic_regions import BATCH_SIZE, PLACES, Weighted

S = Project.Stage
STAGES = list(S)
# The fact each step records, in order: a project at STAGES[n] has the first n of them.
# A plan year's cohort: the survey ends February to October of the year before (days from 1 January of
# the plan year), then each fact follows the one before after so many days.
SURVEY_DONE = (-330, -62)
GAPS = ((30, 75), (10, 45), (30, 90), (30, 100), (120, 270), (20, 90), (15, 90), (60, 240))
STAGE = Weighted(
    (S.SURVEY, 7), (S.DESIGN, 7), (S.DECLARATION, 6), (S.REVIEW, 6), (S.PROCUREMENT, 7),
    (S.CONSTRUCTION, 16), (S.ACCEPTANCE, 9), (S.HANDOVER, 8), (S.AUDIT, 9), (S.CLOSED, 25),
)  # fmt: skip
BEHIND = 0.15  # from an older cohort than the stage suggests: late against the calendar
YEARS_AGO = Weighted((0, 40), (1, 35), (2, 25))  # of the audited and closed ones
# The project's pool by stage: declared → planning, approved → implementation (project_services).
POOL_AT = (Project.Pool.RESERVE,) * 3 + (Project.Pool.PLANNING, Project.Pool.IMPLEMENTATION)
BUNDLE = Weighted((1, 50), (2, 25), (3, 15), (4, 10))
START_PROJECT = 0.26  # per candidate compound: starts a project here (tuned to ≈30 % of all compounds)
ACROSS_STREETS = 0.4  # per boundary between two streets of a district: a bundle across it


FIRMS = ("宏达", "鸿运", "恒泰", "华建", "金鼎", "信达", "永盛", "广厦", "正元", "德润", "联建", "安信", "中泰", "鼎盛")  # fmt: skip
CONTRACTOR_SUFFIXES = ("建设集团有限公司", "建筑工程有限公司", "市政工程有限公司", "建工集团有限公司")
SUPERVISOR_SUFFIXES = ("工程监理有限公司", "工程项目管理有限公司", "建设监理咨询有限公司")
DESIGNER_SUFFIXES = ("建筑设计有限公司", "规划设计研究院有限公司", "工程设计咨询有限公司")


def build_projects(*, tree, compounds, rng, today):
    """Projects over about 30 % of ``compounds`` (saved, in the order ``make_compounds`` gave), with
    their items, progress reports, inspections and findings. Compounds of approved projects move to
    the implementation pool, those of accepted ones to the renovated pool. Returns {what: how many}."""
    policies = {rules.policy.city_id: rules for rules in tree.policies}
    catalogue = list(
        RenovationItem.objects.filter(active=True)
        .select_related("category")
        .order_by("category__order", "order", "code")
    )
    reporter = _reporter()
    numbers = {}
    projects, links, items, reports, visits, findings = [], [], [], [], [], []
    for group in bundles(compounds, rng):
        project = _project(rng, group, today, numbers)
        schedule_refresh(project, policies[project.city_id])
        projects.append(project)
        links.extend(ProjectCompound(project=project, compound=c) for c in group)
        chosen = project_items(rng, project, group, catalogue, today)
        items.extend(chosen)
        reports.extend(progress_reports(rng, project, chosen, reporter, today))
        for inspection, found in inspections(rng, project, chosen, catalogue, today):
            visits.append(inspection)
            findings.extend(found)
    Project.objects.bulk_create(projects, batch_size=BATCH_SIZE)
    for model, rows in ((ProjectCompound, links), (ProjectItem, items), (ProgressReport, reports)):
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    Inspection.objects.bulk_create(visits, batch_size=BATCH_SIZE)
    Finding.objects.bulk_create(findings, batch_size=BATCH_SIZE)
    _move_compounds(projects, links)
    return {
        "projects": len(projects),
        "compounds in projects": len(links),
        "project items": len(items),
        "progress reports": len(reports),
        "inspections": len(visits),
        "findings": len(findings),
    }


def _reporter():
    """The account the synthetic progress reports name; kept, like bench personas, across --replace."""
    user, created = User.objects.get_or_create(
        username="synthetic_reporter", defaults={"last_name": "王", "first_name": "建民", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# --- which compounds go together ----------------------------------------------------------------


def bundles(compounds, rng):
    """Lists of 1–4 neighbouring candidate compounds (eligible, not yet in implementation), each
    within one street, and now and then one across the boundary of two streets of a district."""
    by_district = {}
    for compound in compounds:
        if compound.eligibility != Compound.Eligibility.ELIGIBLE or compound.pool not in (
            Compound.Pool.RESERVE,
            Compound.Pool.PLANNING,
        ):
            continue
        # make_compounds walks the communities in path order, so neighbours are next to each other.
        street = compound.community.parent
        by_district.setdefault(street.parent_id, {}).setdefault(street.pk, []).append(compound)
    groups = []
    for by_street in by_district.values():
        streets = list(by_street.values())
        carried = 0  # compounds at the head of this street already bundled with the street before
        for index, candidates in enumerate(streets):
            following = streets[index + 1] if index + 1 < len(streets) else []
            tail = head = 0
            if len(candidates) - carried >= 3 and len(following) >= 3 and rng.random() < ACROSS_STREETS:
                tail, head = rng.randint(1, 2), rng.randint(1, 2)
            position, end = carried, len(candidates) - tail
            while position < end:
                if rng.random() < START_PROJECT:
                    size = BUNDLE.pick(rng)
                    groups.append(candidates[position : min(position + size, end)])
                    position += size
                else:
                    position += 1
            if tail:
                groups.append(candidates[end:] + following[:head])
            carried = head
    return groups


# --- the project and its dated facts ------------------------------------------------------------


def _facts(rng, stage_index, today):
    """The plan year and {fact: date} of a project that has taken ``stage_index`` steps by
    ``today``: the latest cohort that got that far, now and then an older one that fell behind."""
    offsets = [rng.randint(*SURVEY_DONE)]
    for gap in GAPS:
        offsets.append(offsets[-1] + rng.randint(*gap))

    def on(year, index):
        return datetime.date(year, 1, 1) + datetime.timedelta(days=offsets[index])

    if stage_index == 0:
        year = today.year
        while on(year, 0) <= today:
            year += 1
    else:
        year = today.year + 2
        while on(year, stage_index - 1) > today:
            year -= 1
        if stage_index >= 8:
            year -= YEARS_AGO.pick(rng)
    if rng.random() < BEHIND:
        year -= 1
    return year, {FACT_DATES[index]: on(year, index) for index in range(stage_index)}


def _firm(rng, city, suffixes):
    return f"{city.name[:2]}{rng.choice(FIRMS)}{rng.choice(suffixes)}"


def _project(rng, group, today, numbers):
    """An unsaved project over ``group`` at a random stage, with every fact of that stage. Its area
    is the street of the compounds, or the district of a bundle across streets (as
    project_services.smallest_common_region would find)."""
    city, streets = group[0].city, {c.community.parent for c in group}
    street = group[0].community.parent
    district = street.parent
    stage = STAGE.pick(rng)
    index = STAGES.index(stage)
    year, facts = _facts(rng, index, today)
    number = numbers[district.code, year] = numbers.get((district.code, year), 0) + 1
    if len(streets) > 1:
        names = sorted(s.name.removesuffix("街道").removesuffix("镇") for s in streets)
        name = f"{district.name}{''.join(names)}片区连片改造"
    elif len(group) > 1:
        name = f"{street.name}{group[0].name}等{len(group)}个小区改造"
    else:
        name = f"{group[0].name}老旧小区改造"
    by_street = len(streets) == 1 and rng.random() < 0.5
    project = Project(
        city=city,
        region=street if len(streets) == 1 else district,
        name=f"{year}年{name}" if rng.random() < 0.5 else name,
        code=f"SYN-{district.code}-{year}-{number:03d}",
        plan_year=year,
        stage=stage,
        pool=POOL_AT[min(index, 4)],
        implementing_entity=street_office_name(district.name, street.name)
        if by_street
        else f"{district.name}住房和城乡建设局",
        **facts,
    )
    if index >= 2:  # the plan and budget say when and who designs
        project.designer = _firm(rng, city, DESIGNER_SUFFIXES)
        project.planned_start = datetime.date(year, rng.randint(3, 6), 1)
        project.planned_completion = end_of_month(year, rng.randint(10, 12))
    if index >= 4:
        approved = facts["approved_on"]
        project.approval_body = f"{city.name}住房和城乡建设局"
        project.approval_number = f"{city.name[0]}建〔{approved.year}〕{rng.randint(1, 300)}号"
    if index >= 5 or (index == 4 and rng.random() < 0.5):  # the winning bidder, before the start
        project.contractor = _firm(rng, city, CONTRACTOR_SUFFIXES)
        project.supervisor = _firm(rng, city, SUPERVISOR_SUFFIXES)
    if index >= 5:
        if rng.random() < 0.3:  # small works below the permit threshold
            project.permit_exempt = True
        else:
            project.permit_number = f"{district.code}{facts['started_on']:%Y%m%d}{rng.randint(1, 99):02d}01"
    if index >= 8:
        community = group[0].community
        project.management_entity = rng.choice(
            (
                f"{community.name}物业服务中心",
                f"{rng.choice(PLACES)}物业服务有限公司",
                f"{group[0].name}业主委员会",
            )
        )
    return project


def _move_compounds(projects, links):
    """The pools the lifecycle would have moved the compounds to (approve → implementation,
    accept → renovated)."""
    pools = {}
    for link in links:
        project = link.project
        if project.accepted_on:
            pools.setdefault(Compound.Pool.RENOVATED, []).append(link.compound)
        elif project.approved_on:
            pools.setdefault(Compound.Pool.IMPLEMENTATION, []).append(link.compound)
    for pool, compounds in pools.items():
        for compound in compounds:
            compound.pool = pool
        pks = [c.pk for c in compounds]
        for start in range(0, len(pks), BATCH_SIZE):
            Compound.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).update(pool=pool)
