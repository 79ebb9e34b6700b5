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
from decimal import Decimal

from org.demo import street_office_name
from org.models import Region, User

from .catalogue import BASIC_CATEGORY
from .lifecycle import FACT_DATES
from .models import (
    Compound,
    Finding,
    Inspection,
    ProgressReport,
    Project,
    ProjectCompound,
    ProjectItem,
    RenovationItem,
)
from .schedule import end_of_month, schedule_refresh
from .synthetic import BATCH_SIZE, PLACES, PROVINCE_NAME, Weighted

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

# Catalogue items: how often each turns up (basic items dominate: 基础类 应改尽改) and yuan per unit.
CATEGORY_WEIGHT = {BASIC_CATEGORY: 6, "improve": 2, "upgrade": 0.5, "interior": 0.3}
POPULAR = {
    "roads": 3, "roof_repair": 2.5, "stairwell_repair": 2.5, "lighting": 2.5, "drainage": 2.5,
    "rain_sewage_separation": 2, "power_supply": 2, "water_supply": 2, "cctv": 2, "access_control": 2,
    "facade_repair": 2, "ebike_chargers": 2, "lift_installation": 0.7,
}  # fmt: skip
PRICE = {
    "water_supply": (350, 600), "secondary_water_supply": (150_000, 400_000), "drainage": (500, 900),
    "rain_sewage_separation": (600, 1200), "septic_tank": (30_000, 80_000), "power_supply": (250, 500),
    "one_meter_per_household": (1500, 3000), "utility_civil_works": (20_000, 60_000),
    "gas_pipeline": (300, 600), "heating": (600, 1200), "telecom_lines": (50, 120), "fiber_to_home": (300, 600),
    "roads": (150, 300), "lighting": (1500, 4000), "fire_lanes": (5000, 30_000), "fire_hydrants": (4000, 9000),
    "micro_fire_station": (30_000, 80_000), "cctv": (2000, 5000), "access_control": (4000, 9000),
    "compound_entrance": (50_000, 200_000), "fences": (200, 500), "building_energy_saving": (150, 300),
    "roof_repair": (120, 260), "facade_repair": (60, 150), "stairwell_repair": (30_000, 80_000),
    "lift_installation": (450_000, 650_000), "parking": (3000, 8000), "ev_chargers": (5000, 15_000),
    "ebike_chargers": (800, 2000), "public_toilet": (150_000, 400_000), "elderly_care": (200_000, 800_000),
    "child_care": (200_000, 600_000), "community_canteen": (150_000, 500_000),
    "health_station": (200_000, 600_000), "smart_community": (200_000, 800_000),
    "interior_decoration": (20_000, 60_000), "interior_windows_doors": (5000, 15_000),
}  # fmt: skip
PRICE_BY_UNIT = {
    "米": (300, 800), "平方米": (80, 250), "户": (1000, 4000), "栋": (30_000, 80_000), "个": (2000, 8000),
    "套": (4000, 9000), "部": (450_000, 650_000), "处": (20_000, 150_000), "项": (100_000, 500_000),
}  # fmt: skip
COUNTED = ("户", "栋", "个", "套", "部", "处", "项")

FIRMS = ("宏达", "鸿运", "恒泰", "华建", "金鼎", "信达", "永盛", "广厦", "正元", "德润", "联建", "安信", "中泰", "鼎盛")  # fmt: skip
CONTRACTOR_SUFFIXES = ("建设集团有限公司", "建筑工程有限公司", "市政工程有限公司", "建工集团有限公司")
SUPERVISOR_SUFFIXES = ("工程监理有限公司", "工程项目管理有限公司", "建设监理咨询有限公司")
DESIGNER_SUFFIXES = ("建筑设计有限公司", "规划设计研究院有限公司", "工程设计咨询有限公司")
REPORT_NOTES = (
    "", "", "", "管网开挖及铺设施工中", "外墙保温施工中", "屋面防水层施工完成", "雨污分流管道铺设中",
    "道路铺装施工中", "楼道粉刷基本完成", "监控及门禁设备安装中", "绿化补植施工中", "因雨停工三天",
)  # fmt: skip
INSPECTION_SUMMARIES = (
    "检查施工质量、安全文明施工及资料归档情况。",
    "督导改造进度和居民意见办理情况。",
    "抽查隐蔽工程、材料进场检验和安全防护。",
    "联合检查消防通道、临时用电和扬尘治理。",
)
FINDINGS = (
    "施工现场围挡不连续", "楼道堆物未清理", "外墙保温层局部空鼓", "雨污管道接口渗漏", "安全网破损未更换",
    "临时用电线路私拉乱接", "井盖缺失或破损", "材料进场未见检验报告", "消防通道被施工材料占用", "扬尘治理措施不到位",
    "屋面防水卷材搭接不足", "隐蔽工程验收记录缺失", "路面沉降开裂", "施工人员未佩戴安全帽",
)  # fmt: skip
CLOSURE_NOTES = ("已整改到位，复查合格", "已按要求整改并提交照片", "已返工处理，监理复核通过", "已清理完毕")
INSPECTIONS = Weighted((0, 20), (1, 35), (2, 30), (3, 10), (4, 5))
FINDINGS_PER_INSPECTION = Weighted((0, 20), (1, 30), (2, 25), (3, 15), (4, 10))
RECTIFY_DAYS = (7, 15, 15, 30, 30, 60)


def build_projects(*, tree, compounds, rng, today):
    """Projects over about 30 % of ``compounds`` (saved, in the order ``make_compounds`` gave), with
    their items, progress reports, inspections and findings. Compounds of approved projects move to
    the implementation pool, those of accepted ones to the renovated pool. Returns {what: how many}."""
    policies = {p.city_id: p for p in tree.policies}
    catalogue = list(
        RenovationItem.objects.filter(active=True)
        .select_related("category")
        .order_by("category__order", "order", "code")
    )
    reporter = _reporter()
    numbers = {}
    projects, links, items, reports, inspections, findings = [], [], [], [], [], []
    for group in bundles(compounds, rng):
        project = _project(rng, group, today, numbers)
        schedule_refresh(project, policies[project.city_id])
        projects.append(project)
        links.extend(ProjectCompound(project=project, compound=c) for c in group)
        chosen = _items(rng, project, group, catalogue, today)
        items.extend(chosen)
        reports.extend(_reports(rng, project, chosen, reporter, today))
        for inspection, found in _inspections(rng, project, chosen, catalogue, today):
            inspections.append(inspection)
            findings.extend(found)
    Project.objects.bulk_create(projects, batch_size=BATCH_SIZE)
    for model, rows in ((ProjectCompound, links), (ProjectItem, items), (ProgressReport, reports)):
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    Inspection.objects.bulk_create(inspections, batch_size=BATCH_SIZE)
    Finding.objects.bulk_create(findings, batch_size=BATCH_SIZE)
    _move_compounds(projects, links)
    return {
        "projects": len(projects),
        "compounds in projects": len(links),
        "project items": len(items),
        "progress reports": len(reports),
        "inspections": len(inspections),
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


def _days(rng, bounds):
    return datetime.timedelta(days=rng.randint(*bounds))


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


# --- items, progress, inspections ---------------------------------------------------------------


def _quantity(rng, item, size):
    households, buildings, floor_area, compounds = size
    unit = item.unit
    if item.category.code == "interior":
        value = households * rng.uniform(0.05, 0.3)
    elif unit == "米":
        value = households * rng.uniform(1.5, 4.5)
    elif unit == "平方米":
        value = floor_area * rng.uniform(0.04, 0.2)
    elif unit == "户":
        value = households * rng.uniform(0.5, 1.0)
    elif unit == "栋":
        value = rng.randint(max(1, buildings // 2), buildings)
    elif unit == "个":
        value = buildings * rng.uniform(1, 5)
    elif unit == "套":
        value = buildings * rng.uniform(2, 4)
    elif unit == "部":
        value = rng.randint(1, max(1, min(6, buildings)))
    elif unit == "处":
        value = rng.randint(1, compounds + 1)
    else:
        value = 1
    value = max(1, round(value)) if unit in COUNTED else max(1.0, round(value, 1))
    return Decimal(value).quantize(Decimal("0.01"))


def _money(value):
    return Decimal(f"{value:.2f}")


def _items(rng, project, group, catalogue, today):
    """3–10 items of the catalogue with quantities for the compounds' size and the costs known at
    the project's stage: an estimate from the plan on, the contract price once built, the final
    cost once completed."""
    if not catalogue:
        return []
    stage = STAGES.index(project.stage)
    size = (
        sum(c.household_count for c in group),
        sum(c.building_count for c in group),
        float(sum(c.floor_area for c in group)),
        len(group),
    )

    def draw(item):  # weighted sampling without replacement (Efraimidis–Spirakis)
        weight = CATEGORY_WEIGHT.get(item.category.code, 1) * POPULAR.get(item.code, 1)
        return rng.random() ** (1 / weight)

    chosen = sorted(catalogue, key=draw, reverse=True)[: rng.randint(3, 10)]
    progress = _progress(project, today)
    rows = []
    for item in chosen:
        quantity = _quantity(rng, item, size)
        low, high = PRICE.get(item.code) or PRICE_BY_UNIT.get(item.unit, (1000, 10_000))
        row = ProjectItem(project=project, item=item, quantity=quantity, payer=item.default_payer, progress=0)
        if stage >= 1:
            row.estimated_cost = _money(round(float(quantity) * rng.uniform(low, high), -2))
        if stage >= 5:
            row.bid_price = _money(float(row.estimated_cost) * rng.uniform(0.85, 0.98))
            row.progress = max(0, min(100, progress + rng.randint(-15, 15))) if progress < 100 else 100
        if stage >= 6:
            row.actual_cost = _money(float(row.bid_price) * rng.uniform(0.95, 1.05))
        rows.append(row)
    return rows


def _build_days(project):
    """How long construction takes: until completion, or as planned (at least four months)."""
    if project.completed_on:
        return max(1, (project.completed_on - project.started_on).days)
    return max(120, (project.planned_completion - project.started_on).days)


def _progress(project, today):
    """Percent done: 100 once completed, else the share of the build time gone by (at most 95)."""
    if project.completed_on:
        return 100
    if not project.started_on:
        return 0
    return min(95, 100 * (today - project.started_on).days // _build_days(project))


def _reports(rng, project, items, reporter, today):
    """A report every three to six weeks from the start until completion (or today)."""
    if not project.started_on:
        return []
    end, build_days = project.completed_on or today, _build_days(project)
    total = sum((row.bid_price or row.estimated_cost or 0) for row in items)
    reports, day = [], project.started_on + _days(rng, (20, 40))
    while day < end and len(reports) < 24:
        percent = min(95, 100 * (day - project.started_on).days // build_days)
        reports.append(_report(rng, project, day, percent, total, reporter))
        day += _days(rng, (20, 40))
    if project.completed_on:
        reports.append(_report(rng, project, project.completed_on, 100, total, reporter))
    return reports


def _report(rng, project, day, percent, total, reporter):
    return ProgressReport(
        project=project,
        reported_on=day,
        percent=percent,
        investment_to_date=_money(float(total) * percent / 100),
        note=rng.choice(REPORT_NOTES) if percent < 100 else "主体工程完工，待竣工验收",
        reported_by=reporter,
    )


def _inspections(rng, project, items, catalogue, today):
    """(inspection, findings) during construction. Before an acceptance every critical finding was
    closed; otherwise a few are still open, some past their deadline."""
    if not project.started_on:
        return []
    until = min(project.completed_on + datetime.timedelta(days=30), today) if project.completed_on else today
    if project.accepted_on:
        until = min(until, project.accepted_on - datetime.timedelta(days=1))
    span = (until - project.started_on).days
    if span < 1:
        return []
    district = project.region if project.region.level == Region.Level.DISTRICT else project.region.parent
    inspectors = (
        f"{project.city.name}住房和城乡建设局督导组",
        f"{district.name}住房和城乡建设局",
        f"{district.name}建设工程质量安全监督站",
        f"{PROVINCE_NAME}住房和城乡建设厅督导组",
    )
    basic_missing = [
        item
        for item in catalogue
        if item.category.code == BASIC_CATEGORY and item.pk not in {row.item_id for row in items}
    ]
    result = []
    for _ in range(INSPECTIONS.pick(rng)):
        day = project.started_on + datetime.timedelta(days=rng.randint(1, span))
        inspection = Inspection(
            project=project,
            inspected_on=day,
            inspector=rng.choice(inspectors),
            summary=rng.choice(INSPECTION_SUMMARIES),
        )
        findings = [
            _finding(rng, project, inspection, basic_missing, today)
            for _ in range(FINDINGS_PER_INSPECTION.pick(rng))
        ]
        result.append((inspection, findings))
    return result


def _finding(rng, project, inspection, basic_missing, today):
    day = inspection.inspected_on
    finding = Finding(
        inspection=inspection,
        description=rng.choice(FINDINGS),
        severity=Finding.Severity.CRITICAL if rng.random() < 0.15 else Finding.Severity.GENERAL,
        deadline=day + datetime.timedelta(days=rng.choice(RECTIFY_DAYS)),
    )
    if basic_missing and rng.random() < 0.08:
        finding.requested_item = rng.choice(basic_missing)
        finding.description = f"基础类改造内容缺项：{finding.requested_item.name}"
    if project.accepted_on:
        # Acceptance needs every critical finding closed; a general one is sometimes left over.
        closed = finding.severity == Finding.Severity.CRITICAL or rng.random() < 0.95
        last = project.accepted_on
    else:
        closed = rng.random() < (0.8 if finding.deadline < today else 0.4)
        last = today
    if closed and last > day:
        finding.closed_on = day + datetime.timedelta(days=rng.randint(1, (last - day).days))
        finding.closure_note = rng.choice(CLOSURE_NOTES)
    return finding
