"""What the contributions tests share: 芒市's per-household rule as the world city's policy, and a
project of street A over a compound of blocks and one of single-storey rows."""

import datetime
import importlib

from django.apps import apps

from funding.demo import city_rules, install_rules
from funding.models import FundingSource
from org.models import CityPolicy
from projects.models import Building
from tests.factories import compound_in, project_in
from tests.residents.factories import building_in, household_in


def funding_sources():
    if not FundingSource.objects.exists():  # a transactional test emptied what migrations filled
        importlib.import_module("funding.migrations.0002_the_funding_sources").add_sources(apps, None)


def mangshi_rules(world):
    """芒市's policy and its rule (1,500 元 per household of unit buildings, 2,000 元 of others)."""
    funding_sources()
    spec = city_rules("芒市")
    policy = CityPolicy.objects.create(
        city=world.city, title=spec["title"], document_number=spec["document_number"],
        effective_from=datetime.date.fromisoformat(spec["effective_from"]),
    )  # fmt: skip
    install_rules(policy, spec)
    return policy


def project_with_households(world, unit=2, other=1, **fields):
    """A project of street A over a compound of six-storey blocks (``unit`` households) and one of
    single-storey rows (``other``)."""
    blocks = compound_in(world.community_a, name="华光路小区")
    rows = compound_in(world.community_a, name="平房小区")
    building_in(blocks)
    low = Building.objects.create(compound=rows, number="1排", storeys=1)
    households = [household_in(blocks) for _ in range(unit)] + [
        household_in(rows, building=low) for _ in range(other)
    ]
    return project_in(blocks, rows, **fields), households
