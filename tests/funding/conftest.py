import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from approvals.seeding import seed_city_flows
from funding.models import FundingSource
from funding.services import plan_line_save, receipt_record
from tests.factories import compound_in, project_in

DAY = datetime.date(2026, 5, 10)


def wan(figure):
    """An amount typed in 万元, stored in yuan."""
    return Decimal(str(figure)) * 10000


@pytest.fixture
def sources(db):
    if not FundingSource.objects.exists():  # a transactional test emptied the tables migrations filled
        importlib.import_module("funding.migrations.0002_the_funding_sources").add_sources(apps, None)
    return {source.code: source for source in FundingSource.objects.all()}


@pytest.fixture
def funded(world, sources):
    """A project of 车站街道 under construction, with 100 万 planned and 60 万 received from the
    city budget, and the city's flows."""
    seed_city_flows(world.city)
    project = project_in(compound_in(world.community_a), stage="construction")
    plan_line_save(
        actor=world["city"], project=project, source=sources["city_budget"], year=2026, amount=wan(100)
    )
    receipt_record(
        actor=world["finance"], project=project, source=sources["city_budget"], amount=wan(60), received_on=DAY,
        document_number="淄财建〔2026〕8号",
    )  # fmt: skip
    return project
