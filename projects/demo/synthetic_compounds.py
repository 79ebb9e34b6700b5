"""Synthetic compounds and buildings over a region tree (generate_synthetic, and the demo city's
compounds): names, years, sizes and ownership drawn from distributions that look like the seeds'
cities. Written with ``bulk_create``, as the regions are (projects.demo.synthetic_regions)."""

import math
from decimal import Decimal

from org.models import Region
from projects.models import Building, Compound
from projects.registry.eligibility import policy_in_force, verdict
from projects.registry.hooks import compounds_changed

from .synthetic_regions import BATCH_SIZE, PLACES, ROADS, Weighted

Origin, Pool, PM = Compound.Origin, Compound.Pool, Compound.PropertyManagement

# Roughly where a city of the block lies (longitude, latitude): northern China's plain.
CITY_CENTRES = ((117.12, 36.65), (118.35, 35.05), (116.59, 35.41), (119.16, 36.71), (117.97, 37.38))


ROAD_SUFFIXES = ("小区", "小区", "小区", "小区", "新村", "宿舍", "家属院", "花园", "公寓", "北区", "南区")


PLACE_SUFFIXES = ("小区", "小区", "花园", "新村", "苑", "里", "家园")


WORK_UNITS = (
    "纺织厂", "供电公司", "自来水公司", "煤矿", "机械厂", "化肥厂", "陶瓷厂", "玻璃厂", "棉纺厂", "钢铁厂",
    "铁路", "邮电局", "粮食局", "第一中学", "人民医院", "供销社", "建筑公司", "交通局", "石油公司", "电厂",
    "化工厂", "橡胶厂", "食品公司", "印染厂", "针织厂", "水泥厂", "税务局", "工商银行", "二轻局", "物资局",
    "农机厂", "制药厂", "电业局", "水利局", "糖酒公司", "百货公司", "运输公司", "建材厂", "造纸厂", "丝绸厂",
)  # fmt: skip


DORM_SUFFIXES = ("宿舍", "宿舍", "家属院", "家属院", "职工宿舍", "生活区", "家属楼")


VARIANTS = ("东区", "西区", "南区", "北区", "一区", "二区", "三区", "二期", "三期", "东院", "西院")


E = Compound.Eligibility


STOREYS = Weighted((2, 2), (3, 6), (4, 10), (5, 24), (6, 40), (7, 12), (8, 3), (11, 2), (18, 1))


UNITS = Weighted((1, 15), (2, 35), (3, 35), (4, 15))


ORIGIN_OF_DORMITORY = Weighted(
    (Origin.WORK_UNIT_DORMITORY, 65), (Origin.THREE_SUPPLIES, 25), (Origin.HOUSING_REFORM, 10)
)


ORIGIN = Weighted(
    (Origin.HOUSING_REFORM, 50),
    (Origin.COMMERCIAL, 20),
    (Origin.RESETTLEMENT, 15),
    (Origin.WORK_UNIT_DORMITORY, 5),
    (Origin.OTHER, 10),
)


MANAGEMENT_OF_DORMITORY = Weighted((PM.EMPLOYER, 50), (PM.NONE, 40), (PM.PROFESSIONAL, 10))


MANAGEMENT = Weighted((PM.NONE, 55), (PM.PROFESSIONAL, 30), (PM.EMPLOYER, 15))


# "实施一批、谋划一批、储备一批": most eligible compounds wait in the reserve.
POOL = Weighted((Pool.RESERVE, 72), (Pool.PLANNING, 12), (Pool.IMPLEMENTATION, 9), (Pool.RENOVATED, 7))


def _year_built(rng):
    r = rng.random()
    if r < 0.04:
        return rng.randint(1958, 1974)
    if r < 0.90:
        return int(rng.triangular(1975, 2006, 1993))
    return rng.randint(2006, 2012)


def _max_storeys(rng, year_built):
    if year_built >= 2000 and rng.random() < 0.25:
        return rng.randint(8, 18)
    return STOREYS.pick(rng)


def _households(rng):
    # Lognormal with a mean of ≈170 (median ≈140): most compounds are small, a few very large.
    return max(8, min(2400, round(rng.lognormvariate(4.92, 0.65))))


def _name(rng, roads, community_road):
    """A compound name, the road it lies on, and whether it is a work-unit dormitory."""
    road = community_road if community_road and rng.random() < 0.4 else rng.choice(roads)
    r = rng.random()
    if r < 0.45:
        return f"{road}{rng.choice(ROAD_SUFFIXES)}", road, False
    if r < 0.75:
        unit = rng.choice(WORK_UNITS)
        prefix = road if rng.random() < 0.3 else ""
        return f"{prefix}{unit}{rng.choice(DORM_SUFFIXES)}", road, True
    return f"{rng.choice(PLACES)}{rng.choice(PLACE_SUFFIXES)}", road, False


def _unique(rng, name, taken):
    if name not in taken:
        return name
    for variant in rng.sample(VARIANTS, len(VARIANTS)):
        if f"{name}{variant}" not in taken:
            return f"{name}{variant}"
    number = 2
    while f"{name}{number}号院" in taken:
        number += 1
    return f"{name}{number}号院"


def _pool(rng, eligibility):
    return POOL.pick(rng) if eligibility == E.ELIGIBLE else Pool.RESERVE


def _coordinate(value):
    return Decimal(f"{value:.6f}")


def _cities_and_policies(communities):
    """City region and policy in force for each community (one query per city)."""
    codes = {code for c in communities for code in c.path.split("/") if code}
    cities = {c.code: c for c in Region.objects.filter(level=Region.Level.CITY, code__in=codes)}
    policies = {code: policy_in_force(city) for code, city in cities.items()}
    return cities, policies


def make_compounds(
    *,
    communities,
    rng,
    per_community,
    code_prefix="SYN",
    code_digits=5,
    centres=None,
    taken=None,
    numbers=None,
):
    """Unsaved compounds, ≈``per_community`` in each community (a mean; the count varies).

    Codes are ``{code_prefix}-{district code}-{n}``, numbered per district after the last number
    in ``numbers`` (district code → n). ``centres`` maps a district code to its (longitude,
    latitude); other districts are placed around their city. ``taken`` maps a district code to
    compound names already used there; names stay unique within a district.
    """
    communities = sorted(communities, key=lambda c: c.path)
    cities, policies = _cities_and_policies(communities)
    centres = dict(centres or {})
    taken = {k: set(v) for k, v in (taken or {}).items()}
    numbers = dict(numbers or {})
    compounds = []
    city_centres = {}
    for community in communities:
        codes = [code for code in community.path.split("/") if code]
        city_code = next(code for code in codes if code in cities)
        district_code = codes[codes.index(city_code) + 1]
        city, policy = cities[city_code], policies[city_code]
        if city_code not in city_centres:
            city_centres[city_code] = CITY_CENTRES[len(city_centres) % len(CITY_CENTRES)]
        if district_code not in centres:
            lon, lat = city_centres[city_code]
            centres[district_code] = (lon + rng.gauss(0, 0.08), lat + rng.gauss(0, 0.06))
        lon, lat = centres[district_code]
        lon, lat = lon + rng.gauss(0, 0.02), lat + rng.gauss(0, 0.015)
        names = taken.setdefault(district_code, set())
        community_road = community.name[:-2] if community.name.endswith("路社区") else None
        roads = rng.sample(ROADS, 8)
        count = max(1, round(rng.gauss(per_community, per_community * 0.3)))
        for _index in range(count):
            number = numbers[district_code] = numbers.get(district_code, 0) + 1
            name, road, dormitory = _name(rng, roads, community_road)
            name = _unique(rng, name, names)
            names.add(name)
            year_built = _year_built(rng)
            households = _households(rng)
            storeys = _max_storeys(rng, year_built)
            per_building = storeys * 2 * rng.choice((2, 3, 3, 4, 4, 4))
            compound = Compound(
                city=city,
                community=community,
                code=f"{code_prefix}-{district_code}-{number:0{code_digits}d}",
                name=name,
                address=f"{road}{rng.randint(1, 300)}号",
                year_built=year_built,
                floor_area=(Decimal(households) * Decimal(rng.uniform(70, 85))).quantize(Decimal("0.01")),
                building_count=max(1, round(households / per_building)),
                household_count=households,
                max_storeys=storeys,
                property_management=(MANAGEMENT_OF_DORMITORY if dormitory else MANAGEMENT).pick(rng),
                origin=(ORIGIN_OF_DORMITORY if dormitory else ORIGIN).pick(rng),
                in_shanty_town_area=rng.random() < 0.02,
                self_built=rng.random() < 0.01,
                longitude=_coordinate(lon + rng.gauss(0, 0.006)),
                latitude=_coordinate(lat + rng.gauss(0, 0.005)),
            )
            compound.eligibility = verdict(compound, policy)
            compound.pool = _pool(rng, compound.eligibility)
            compounds.append(compound)
    return compounds


def build_compounds(*, communities, rng, per_community, **options):
    """Compounds in the database (see ``make_compounds`` for ``options``); returns them with pks."""
    compounds = make_compounds(communities=communities, rng=rng, per_community=per_community, **options)
    compounds = Compound.objects.bulk_create(compounds, batch_size=BATCH_SIZE)
    compounds_changed(compounds)
    return compounds


def _split(total, weights):
    """``total`` split in proportion to ``weights``, in whole numbers that add up to ``total``."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    parts = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def make_buildings(*, compounds, rng):
    """Unsaved buildings: ``building_count`` per compound, 1号楼, 2号楼…, households adding up."""
    buildings = []
    for compound in compounds:
        top = compound.max_storeys or 6
        specs = []
        for index in range(compound.building_count):
            storeys = top if index == 0 or rng.random() < 0.7 else rng.randint(max(1, top - 2), top)
            units = UNITS.pick(rng)
            specs.append((storeys, units))
        households = _split(compound.household_count, [s * u for s, u in specs])
        for index, ((storeys, units), count) in enumerate(zip(specs, households, strict=True), start=1):
            later = rng.random() < 0.1 and compound.year_built < 2012
            buildings.append(
                Building(
                    compound_id=compound.pk,
                    number=f"{index}号楼",
                    storeys=storeys,
                    units=units,
                    household_count=count,
                    year_built=min(2012, compound.year_built + rng.randint(1, 3))
                    if later
                    else compound.year_built,
                    # Lifts: required from 7 storeys; a few low buildings had one added (加装电梯).
                    has_lift=rng.random() < 0.9 if storeys >= 7 else rng.random() < 0.02,
                )
            )
    return buildings


def build_buildings(*, compounds, rng):
    """Buildings in the database for saved ``compounds``; returns how many were made."""
    buildings = make_buildings(compounds=compounds, rng=rng)
    Building.objects.bulk_create(buildings, batch_size=BATCH_SIZE)
    return len(buildings)
