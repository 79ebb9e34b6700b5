"""Synthetic data for load tests (generate_synthetic) and the demo city's compounds (seed_demo)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Avg, Count

from org.models import CityPolicy, Organisation, Region
from projects.models import Building, Compound


def generate(*args):
    out = StringIO()
    call_command("generate_synthetic", "--scale", "district", *args, stdout=out)
    return out.getvalue()


def synthetic_compounds():
    return Compound.objects.filter(city__path__startswith="379900/")


def first_names(count=20):
    return list(synthetic_compounds().order_by("code").values_list("name", flat=True)[:count])


def test_district_scale_has_about_a_thousand_compounds_of_realistic_size(db):
    output = generate("--seed", "3")
    compounds = synthetic_compounds()
    figures = compounds.aggregate(
        n=Count("pk"), households=Avg("household_count"), buildings=Avg("building_count")
    )
    assert 900 <= figures["n"] <= 1100
    assert 140 <= figures["households"] <= 200
    assert 4 <= figures["buildings"] <= 6
    assert Building.objects.filter(compound__in=compounds).count() == sum(c.building_count for c in compounds)
    assert f"{figures['n']} compounds" in output


def test_district_scale_is_one_district_with_its_bureaus_and_a_policy(db):
    generate("--seed", "3")
    regions = Region.objects.filter(path__startswith="379900/")
    assert regions.filter(level=Region.Level.CITY).count() == 1
    assert regions.filter(level=Region.Level.DISTRICT).count() == 1
    assert 80 <= regions.filter(level=Region.Level.COMMUNITY).count() <= 140
    kinds = set(Organisation.objects.filter(region__in=regions).values_list("kind", flat=True))
    assert {
        Organisation.Kind.CITY_BUREAU,
        Organisation.Kind.DISTRICT_BUREAU,
        Organisation.Kind.STREET_OFFICE,
    } <= kinds
    assert CityPolicy.objects.filter(city__in=regions).count() == 1


def test_some_compounds_are_ineligible_and_every_verdict_follows_the_policy(db):
    from projects.eligibility import verdict

    generate("--seed", "3")
    compounds = list(synthetic_compounds().select_related("city"))
    policy = CityPolicy.in_force(compounds[0].city)
    assert all(c.eligibility == verdict(c, policy) for c in compounds)
    eligible = sum(c.is_eligible for c in compounds)
    assert 0.6 * len(compounds) < eligible < len(compounds)


def test_the_same_seed_gives_the_same_compounds_and_replace_starts_afresh(db):
    generate("--seed", "7")
    names, count = first_names(), synthetic_compounds().count()
    generate("--seed", "7", "--replace")
    assert first_names() == names
    assert synthetic_compounds().count() == count
    assert Region.objects.filter(code="379900").count() == 1


def test_another_seed_gives_other_compounds(db):
    generate("--seed", "7")
    names = first_names()
    generate("--seed", "8", "--replace")
    assert first_names() != names


def test_it_refuses_to_add_a_second_synthetic_province_without_replace(db):
    generate("--seed", "1")
    with pytest.raises(CommandError, match="--replace"):
        generate("--seed", "1")


def test_it_leaves_the_demo_city_alone(db):
    seed_demo()
    zibo = Compound.objects.filter(city__code="370300").count()
    generate("--seed", "1")
    generate("--seed", "2", "--replace")
    assert Compound.objects.filter(city__code="370300").count() == zibo


def test_it_refuses_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        generate("--seed", "1")


# --- the demo city ----------------------------------------------------------------------------


def seed_demo():
    out = StringIO()
    call_command("seed_demo", password="Demo#2026zb", stdout=out)
    return out.getvalue()


def test_seed_demo_gives_zibo_about_three_hundred_compounds_and_its_policy(db):
    seed_demo()
    compounds = Compound.objects.filter(city__code="370300")
    assert 250 <= compounds.count() <= 350
    assert (
        compounds.values("community").distinct().count()
        == Region.objects.filter(path__startswith="370000/370300/", level=Region.Level.COMMUNITY).count()
    )
    assert Building.objects.filter(compound__in=compounds).exists()
    policy = CityPolicy.objects.get(city__code="370300")
    assert policy.document_number == "淄政办字〔2020〕49号"
    assert policy.built_before.isoformat() == "2005-12-31"
    assert policy.exclude_shanty_town_areas and policy.exclude_self_built_housing


def test_the_demo_clerk_finds_named_compounds_in_her_street(db):
    seed_demo()
    names = set(Compound.objects.filter(community__parent__name="车站街道").values_list("name", flat=True))
    assert {"华光路小区", "共青团路纺织厂宿舍"} <= names
    assert Compound.objects.get(name="华光路小区").code == "ZB-370303-0001"


def test_seed_demo_twice_changes_no_compound(db):
    seed_demo()
    before = (
        list(Compound.objects.order_by("code").values_list("code", "name", "household_count")),
        Building.objects.count(),
        CityPolicy.objects.count(),
    )
    seed_demo()
    after = (
        list(Compound.objects.order_by("code").values_list("code", "name", "household_count")),
        Building.objects.count(),
        CityPolicy.objects.count(),
    )
    assert after == before
