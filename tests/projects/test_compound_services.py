"""Compound and building services: validation in Chinese, scope, eligibility with its rule."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from org.policy import citypolicy_create, citypolicy_update
from projects.models import Building, Compound
from projects.registry.eligibility import explanation
from projects.registry.services import building_create, compound_create, compound_delete, compound_update
from tests.factories import city_policy, compound_in


def fields(world, **changes):
    values = {
        "community": world.community_a, "name": "华光路小区", "code": "HG-01", "year_built": 1995,
        "floor_area": 12000, "building_count": 4, "household_count": 120,
    }  # fmt: skip
    values.update(changes)
    return values


def test_clerk_creates_a_compound_in_their_street(world):
    compound = compound_create(actor=world["clerk_a"], **fields(world))
    assert compound.city == world.city
    assert compound.eligibility == Compound.Eligibility.NO_POLICY


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"year_built": datetime.date.today().year + 1}, "year_built"),
        ({"year_built": 1948}, "year_built"),
        ({"floor_area": 0}, "floor_area"),
        ({"building_count": 0}, "building_count"),
    ],
)
def test_bad_values_are_refused_naming_the_field(world, change, field):
    with pytest.raises(ValidationError) as error:
        compound_create(actor=world["clerk_a"], **fields(world, **change))
    assert field in error.value.message_dict
    assert not Compound.objects.exists()


def test_community_outside_the_clerks_street_is_refused(world):
    with pytest.raises(ValidationError) as error:
        compound_create(actor=world["clerk_a"], **fields(world, community=world.community_b))
    assert "community" in error.value.message_dict


def test_a_street_is_not_a_community(world):
    with pytest.raises(ValidationError) as error:
        compound_create(actor=world["city"], **fields(world, community=world.street_a))
    assert "community" in error.value.message_dict


def test_compound_code_is_unique_in_the_city(world):
    compound_in(world.community_b, code="HG-01")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        compound_create(actor=world["city"], **fields(world))
    assert "本市已有小区使用此编码" in str(error.value)


def test_same_code_is_fine_without_a_code(world):
    compound_in(world.community_b, code="")
    compound_create(actor=world["city"], **fields(world, code=""))
    assert Compound.objects.filter(code="").count() == 2


def test_update_records_what_changed(world):
    from core.models import AuditEntry

    compound = compound_create(actor=world["clerk_a"], **fields(world))
    compound_update(actor=world["clerk_a"], instance=compound, **fields(world, household_count=130))
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).latest("at")
    assert entry.changes == {"household_count": [120, 130]}


def test_deleting_a_compound_deletes_its_buildings_and_is_logged(world):
    compound = compound_create(actor=world["district"], **fields(world))
    building_create(actor=world["district"], compound=compound, number="1号楼", storeys=6)
    compound_delete(actor=world["district"], instance=compound)
    assert not Compound.objects.exists() and not Building.objects.exists()


def test_building_numbers_are_unique_within_a_compound(world):
    compound = compound_create(actor=world["clerk_a"], **fields(world))
    building_create(actor=world["clerk_a"], compound=compound, number="1号楼", storeys=6)
    with pytest.raises(ValidationError):
        building_create(actor=world["clerk_a"], compound=compound, number="1号楼", storeys=5)


@pytest.fixture
def policy(world):
    return city_policy(world.city, built_before=datetime.date(2000, 12, 31))


def test_verdict_names_the_year_and_the_cutoff(world, policy):
    compound = compound_create(actor=world["clerk_a"], **fields(world, year_built=2003))
    assert compound.eligibility == Compound.Eligibility.BUILT_AFTER_CUTOFF
    with translation.override("zh-hans"):
        text = explanation(compound, policy)
    assert "建成于2003年，晚于本市政策截止日期2000-12-31" in text
    assert "淄政办字〔2020〕49号" in text


def test_excluded_shanty_town_area_is_not_eligible(world, policy):
    compound = compound_create(actor=world["clerk_a"], **fields(world, in_shanty_town_area=True))
    assert compound.eligibility == Compound.Eligibility.SHANTY_TOWN


def test_changing_the_policy_recomputes_every_verdict(world, policy, django_capture_on_commit_callbacks):
    from config.celery import app

    app.conf.task_always_eager = True
    young = compound_in(
        world.community_a, year_built=2004, eligibility=Compound.Eligibility.BUILT_AFTER_CUTOFF
    )
    old = compound_in(world.community_b, year_built=1990, eligibility=Compound.Eligibility.ELIGIBLE)
    with django_capture_on_commit_callbacks(execute=True):
        citypolicy_update(
            actor=world["city"], instance=policy.policy, city=world.city, title=policy.policy.title,
            document_number="淄政办字〔2020〕49号", effective_from=policy.policy.effective_from,
            built_before=datetime.date(2005, 12, 31), exclude_shanty_town_areas=True,
            exclude_self_built_housing=True,
        )  # fmt: skip
    young.refresh_from_db()
    old.refresh_from_db()
    assert young.eligibility == Compound.Eligibility.ELIGIBLE
    assert old.eligibility == Compound.Eligibility.ELIGIBLE


def test_a_new_policy_recomputes_the_city(world, django_capture_on_commit_callbacks):
    from config.celery import app

    app.conf.task_always_eager = True
    compound = compound_in(world.community_a, year_built=2003)
    with django_capture_on_commit_callbacks(execute=True):
        citypolicy_create(
            actor=world["city"], city=world.city, title="政策", document_number="X〔2021〕1号",
            effective_from=datetime.date(2021, 1, 1), built_before=datetime.date(2000, 12, 31),
            exclude_shanty_town_areas=True, exclude_self_built_housing=True,
        )  # fmt: skip
    compound.refresh_from_db()
    assert compound.eligibility == Compound.Eligibility.BUILT_AFTER_CUTOFF
