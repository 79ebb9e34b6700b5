"""Region services: paths follow the tree, levels nest, nothing is deleted that others need."""

import pytest
from django.core.exceptions import ValidationError

from org.models import Region
from org.services import region_create, region_delete, region_update


def test_new_community_gets_its_path_under_the_street(world):
    region = region_create(
        actor=world["city"],
        code="370303001010",
        name="新村社区",
        level=Region.Level.COMMUNITY,
        parent=world.street_a,
    )
    assert region.path == world.street_a.path + "370303001010/"


def test_community_must_sit_directly_under_a_street(world):
    with pytest.raises(ValidationError) as error:
        region_create(
            actor=world["city"],
            code="370303777",
            name="错层社区",
            level=Region.Level.COMMUNITY,
            parent=world.district_a,
        )
    assert "level" in error.value.message_dict


def test_division_code_is_unique(world):
    with pytest.raises(ValidationError) as error:
        region_create(
            actor=world["city"],
            code=world.community_a.code,
            name="重复社区",
            level=Region.Level.COMMUNITY,
            parent=world.street_a,
        )
    assert "code" in error.value.message_dict
    assert not Region.objects.filter(name="重复社区").exists()


def test_moving_a_street_moves_its_communities(world):
    street = world.street_a
    region_update(
        actor=world["city"],
        instance=street,
        code=street.code,
        name=street.name,
        level=street.level,
        parent=world.district_b,
    )
    community = Region.objects.get(pk=world.community_a.pk)
    assert community.path.startswith(world.district_b.path)
    assert community.path == f"{world.district_b.path}{street.code}/{community.code}/"


def test_region_cannot_move_under_its_own_child(world):
    with pytest.raises(ValidationError):
        region_update(
            actor=world["city"],
            instance=world.district_a,
            code=world.district_a.code,
            name=world.district_a.name,
            level=world.district_a.level,
            parent=world.street_a,
        )


def test_region_with_children_is_not_deleted(world):
    with pytest.raises(ValidationError) as error:
        region_delete(actor=world["city"], instance=world.street_a)
    assert "3" in error.value.messages[0]
    assert Region.objects.filter(pk=world.street_a.pk).exists()


def test_empty_community_is_deleted(world):
    region = region_create(
        actor=world["city"],
        code="370303001011",
        name="待撤销社区",
        level=Region.Level.COMMUNITY,
        parent=world.street_a,
    )
    region_delete(actor=world["city"], instance=region)
    assert not Region.objects.filter(pk=region.pk).exists()
