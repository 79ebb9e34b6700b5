"""Households and survey answers drawn from distributions that look like an old compound's: the
demo city's (seed_demo) and the synthetic province's (generate_synthetic) come from the same draws.

Everything here is plain data (tuples, dicts): the demo writes it through the models, the synthetic
generator by COPY. One ``random.Random`` in, the same people out."""

import math
from bisect import bisect_right
from itertools import accumulate


class Weighted:
    """A draw from ``((value, weight), ...)``; the cumulative weights are summed once."""

    def __init__(self, *table):
        self.values = [value for value, _weight in table]
        self.cumulative = list(accumulate(weight for _value, weight in table))
        self.total = self.cumulative[-1]

    def pick(self, rng):
        return self.values[bisect_right(self.cumulative, rng.random() * self.total)]


# The commonest family names of northern China, roughly by frequency.
SURNAMES = Weighted(
    ("王", 80), ("李", 75), ("张", 70), ("刘", 55), ("陈", 30), ("杨", 25), ("赵", 25), ("孙", 22),
    ("徐", 18), ("马", 18), ("高", 17), ("吴", 14), ("周", 14), ("朱", 12), ("胡", 10), ("郭", 12),
    ("于", 12), ("董", 10), ("宋", 9), ("韩", 9), ("崔", 8), ("曹", 7), ("孟", 7), ("田", 7),
    ("任", 6), ("袁", 5), ("魏", 6), ("毕", 4), ("路", 3), ("翟", 3), ("蒲", 2), ("欧阳", 1),
)  # fmt: skip
GIVEN = (
    "建国", "建华", "国庆", "秀英", "桂兰", "玉兰", "淑珍", "凤英", "红梅", "海燕", "志强", "立新",
    "卫东", "爱华", "永刚", "春生", "德明", "振华", "金凤", "丽华", "明", "伟", "敏", "静", "磊",
    "强", "军", "洋", "勇", "艳", "杰", "娟", "涛", "超", "霞", "平", "刚", "芳", "鹏", "红",
    "文博", "子涵", "浩然", "思远", "雨桐", "晓东", "海波", "春燕", "新民", "福臣",
)  # fmt: skip
# Mobile prefixes (China Mobile, Unicom, Telecom): 11 digits starting with 1.
PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "177", "180", "181", "182", "183", "186", "187", "188",
    "189", "199",
)  # fmt: skip
SIZES = Weighted((1, 12), (2, 32), (3, 30), (4, 15), (5, 8), (6, 3))
ELDERLY, DISABLED, TENANT, NO_PHONE = 0.38, 0.05, 0.14, 0.03

ORIGINS = Weighted(("door", 45), ("paper", 35), ("phone", 12), ("online", 8))
AMOUNTS = Weighted((500, 20), (1000, 30), (1500, 25), (2000, 15), (3000, 7), (5000, 3))
SCORES = Weighted((5, 55), (4, 33), (3, 8), (2, 3), (1, 1))
NEEDS_COMMENTS = (
    "楼道太暗，希望装灯", "下水道经常堵，先修管网", "希望加装电梯", "停车太难", "外墙脱落，注意安全",
    "希望增加健身器材", "老人多，希望扶手和坡道", "施工时别影响上班", "雨天院子积水",
)  # fmt: skip
SATISFACTION_COMMENTS = (
    "改造后环境好多了", "道路平整了，晚上也亮", "施工期间噪音大", "电梯很方便", "停车位还是不够",
    "绿化不错", "希望物业跟上",
)  # fmt: skip
# Items residents ask for, by how often (点菜式); the rest of the catalogue now and then.
WANTED = (
    ("drainage", 30), ("roads", 28), ("lighting", 26), ("rain_sewage_separation", 18),
    ("roof_repair", 22), ("facade_repair", 20), ("stairwell_repair", 20), ("parking", 24),
    ("ebike_chargers", 20), ("lift_installation", 18), ("greening", 15), ("cctv", 14),
    ("access_control", 12), ("fitness", 10), ("ageing_friendly", 12), ("barrier_free", 8),
    ("community_canteen", 6), ("elderly_care", 6), ("gas_pipeline", 10), ("heating", 10),
)  # fmt: skip


def name(rng):
    return SURNAMES.pick(rng) + rng.choice(GIVEN)


def phone(rng):
    return rng.choice(PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def rooms(storeys, units, count):
    """(unit, room) of ``count`` households of a building: 1单元101, 1单元102, 1单元201…, the same
    number of doors on every floor, filling unit by unit; at least one household."""
    storeys, units, count = max(storeys or 1, 1), max(units or 1, 1), max(count, 1)
    doors = max(1, math.ceil(count / (storeys * units)))
    placed = []
    for unit in range(1, units + 1):
        for floor in range(1, storeys + 1):
            for door in range(1, doors + 1):
                if len(placed) == count:
                    return placed
                placed.append((f"{unit}单元", f"{floor}{door:02d}"))
    return placed


def household(rng):
    """(head's name, phone, size, elderly, disabled, tenure) of one household."""
    size = SIZES.pick(rng)
    return (
        name(rng),
        "" if rng.random() < NO_PHONE else phone(rng),
        size,
        rng.random() < ELDERLY,
        rng.random() < DISABLED * (1 + size / 4),
        "tenant" if rng.random() < TENANT else "owner",
    )


def needs_answer(rng, agrees, items):
    """One household's needs answer: (origin, agrees, [wanted item pks], willing, amount, comment);
    a household that does not agree (``agrees`` false) says no or is undecided; ``items`` is a
    Weighted of item pks."""
    agrees = "yes" if agrees else "no" if rng.random() < 0.4 else "undecided"
    wanted = sorted({items.pick(rng) for _ in range(rng.randint(1, 4))}) if agrees != "no" else []
    willing = agrees == "yes" and rng.random() < 0.6
    amount = AMOUNTS.pick(rng) if willing else None
    comment = rng.choice(NEEDS_COMMENTS) if rng.random() < 0.06 else ""
    return ORIGINS.pick(rng), agrees, wanted, willing if agrees != "undecided" else None, amount, comment


def satisfaction_answer(rng, categories):
    """(origin, overall score, [(category pk, score)], comment) of one satisfaction answer."""
    overall = SCORES.pick(rng)
    scores = [(pk, min(5, max(1, overall + rng.choice((-1, 0, 0, 0, 1))))) for pk in categories]
    comment = rng.choice(SATISFACTION_COMMENTS) if rng.random() < 0.08 else ""
    return ORIGINS.pick(rng), overall, scores, comment


def wanted_items(item_pks_by_code):
    """The Weighted draw of item pks residents ask for, from the catalogue's codes."""
    table = [(item_pks_by_code[code], weight) for code, weight in WANTED if code in item_pks_by_code]
    return Weighted(*(table or [(pk, 1) for pk in item_pks_by_code.values()]))
