"""The world city (淄博市) with a little progress in October 2026, for the monthly report's tests:
a quota for 张店区 (4 compounds, 500 households, 20,000 m², ¥3,000,000) and one for 淄川区 (2, 300,
10,000 m², ¥1,000,000); one project of 张店区 over two compounds (120 + 80 households) started on
2026-10-05 with ¥600,000 reported on 2026-10-20."""

import datetime
from decimal import Decimal

from projects.models import AnnualQuota, ProgressReport, Project
from tests.factories import compound_in, project_in

MONTH = datetime.date(2026, 10, 1)
SEPTEMBER = datetime.date(2026, 9, 1)
STARTED = datetime.date(2026, 10, 5)


def october(world):
    for region, figures in (
        (world.district_a, (4, 500, 10, "20000.00", "3000000.00")),
        (world.district_b, (2, 300, 6, "10000.00", "1000000.00")),
    ):
        compounds, households, buildings, area, investment = figures
        AnnualQuota.objects.update_or_create(
            region=region, year=2026,
            defaults={"compounds": compounds, "households": households, "buildings": buildings,
                      "floor_area": Decimal(area), "investment": Decimal(investment)},
        )  # fmt: skip
    first = compound_in(
        world.community_a, household_count=120, building_count=3, floor_area=Decimal("9000.00")
    )
    second = compound_in(
        world.community_a, household_count=80, building_count=2, floor_area=Decimal("6000.00")
    )
    project = project_in(first, second, plan_year=2026)
    Project.objects.filter(pk=project.pk).update(
        stage="construction",
        started_on=STARTED,
        planned_start=STARTED,
        planned_completion=datetime.date(2026, 12, 31),
    )
    project.refresh_from_db()
    ProgressReport.objects.create(
        project=project, reported_on=datetime.date(2026, 10, 20), percent=30,
        investment_to_date=Decimal("600000.00"), reported_by=world["city"],
    )  # fmt: skip
    return project


def another_started_project(world, on=datetime.date(2026, 10, 8)):
    """A second project of 张店区 (50 households) started in October: changes the month's figures."""
    third = compound_in(
        world.community_b, household_count=50, building_count=1, floor_area=Decimal("3000.00")
    )
    project = project_in(third, plan_year=2026)
    Project.objects.filter(pk=project.pk).update(stage="construction", started_on=on)
    project.refresh_from_db()
    return project


def monthly_report_in(city, month=MONTH, **fields):
    """A new current version of ``city``'s report for ``month``, saved directly from the real
    numbers (the services have their own tests); the versions before it are no longer current."""
    from django.db.models import Max

    from reports.models import MonthlyReport
    from reports.monthly.services import data_version, default_as_of, monthly_numbers

    as_of = fields.pop("as_of", default_as_of(month))
    numbers = monthly_numbers(city=city, month=month, as_of=as_of)
    version = (MonthlyReport.objects.filter(city=city, month=month).aggregate(v=Max("version"))["v"] or 0) + 1
    MonthlyReport.objects.filter(city=city, month=month).update(is_current=False)
    return MonthlyReport.objects.create(
        city=city, month=month, version=version, as_of=as_of, numbers=numbers,
        data_version=data_version(numbers), **fields,
    )  # fmt: skip
