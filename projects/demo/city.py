"""The demo city's compound database: 淄博's policy and ≈300 compounds with buildings.

Runs after org's seed (the region tree of fixtures/demo_zibo.json). Compounds come from the
synthetic builders with a fixed seed, so every demo shows the same ones, plus a few named ones in
车站街道 (the demo clerk's street) that a reader will recognise.
"""

import random
from datetime import date
from decimal import Decimal

from org.models import CityPolicy, Region
from projects.models import Compound, DeadlineKind, Milestone, Prerequisite, ProjectPolicy
from projects.registry.eligibility import verdict
from projects.registry.hooks import compounds_changed

from .approvals import seed_approvals
from .attribution import start_dating
from .projects import seed_projects
from .quotas import seed_quotas
from .synthetic_compounds import build_buildings, make_compounds

SEED = 2020
COMPOUNDS = 300

# Rough centre (longitude, latitude) of each district or county's town.
CENTRES = {
    "370302": (117.967, 36.643),  # 淄川区
    "370303": (118.054, 36.813),  # 张店区
    "370304": (117.862, 36.494),  # 博山区
    "370305": (118.309, 36.827),  # 临淄区
    "370306": (117.870, 36.803),  # 周村区
    "370321": (118.097, 36.960),  # 桓台县
    "370322": (117.826, 37.171),  # 高青县
    "370323": (118.171, 36.185),  # 沂源县
}

C = Compound
# (community, name, address, year, households, buildings, storeys, origin, property management, pool)
NAMED = (
    ("华光路社区", "华光路小区", "华光路58号", 1992, 288, 8, 6, C.Origin.HOUSING_REFORM, C.PropertyManagement.NONE,
     C.Pool.PLANNING),
    ("共青团路社区", "共青团路纺织厂宿舍", "共青团路121号", 1985, 180, 6, 5, C.Origin.WORK_UNIT_DORMITORY,
     C.PropertyManagement.EMPLOYER, C.Pool.RESERVE),
    ("西五路社区", "西五路供电公司家属院", "西五路36号", 1998, 150, 5, 6, C.Origin.THREE_SUPPLIES,
     C.PropertyManagement.NONE, C.Pool.RESERVE),
    # Built after the city's cutoff (2005-12-31): shows an ineligible compound and why.
    ("华光路社区", "华光路金晶花园", "华光路201号", 2008, 420, 6, 11, C.Origin.COMMERCIAL,
     C.PropertyManagement.PROFESSIONAL, C.Pool.RESERVE),
)  # fmt: skip


# 淄博's plan names no checklist or calendar of its own; the demo borrows 咸宁's six prerequisites
# and 芒市's calendar so that every page has something to show.
DEMO_PREREQUISITES = list(Prerequisite.values)
DEMO_DEADLINES = {
    Milestone.SURVEY: {"kind": DeadlineKind.YEAR_BEFORE, "value": 10},
    Milestone.DESIGN: {"kind": DeadlineKind.YEAR_BEFORE, "value": 12},
    Milestone.BIDDING: {"kind": DeadlineKind.PLAN_YEAR, "value": 3},
    Milestone.ACCEPTANCE: {"kind": DeadlineKind.YEAR_AFTER, "value": 1},
    Milestone.HANDOVER: {"kind": DeadlineKind.MONTHS_AFTER, "value": 3},
}


def ensure_policy(city):
    """淄博's plan of 2020 (淄政办字〔2020〕49号): built by 2005-12-31, both exclusions on; returns
    its project rules."""
    rules = ProjectPolicy.objects.filter(policy__city=city).order_by("-policy__effective_from").first()
    if rules is None:
        policy = CityPolicy.objects.create(
            city=city,
            title="淄博市深入推进城镇老旧小区改造实施方案",
            document_number="淄政办字〔2020〕49号",
            effective_from=date(2020, 5, 11),
        )
        rules = ProjectPolicy.objects.create(
            policy=policy,
            built_before=date(2005, 12, 31),
            exclude_shanty_town_areas=True,
            exclude_self_built_housing=True,
            prerequisites=DEMO_PREREQUISITES,
            prerequisites_block_plan=True,
            deadlines={milestone.value: rule for milestone, rule in DEMO_DEADLINES.items()},
        )
    return rules


def named_compounds(city, policy, communities):
    street = Region.objects.get(name="车站街道", parent__parent=city)
    by_name = {c.name: c for c in communities if c.parent_id == street.pk}
    district_code = street.path.split("/")[-3]
    lon, lat = CENTRES.get(district_code, (118.05, 36.81))
    compounds = []
    for number, (
        community,
        name,
        address,
        year,
        households,
        buildings,
        storeys,
        origin,
        pm,
        pool,
    ) in enumerate(NAMED, start=1):
        compound = Compound(
            city=city,
            community=by_name[community],
            code=f"ZB-{district_code}-{number:04d}",
            name=name,
            address=address,
            year_built=year,
            floor_area=Decimal(households * 76).quantize(Decimal("0.01")),
            building_count=buildings,
            household_count=households,
            max_storeys=storeys,
            property_management=pm,
            origin=origin,
            pool=pool,
            longitude=Decimal(f"{lon + 0.004 * number:.6f}"),
            latitude=Decimal(f"{lat - 0.003 * number:.6f}"),
        )
        compound.eligibility = verdict(compound, policy)
        compounds.append(compound)
    return district_code, compounds


def seed(context):
    city = context.shared.get("city") or Region.objects.get(code="370300")
    start_dating()
    policy = ensure_policy(city)
    if not Compound.objects.filter(city=city).exists():
        seed_compounds(city, policy, context.stdout)
    created = seed_projects(city)
    if created:
        context.stdout.write(f"{city.name}: {created} projects, one in every stage, with items and records")
    quotas = seed_quotas(city)
    if quotas:
        context.stdout.write(
            f"{city.name}: {quotas} annual quotas (2020–2022 and this year), split to districts"
        )
    requests = seed_approvals(city)
    if requests:
        context.stdout.write(f"{city.name}: approval flows, and {requests} requests under way")


def seed_compounds(city, policy, stdout):
    rng = random.Random(SEED)
    communities = list(
        Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=city.path).order_by("path")
    )
    district_code, named = named_compounds(city, policy, communities)
    generated = make_compounds(
        communities=communities,
        rng=rng,
        per_community=(COMPOUNDS - len(named)) / len(communities),
        code_prefix="ZB",
        code_digits=4,
        centres=CENTRES,
        # The named compounds are the only ones of their name in the whole city.
        taken={code: {c.name for c in named} for code in CENTRES},
        numbers={district_code: len(named)},
    )
    compounds = Compound.objects.bulk_create([*named, *generated], batch_size=2000)
    compounds_changed(compounds)
    # Buildings for the named compounds, all of 张店区 and about a quarter of the rest.
    with_buildings = [
        c for c in compounds if c.code.startswith(f"ZB-{district_code}-") or rng.random() < 0.25
    ]
    buildings = build_buildings(compounds=with_buildings, rng=rng)
    stdout.write(
        f"{city.name}: {len(compounds)} compounds, {buildings} buildings, policy {policy.policy.document_number}"
    )
