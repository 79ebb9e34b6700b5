"""The whole dashboard page runs the same number of queries for a small city and a bigger one: every
section reads its figures grouped in SQL, never one query per district, project, compound or row.

The small city has 2 projects over 2 compounds in 2 districts; the bigger one 24 projects over 24
compounds in every district, in every stage, with progress reports, items, money, findings and
complaints (the rows each section lists or counts). Each page is requested once first (sessions,
content types and the like read once), the cache is emptied, and then the page is counted."""

import datetime
import re
from collections import Counter
from decimal import Decimal
from itertools import cycle

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from org.models import Region
from projects.models import ProgressReport, Project, ProjectItem
from residents.models import Complaint
from tests.factories import compound_in, finding_in, project_in, renovation_item
from tests.funding.factories import disbursement_in, plan_line_in, receipt_in
from tests.residents.permissions.complaints import complaint_in

STAGES = list(Project.Stage.values)
NUMBER = re.compile(r"\b\d+\b|'[^']*'")


def communities(world):
    """A community in each of the city's districts (张店区's two first)."""
    found = [world.community_a, world.community_b]
    for district in Region.objects.filter(parent=world.city, level=Region.Level.DISTRICT).order_by("path"):
        community = (
            Region.objects.filter(path__startswith=district.path, level=Region.Level.COMMUNITY)
            .exclude(pk__in=[c.pk for c in found])
            .order_by("path")
            .first()
        )
        if community is not None:
            found.append(community)
    return found


def grow(world, count, *, first=0):
    """``count`` more projects of this year, each over a compound of its own, spread over the
    districts and the stages, each carrying what a section may list per row."""
    today = timezone.localdate()
    year = today.year
    city = world["city"]
    items = [
        renovation_item(indicator=code, unit=unit) for code, unit in (("lifts", "部"), ("ev_chargers", "个"))
    ]
    places = cycle(communities(world)[first % 3 :])
    for n in range(first, first + count):
        stage = STAGES[n % len(STAGES)]
        compound = compound_in(
            next(places), household_count=100 + n, longitude=Decimal("118.05") + n, latitude=Decimal("36.8")
        )
        project = project_in(compound, stage=stage, plan_year=year)
        position = STAGES.index(stage)
        started = datetime.date(year, 1 + n % max(today.month, 1), 1) if position >= 5 else None
        completed = (started + datetime.timedelta(days=20)) if started and position >= 6 else None
        Project.objects.filter(pk=project.pk).update(
            started_on=started,
            completed_on=completed if completed and completed <= today else None,
            next_due_on=today - datetime.timedelta(days=5 + n)
            if n % 2
            else today + datetime.timedelta(days=30),
            next_milestone="completion",
            planned_start=started,
            planned_completion=datetime.date(year, 12, 31),
        )
        if started:
            ProgressReport.objects.create(
                project=project, reported_on=started, percent=40,
                investment_to_date=Decimal(100000 + n), reported_by=city,
            )  # fmt: skip
        for item in items:
            ProjectItem.objects.create(project=project, item=item, quantity=Decimal(1 + n % 3))
        plan_line_in(project, year=year, amount="1000000.00")
        receipt_in(project, city, amount="500000.00", on=datetime.date(year, 1, 15))
        disbursement_in(project, city, amount="100000.00", paid_on=datetime.date(year, 2, 1))
        finding_in(project, deadline=today - datetime.timedelta(days=3))
        complaint_in(compound, received_on=today - datetime.timedelta(days=40))
        complaint_in(compound, status=Complaint.Status.CLOSED)


def counted(client, url, params):
    client.get(url, params)  # sessions, content types, translations: read once
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries], [s.key for s in response.context["sections"]]


def difference(small, big):
    """The statements run a different number of times (numbers and strings blanked out)."""
    few, many = Counter(NUMBER.sub("?", sql) for sql in small), Counter(NUMBER.sub("?", sql) for sql in big)
    return "\n".join(
        f"{few[sql]} → {many[sql]}: {sql[:300]}"
        for sql in sorted(set(few) | set(many))
        if few[sql] != many[sql]
    )


def assert_same_queries(client, url, params, world):
    grow(world, 2)
    small, shown = counted(client, url, params)
    grow(world, 22, first=2)
    big, _shown = counted(client, url, params)
    assert Project.objects.filter(plan_year=timezone.localdate().year).count() == 24
    assert len(small) == len(big), (
        f"{len(small)} queries with 2 projects, {len(big)} with 24:\n" + difference(small, big)
    )
    return shown


@pytest.mark.parametrize("persona", ["leader", "city", "district"])
def test_the_dashboard_runs_the_same_queries_for_2_and_24_projects(world, client_for, persona):
    shown = assert_same_queries(client_for(persona), "/dashboard/", {}, world)
    # Every section was there to be counted.
    assert shown == ["kpis", "compare", "trend", "funnel", "mix", "money", "voice", "alerts", "map"]


@pytest.mark.parametrize("level", ["district", "street"])
def test_the_dashboard_drilled_down_runs_the_same_queries_for_2_and_24_projects(world, client_for, level):
    region = world.district_a if level == "district" else world.street_a
    assert_same_queries(client_for("leader"), "/dashboard/", {"region": region.pk}, world)


def test_the_wall_screen_runs_the_same_queries_for_2_and_24_projects(world, client_for):
    assert_same_queries(client_for("leader"), "/dashboard/wall/", {}, world)
