"""Synthetic items, progress reports and inspections of the synthetic projects: quantities and
prices plausible for each item of the catalogue, reports along the construction months, findings
to rectify (some of them basic items the project lacks)."""

import datetime
from decimal import Decimal

from org.models import Region
from projects.catalogue.services import BASIC_CATEGORY
from projects.models import Finding, Inspection, ProgressReport, Project, ProjectItem

from .synthetic_regions import PROVINCE_NAME, Weighted, days_between

STAGES = list(Project.Stage)

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


def project_items(rng, project, group, catalogue, today):
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


def progress_reports(rng, project, items, reporter, today):
    """A report every three to six weeks from the start until completion (or today)."""
    if not project.started_on:
        return []
    end, build_days = project.completed_on or today, _build_days(project)
    total = sum((row.bid_price or row.estimated_cost or 0) for row in items)
    reports, day = [], project.started_on + days_between(rng, (20, 40))
    while day < end and len(reports) < 24:
        percent = min(95, 100 * (day - project.started_on).days // build_days)
        reports.append(_report(rng, project, day, percent, total, reporter))
        day += days_between(rng, (20, 40))
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


def inspections(rng, project, items, catalogue, today):
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
