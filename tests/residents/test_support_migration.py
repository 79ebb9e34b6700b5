"""Compounds registered before residents' support was stored get their row when the portal is
upgraded, so the compound list sorted by support still lists every one of them."""

from importlib import import_module

from django.apps import apps

from residents.models import CompoundSupport
from tests.factories import compound_in

migration = import_module("residents.migrations.0007_support_of_compounds_registered_before")


def test_the_upgrade_stores_a_row_for_each_compound_without_one(world):
    kept = compound_in(world.community_a)
    before = compound_in(world.community_a, household_count=216)
    CompoundSupport.objects.filter(compound=before).delete()  # as a compound registered before
    stored = CompoundSupport.objects.get(compound=kept).refreshed_at

    migration.store_missing(apps, None)

    row = CompoundSupport.objects.get(compound=before)
    assert (row.households, row.households_from_registry, row.support, row.passes) == (216, True, None, False)
    assert CompoundSupport.objects.get(compound=kept).refreshed_at == stored  # rows already there stay
