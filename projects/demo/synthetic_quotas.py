"""Synthetic annual quotas (``generate_synthetic``): for every synthetic city, each district's quota
for each plan year its projects carry, a little above what the projects hold (the province's quota
is met by more candidates than the first projects), and the city's quota as their exact sum.
Written with ``bulk_create`` after the projects."""

import math
from decimal import Decimal

from django.db.models import Count, Sum

from projects.models import AnnualQuota, ProjectCompound

from .synthetic_regions import BATCH_SIZE

# A district's quota over what its projects of the year hold; its investment per m² (yuan).
ABOVE_PROJECTS = (1.0, 1.25)
YUAN_PER_M2 = (250, 420)


def build_quotas(*, tree, rng):
    """Quotas per district and city of ``tree`` for the plan years of their projects. Returns
    {what: how many}."""
    held = (
        ProjectCompound.objects.filter(project__city__in=tree.cities, project__plan_year__isnull=False)
        .values("project__plan_year", "compound__community__parent__parent_id")
        .annotate(
            compounds=Count("compound", distinct=True),
            households=Sum("compound__household_count"),
            buildings=Sum("compound__building_count"),
            area=Sum("compound__floor_area"),
        )
        .order_by("project__plan_year", "compound__community__parent__parent_id")
    )
    districts = {district.pk: district for district in tree.districts}
    quotas, by_city = [], {}
    for row in held:
        district = districts.get(row["compound__community__parent__parent_id"])
        if district is None:
            continue
        above = rng.uniform(*ABOVE_PROJECTS)
        area = math.ceil(float(row["area"]) * above)
        figures = {
            "compounds": math.ceil(row["compounds"] * above),
            "households": math.ceil(row["households"] * above),
            "buildings": math.ceil(row["buildings"] * above),
            "floor_area": Decimal(area).quantize(Decimal("0.01")),
            # Whole 万元, as a province writes it.
            "investment": Decimal(round(area * rng.uniform(*YUAN_PER_M2) / 10000) * 10000).quantize(
                Decimal("0.01")
            ),
        }
        year = row["project__plan_year"]
        quotas.append(AnnualQuota(region=district, year=year, **figures))
        total = by_city.setdefault((district.parent_id, year), dict.fromkeys(figures, 0))
        for name, value in figures.items():
            total[name] += value
    for (city_pk, year), figures in sorted(by_city.items()):
        quotas.append(AnnualQuota(region_id=city_pk, year=year, note="省下达年度任务（合成数据）", **figures))
    AnnualQuota.objects.bulk_create(quotas, batch_size=BATCH_SIZE)
    return {"annual quotas": len(quotas)}


def delete_quotas(regions):
    """The quotas of the synthetic regions (they protect the regions). Returns how many went."""
    return AnnualQuota.objects.filter(region__in=regions).delete()[0]
