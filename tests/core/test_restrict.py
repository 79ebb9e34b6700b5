"""restrict(): role permission × region scope, plus one-by-one grants through django-guardian."""

from guardian.shortcuts import assign_perm

from org.models import Organisation, Region
from org.services import user_grant_region
from tests.factories import make_user


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def test_clerk_sees_only_regions_of_their_street(world):
    visible = Region.objects.restrict(world["clerk_a"])
    assert names(visible) == {"车站街道", "华光路社区", "共青团路社区", "西五路社区"}


def test_clerk_cannot_see_other_streets_regions(world):
    assert not Region.objects.restrict(world["clerk_a"]).filter(pk=world.street_b.pk).exists()


def test_district_staff_sees_their_whole_district_and_nothing_else(world):
    visible = Region.objects.restrict(world["district"])
    assert visible.filter(pk=world.community_b.pk).exists()
    assert not visible.filter(pk=world.district_b.pk).exists()
    assert all(r.path.startswith(world.district_a.path) for r in visible)


def test_city_staff_and_leader_see_the_whole_city(world):
    city_regions = Region.objects.filter(path__startswith=world.city.path).count()
    assert Region.objects.restrict(world["city"]).count() == city_regions
    assert Region.objects.restrict(world["leader"]).count() == city_regions


def test_leader_cannot_change_anything(world):
    assert not Region.objects.restrict(world["leader"], "change").exists()
    assert not Region.objects.restrict(world["leader"], "delete").exists()


def test_user_without_the_model_permission_sees_nothing(world):
    outsider = make_user("nobody", world["clerk_a"].organisation)  # no role at all
    assert not Region.objects.restrict(outsider).exists()


def test_anonymous_and_inactive_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Region.objects.restrict(AnonymousUser()).exists()
    clerk = world["clerk_a"]
    clerk.is_active = False
    assert not Region.objects.restrict(clerk).exists()


def test_superuser_sees_everything(world):
    root = make_user("root", None, is_superuser=True)
    assert Region.objects.restrict(root).count() == Region.objects.count()


def test_granted_region_widens_a_clerks_scope(world):
    clerk = world["clerk_a"]
    user_grant_region(actor=world["sysadmin"], user=clerk, region=world.street_b)
    clerk = type(clerk).objects.get(pk=clerk.pk)  # scope paths are cached per instance
    visible = Region.objects.restrict(clerk)
    assert visible.filter(pk=world.community_b.pk).exists()
    assert not visible.filter(pk=world.district_b.pk).exists()


def test_single_object_grant_shows_one_row_outside_the_scope(world):
    clerk = world["clerk_a"]
    other_office = Organisation.objects.get(region=world.street_b)
    assign_perm("org.view_organisation", clerk, other_office)
    visible = Organisation.objects.restrict(clerk)
    assert visible.filter(pk=other_office.pk).exists()
    assert not visible.filter(region=world.district_b).exists()


def test_object_grant_through_a_group_counts(world):
    from django.contrib.auth.models import Group

    clerk = world["clerk_a"]
    task_force = Group.objects.create(name="task_force")
    clerk.groups.add(task_force)
    assign_perm("org.view_region", task_force, world.district_b)
    assert Region.objects.restrict(clerk).filter(pk=world.district_b.pk).exists()


def test_scope_paths_drop_regions_inside_other_ones(world):
    district = world["district"]
    user_grant_region(actor=None, user=district, region=world.street_a)
    district = type(district).objects.get(pk=district.pk)
    assert district.get_scope_paths() == [world.district_a.path]
