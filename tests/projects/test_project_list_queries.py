"""The project list runs the same number of queries for 1 and 20 rows, with and without its filters.

Every row here is a project of 车站街道 with two items, a progress report and an overdue finding,
late against its calendar: it matches each filter, and each column (compounds, households, next
deadline, overdue findings) has something to count. Six projects of 公园街道 stand behind them, so
the city sees 26 and a second page.
"""

import datetime

import pytest
from django.utils import timezone

from projects.models import ItemCategory, ProgressReport, Project, ProjectItem, RenovationItem
from tests.factories import compound_in, finding_in, project_in
from tests.helpers import assert_list_queries_constant

LIST = "/projects/"


def late_project(community, user):
    today = timezone.localdate()
    compounds = [compound_in(community), compound_in(community)]
    project = project_in(
        *compounds,
        stage=Project.Stage.CONSTRUCTION,
        started_on=today - datetime.timedelta(days=200),
        next_milestone="acceptance",
        next_due_on=today - datetime.timedelta(days=30),
    )
    for code, quantity, cost in (("roads", "1800.00", "396000.00"), ("parking", "40.00", "220000.00")):
        item = RenovationItem.objects.get(code=code)
        ProjectItem.objects.create(
            project=project, item=item, quantity=quantity, estimated_cost=cost, payer=item.default_payer
        )
    ProgressReport.objects.create(
        project=project,
        reported_on=today - datetime.timedelta(days=10),
        percent=60,
        investment_to_date="370000.00",
        reported_by=user,
    )
    finding_in(project, deadline=today - datetime.timedelta(days=5))
    return project


@pytest.fixture
def rows(world):
    for _ in range(6):
        late_project(world.community_b, world["clerk_b"])

    def add(count):
        for _ in range(count):
            late_project(world.community_a, world["clerk_a"])

    return add


@pytest.mark.parametrize("persona", ["city", "clerk_a"])
@pytest.mark.parametrize("filters", ["none", "overdue", "item_category", "sorted by deadline"])
def test_the_project_list_runs_the_same_queries_for_one_and_twenty_rows(client_for, rows, persona, filters):
    params = {
        "none": {},
        "overdue": {"overdue": "any"},
        "item_category": {"item_category": ItemCategory.objects.get(code="basic").pk},
        "sorted by deadline": {"overdue": "deadline", "sort": "next_due_on"},
    }[filters]
    assert_list_queries_constant(client_for(persona), LIST, rows, **params)


def test_the_rows_match_the_filters_and_the_clerk_sees_only_her_street(client_for, rows):
    rows(20)
    basic = ItemCategory.objects.get(code="basic").pk
    for persona, expected in (("city", 26), ("clerk_a", 20)):
        client = client_for(persona)
        for params in ({}, {"overdue": "any"}, {"item_category": basic}):
            response = client.get(LIST, params)
            assert response.context["totals"]["projects"] == expected, (persona, params)
            assert len(response.context["object_list"]) == 20
