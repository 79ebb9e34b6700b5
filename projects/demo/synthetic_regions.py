"""Synthetic but plausible data for load tests and demos: a region tree with organisations,
accounts and policies (compounds and buildings: synthetic_compounds; projects: synthetic_projects).

Everything is drawn from the ``random.Random`` passed in, so one seed always gives the same data,
and written with ``bulk_create`` (no per-row ``save()`` or ``full_clean()``): a province of
≈40,000 compounds and ≈200,000 buildings takes about 35 s on SQLite or PostgreSQL, nearly all of
it in Django's bulk_create preparing values row by row.

Synthetic regions live in the 379900 block (示范省: no Shandong prefecture uses 3799), so they never
clash with the demo city 淄博 (370300).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from guardian.models import GroupObjectPermission, UserObjectPermission

from org.demo import street_office_name
from org.models import CityPolicy, Organisation, Region, User
from projects.models import AnnualQuota, Building, Compound, Project, ProjectPolicy

from .synthetic_apps import synthetic_modules

BATCH_SIZE = 5000

PROVINCE_CODE = "379900"
PROVINCE_NAME = "示范省"
PROVINCE_PATH = f"{PROVINCE_CODE}/"


@dataclass(frozen=True)
class Scale:
    cities: int
    districts_per_city: int
    compounds_per_district: int = 1000

    @property
    def compounds(self):
        return self.cities * self.districts_per_city * self.compounds_per_district


SCALES = {
    "district": Scale(cities=1, districts_per_city=1),
    "city": Scale(cities=1, districts_per_city=10),
    "province": Scale(cities=4, districts_per_city=10),
}

# --- word lists -----------------------------------------------------------------------------------

CITY_NAMES = ("示范市", "东原市", "西岭市", "南川市", "北原市", "青河市")
DISTRICT_NAMES = (
    "中心区", "东城区", "西城区", "南湖区", "北山区", "新华区", "河东区", "河西区", "临江区", "开元区",
    "永和县", "安平县", "清河县", "长乐县", "平原县", "高唐县", "东阿县", "宁阳县",
)  # fmt: skip
STREET_WORDS = (
    "城关", "东关", "西关", "南关", "北关", "新华", "人民", "建设", "文化", "胜利", "和平", "友谊", "光明",
    "解放", "朝阳", "中心", "东城", "西城", "站前", "湖滨", "河东", "桥西", "开元", "振兴", "兴华", "育才",
    "府前", "长青", "东风", "红旗", "工农", "前进", "新村", "园林", "滨河", "五里", "八里", "龙泉", "金山",
)  # fmt: skip
ROADS = (
    "人民路", "解放路", "建设路", "中山路", "新华路", "胜利路", "和平路", "文化路", "工农路", "光明路",
    "东风路", "红旗路", "朝阳路", "迎宾路", "青年路", "府前街", "北京路", "南京路", "华光路", "共青团路",
    "西五路", "东一路", "长青路", "健康路", "交通路", "站北路", "车站路", "商场街", "民主路", "团结路",
    "跃进路", "五四路", "幸福路", "振华路", "体育场路", "公园路", "滨河路", "兴华路", "柳泉路", "中心路",
    "新村路", "华侨路", "学府路", "育英路", "劳动路", "红星路", "向阳路", "友谊路", "顺河街", "钟楼街",
)  # fmt: skip
PLACES = (
    "阳光", "幸福", "康乐", "金城", "东方", "华苑", "明珠", "翠园", "安居", "馨园", "和谐", "丽景", "锦绣",
    "盛世", "祥和", "新兴", "春晖", "福安", "兴隆", "怡景", "嘉园", "泰和", "安华", "永安", "瑞祥", "长安",
)  # fmt: skip


class Weighted:
    """A draw from ``((value, weight), ...)``; the cumulative weights are summed once."""

    def __init__(self, *table):
        self.values = [value for value, _weight in table]
        self.cumulative = list(accumulate(weight for _value, weight in table))

    def pick(self, rng):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


# --- regions ----------------------------------------------------------------------------------------


def days_between(rng, bounds):
    """A random number of days within ``bounds`` (low, high), as a timedelta."""
    return timedelta(days=rng.randint(*bounds))


@dataclass
class Tree:
    """What ``build_region_tree`` made, level by level."""

    province: Region
    cities: list = field(default_factory=list)
    districts: list = field(default_factory=list)
    streets: list = field(default_factory=list)
    communities: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    policies: list = field(default_factory=list)


def synthetic_regions():
    return Region.objects.filter(path__startswith=PROVINCE_PATH)


def _bulk_regions(specs, parents_by_code):
    """Regions from (code, name, level, parent code) tuples, one INSERT per batch."""
    regions = []
    for code, name, level, parent_code in specs:
        parent = parents_by_code.get(parent_code)
        regions.append(
            Region(
                code=code,
                name=name,
                level=level,
                parent=parent,
                path=f"{parent.path if parent else ''}{code}/",
            )
        )
    return Region.objects.bulk_create(regions, batch_size=BATCH_SIZE)


def build_region_tree(*, scale, rng):
    """Province 示范省 (379900) → cities → districts → ≈12 streets → ≈8 communities each, with a
    housing bureau per city and district, an office per street and one policy per city.

    Codes follow the statistical pattern: cities 3799k0 (k = 2, 4, 6, 8), districts numbered up from
    their city, streets the district's code + 3 digits, communities the street's + 3 digits.
    """
    spec = SCALES[scale]
    province = _bulk_regions([(PROVINCE_CODE, PROVINCE_NAME, Region.Level.PROVINCE, None)], {})[0]
    tree = Tree(province=province)

    city_specs = [
        (str(int(PROVINCE_CODE) + 20 * (k + 1)), CITY_NAMES[k], Region.Level.CITY, PROVINCE_CODE)
        for k in range(spec.cities)
    ]
    tree.cities = _bulk_regions(city_specs, {PROVINCE_CODE: province})
    by_code = {c.code: c for c in tree.cities}

    district_specs = []
    for city in tree.cities:
        names = rng.sample(DISTRICT_NAMES, spec.districts_per_city)
        for index, name in enumerate(names, start=1):
            district_specs.append((str(int(city.code) + index), name, Region.Level.DISTRICT, city.code))
    tree.districts = _bulk_regions(district_specs, by_code)
    by_code = {d.code: d for d in tree.districts}

    street_specs = []
    for district in tree.districts:
        count = rng.randint(10, 14)
        words = rng.sample(STREET_WORDS, count)
        for index, word in enumerate(words, start=1):
            # About one in five is a town (镇) rather than a street (街道).
            name = f"{word}镇" if rng.random() < 0.2 else f"{word}街道"
            street_specs.append((f"{district.code}{index:03d}", name, Region.Level.STREET, district.code))
    tree.streets = _bulk_regions(street_specs, by_code)
    by_code = {s.code: s for s in tree.streets}

    community_specs = []
    for street in tree.streets:
        count = rng.randint(6, 10)
        words = rng.sample(ROADS + PLACES, count)
        for index, word in enumerate(words, start=1):
            community_specs.append(
                (f"{street.code}{index:03d}", f"{word}社区", Region.Level.COMMUNITY, street.code)
            )
    tree.communities = _bulk_regions(community_specs, by_code)

    tree.organisations = _build_organisations(tree)
    tree.policies = _build_policies(tree, rng)
    return tree


def _build_organisations(tree):
    K = Organisation.Kind
    organisations = []
    if len(tree.cities) > 1:
        # So that one persona can see the whole province (the bench's largest scope).
        organisations.append(
            Organisation(
                name=f"{PROVINCE_NAME}住房和城乡建设厅", short_name="示建", kind=K.OTHER, region=tree.province
            )
        )
    for city in tree.cities:
        organisations.append(
            Organisation(
                name=f"{city.name}住房和城乡建设局",
                short_name=f"{city.name[0]}建",
                kind=K.CITY_BUREAU,
                region=city,
            )
        )
    for district in tree.districts:
        organisations.append(
            Organisation(
                name=f"{district.name}住房和城乡建设局",
                short_name=f"{district.name[:2]}建",
                kind=K.DISTRICT_BUREAU,
                region=district,
            )
        )
    districts = {d.pk: d for d in tree.districts}
    for street in tree.streets:
        organisations.append(
            Organisation(
                name=street_office_name(districts[street.parent_id].name, street.name),
                kind=K.STREET_OFFICE,
                region=street,
            )
        )
    return Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)


# 芒市's deadline calendar: survey by October and plan by December of the year before, bidding by
# March of the plan year, acceptance by January after it, handover within three months.
CALENDAR = {
    "survey": {"kind": "year_before", "value": 10}, "design": {"kind": "year_before", "value": 12},
    "bidding": {"kind": "plan_year", "value": 3}, "acceptance": {"kind": "year_after", "value": 1},
    "handover": {"kind": "months_after", "value": 3},
}  # fmt: skip


def _build_policies(tree, rng):
    """One policy per city and its project rules; returns the rules (each knows its policy)."""
    policies, rules = [], []
    for city in tree.cities:
        cutoff = rng.choice((date(2000, 12, 31), date(2005, 12, 31)))  # drawn first: a seed's data stays
        policy = CityPolicy(
            city=city,
            title=f"{city.name}城镇老旧小区改造实施方案",
            document_number=f"{city.name[0]}政办发〔2020〕{rng.randint(8, 60)}号",
            effective_from=date(2020, 5, 11),
        )
        policies.append(policy)
        rules.append(
            ProjectPolicy(
                policy=policy,
                built_before=cutoff,
                exclude_shanty_town_areas=True,
                exclude_self_built_housing=True,
                deadlines=CALENDAR,
            )
        )
    CityPolicy.objects.bulk_create(policies)  # the rules take their policies' new keys on save
    return ProjectPolicy.objects.bulk_create(rules)


def delete_synthetic_data():
    """Everything under 示范省, bottom-up: what the apps above projects added, projects (their
    compounds are protected), buildings, compounds, policies, organisations, regions.

    Users of the synthetic organisations are kept but detached (organisation emptied), so that a
    bench persona survives a ``--replace``. Returns {what: how many}.
    """
    regions = synthetic_regions()
    region_ids = list(regions.values_list("pk", flat=True))
    cities = regions.filter(level=Region.Level.CITY)
    counts, above = {}, {}
    with transaction.atomic():
        for module in reversed(synthetic_modules()):  # rows of the apps above (they protect projects)
            above.update(module.delete(cities))
        counts["projects"] = Project.objects.filter(city__in=cities).delete()[1].get("projects.Project", 0)
        counts["buildings"] = Building.objects.filter(compound__city__in=cities).delete()[0]
        counts["compounds"] = Compound.objects.filter(city__in=cities).delete()[0]
        counts["policies"] = CityPolicy.objects.filter(city__in=cities).delete()[0]
        counts["annual quotas"] = AnnualQuota.objects.filter(region__in=region_ids).delete()[0]
        organisations = Organisation.objects.filter(region__in=region_ids)
        counts["users detached"] = User.objects.filter(organisation__in=organisations).update(
            organisation=None
        )
        counts["organisations"] = organisations.delete()[0]
        region_type = ContentType.objects.get_for_model(Region)
        for model in (UserObjectPermission, GroupObjectPermission):
            model.objects.filter(
                content_type=region_type, object_pk__in=[str(pk) for pk in region_ids]
            ).delete()
        counts["regions"] = 0
        for level in sorted(Region.Level.values, reverse=True):
            counts["regions"] += regions.filter(level=level).delete()[0]
    return {**counts, **above}


# --- compounds ----------------------------------------------------------------------------------


# --- buildings ----------------------------------------------------------------------------------
