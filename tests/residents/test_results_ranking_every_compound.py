"""Every compound has its stored support from the moment it is written, whichever way it came in
(projects.registry.hooks), so the compound list ranks by support reading stored rows only."""

import datetime
import re
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from core.importing import import_file
from core.spreadsheets import write_xlsx
from projects.models import Compound
from projects.registry.importers import CompoundImporter
from projects.registry.services import compound_create, compound_update
from residents.models import CompoundSupport, Household, SurveyResponse
from residents.results.support import support_refresh
from tests.factories import compound_in
from tests.projects.conftest import HEADERS, compound_row
from tests.residents.factories import building_in, campaign_for

TODAY = datetime.date.today()


def names(response):
    return re.findall(r'<a href="/projects/compounds/\d+/">([^<]+)</a>', response.content.decode())


def ranked(client, **query):
    return names(client.get(reverse("projects:compound_list"), {"sort": "-support_rate", **query}))


def supported(compound):
    """Two of its three households answered and agreed."""
    building = building_in(compound)
    homes = Household.objects.bulk_create(
        Household(compound=compound, building=building, unit="1单元", room=str(800 + i)) for i in range(3)
    )
    campaign = campaign_for(compound)
    SurveyResponse.objects.bulk_create(
        SurveyResponse(campaign=campaign, household=home, answered_on=TODAY, agrees="yes")
        for home in homes[:2]
    )
    support_refresh([compound])  # rows written past the services: count them as they would
    return compound


def test_a_compound_created_by_a_clerk_is_ranked_at_once_with_no_support(world, client_for):
    supported(compound_in(world.community_a, name="已调查小区"))
    compound = compound_create(
        actor=world["clerk_a"], community=world.community_a, name="新建小区", code="XJ-01", year_built=1995,
        floor_area=12000, building_count=4, household_count=120,
    )  # fmt: skip
    stored = CompoundSupport.objects.get(compound=compound)
    assert (stored.campaign, stored.support, stored.households, stored.passes) == (
        None,
        Decimal("0"),
        120,
        False,
    )
    assert ranked(client_for("district")) == ["已调查小区", "新建小区"]


def test_a_clerk_changing_a_compounds_households_changes_its_stored_support(world):
    compound = compound_create(
        actor=world["clerk_a"], community=world.community_a, name="改户数小区", code="GH-01", year_built=1995,
        floor_area=12000, building_count=4, household_count=120,
    )  # fmt: skip
    compound_update(actor=world["clerk_a"], instance=compound, household_count=90)
    assert CompoundSupport.objects.get(compound=compound).households == 90


def test_imported_compounds_are_ranked_at_once(world, client_for):
    supported(compound_in(world.community_a, name="已调查小区"))
    data = write_xlsx(
        HEADERS, [compound_row("IM-001", name="导入一小区"), compound_row("IM-002", name="导入二小区")]
    )
    report = import_file(CompoundImporter(world["clerk_a"]), data, "compounds.xlsx", commit=True)
    assert report.committed
    imported = Compound.objects.filter(code__in=["IM-001", "IM-002"])
    assert CompoundSupport.objects.filter(compound__in=imported).count() == 2
    assert ranked(client_for("district")) == ["已调查小区", "导入一小区", "导入二小区"]


def test_the_ranking_counts_and_pages_every_compound_as_the_plain_list_does(world, client_for):
    supported(compound_in(world.community_a, name="已调查小区"))
    for n in range(24):
        compound_in(world.community_a, name=f"未调查小区{n:02d}")
    client = client_for("district")
    url = reverse("projects:compound_list")
    plain = client.get(url)
    first, second = (client.get(url, {"sort": "-support_rate", "page": page}) for page in (1, 2))
    assert first.context["paginator"].count == plain.context["paginator"].count == 25
    shown = names(first) + names(second)
    assert shown[0] == "已调查小区"
    assert sorted(shown) == sorted(Compound.objects.values_list("name", flat=True))


def test_the_demo_city_and_the_synthetic_province_store_every_compounds_support(db):
    call_command("seed_demo", password="Demo#2026zb", stdout=StringIO())
    call_command("generate_synthetic", "--scale", "district", stdout=StringIO())
    assert Compound.objects.count() > 1000
    assert not Compound.objects.filter(residents_support__isnull=True).exists()
