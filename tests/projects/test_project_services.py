"""Project services: creation from compounds and its area, codes, edits, deletion, and who sees what."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from guardian.shortcuts import assign_perm

from core.models import AuditEntry
from org.demo import ensure_region
from org.models import Region, User
from projects.lifecycle.services import project_create, project_delete, project_update
from projects.models import Compound, Project, ProjectCompound
from projects.registry.services import compound_delete
from tests.factories import compound_in, region
from tests.projects.test_lifecycle import project_in

S = Project.Stage


def second_city(province=None, *, codes=("370100", "济南市", "370102", "历下区")):
    """Another city (济南, or one in another province) with a district, street and community."""
    province = province or Region.objects.get(level=Region.Level.PROVINCE, code="370000")
    city_code, city_name, district_code, district_name = codes
    city = ensure_region(code=city_code, name=city_name, level=Region.Level.CITY, parent=province)
    district = ensure_region(code=district_code, name=district_name, level=Region.Level.DISTRICT, parent=city)
    street = ensure_region(
        code=f"{district_code}001", name="第一街道", level=Region.Level.STREET, parent=district
    )
    return ensure_region(
        code=f"{district_code}001001", name="第一社区", level=Region.Level.COMMUNITY, parent=street
    )


def working_in(user, *regions):
    """``user`` given the extra regions one by one (guardian), fetched afresh so no scope is cached."""
    for extra in regions:
        assign_perm("org.work_in_region", user, extra)
    return User.objects.get(pk=user.pk)


def english(error, field=None):
    """The messages of a refusal (of one field), rendered in English: some are lazy translations."""
    with translation.override("en"):
        messages = error.value.message_dict[field] if field else error.value.messages
        return " ".join(str(m) for m in messages)


# --- Creation ------------------------------------------------------------------------------------


def test_a_project_of_one_compound_belongs_to_its_city(world):
    compound = compound_in(world.community_a)
    project = project_create(
        actor=world["clerk_a"], compounds=[compound], name="华光路小区改造", plan_year=2026
    )
    assert project.city == world.city
    assert list(project.compounds.all()) == [compound]
    assert project.stage == S.SURVEY and project.pool == Project.Pool.RESERVE
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, object_id=str(project.pk))
    assert entry.changes["compounds"] == [compound.name]


def test_a_project_of_one_compound_lies_in_its_street(world):
    compound = compound_in(world.community_a)
    project = project_create(actor=world["clerk_a"], compounds=[compound], name="华光路小区改造")
    assert project.region == world.street_a


def test_a_project_of_compounds_of_two_communities_of_one_street_lies_in_the_street(world):
    other_community = region("共青团路社区", world.street_a)
    compounds = [compound_in(world.community_a), compound_in(other_community)]
    project = project_create(actor=world["clerk_a"], compounds=compounds, name="车站街道片区改造")
    assert project.region == world.street_a
    assert set(project.compounds.all()) == set(compounds)


def test_a_bundle_of_two_streets_lies_in_their_district(world):
    compounds = [
        compound_in(world.community_a),
        compound_in(world.community_a),
        compound_in(world.community_b),
    ]
    project = project_create(
        actor=world["district"], compounds=compounds, name="张店区连片改造", plan_year=2026
    )
    assert project.region == world.district_a
    assert project.city == world.city
    assert set(project.compounds.all()) == set(compounds)


def test_compounds_outside_the_actors_area_are_refused(world):
    compounds = [compound_in(world.community_a), compound_in(world.community_b)]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        project_create(actor=world["clerk_a"], compounds=compounds, name="越界项目")
    assert "outside your area" in english(error, "compounds")
    assert not Project.objects.exists()


def test_a_project_needs_a_compound(world):
    with pytest.raises(ValidationError) as error:
        project_create(actor=world["clerk_a"], compounds=[], name="空项目")
    assert "compounds" in error.value.message_dict
    assert not Project.objects.exists()


def test_compounds_of_two_cities_are_refused(world):
    jinan = compound_in(second_city())
    actor = working_in(world["city"], jinan.city)
    compounds = [compound_in(world.community_a), jinan]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        project_create(actor=actor, compounds=compounds, name="跨市项目")
    assert "one city" in english(error, "compounds")
    assert not Project.objects.exists()


def test_compounds_of_cities_in_two_provinces_are_refused(world):
    jiangsu = ensure_region(code="320000", name="江苏省", level=Region.Level.PROVINCE)
    suzhou = compound_in(second_city(jiangsu, codes=("320500", "苏州市", "320508", "姑苏区")))
    actor = working_in(world["city"], suzhou.city)
    with pytest.raises(ValidationError) as error:
        project_create(actor=actor, compounds=[compound_in(world.community_a), suzhou], name="跨省项目")
    assert "compounds" in error.value.message_dict


def test_project_code_is_unique_within_a_city_only(world):
    first = project_create(
        actor=world["district"], compounds=[compound_in(world.community_a)], name="甲", code="ZD-01"
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        project_create(
            actor=world["district"], compounds=[compound_in(world.community_b)], name="乙", code="ZD-01"
        )
    assert "already has this code" in english(error, "code")
    assert list(Project.objects.all()) == [first]

    jinan = compound_in(second_city())
    actor = working_in(world["city"], jinan.city)
    elsewhere = project_create(actor=actor, compounds=[jinan], name="丙", code="ZD-01")
    assert elsewhere.city.name == "济南市"


def test_projects_without_a_code_do_not_clash(world):
    for name in ("甲", "乙"):
        project_create(actor=world["clerk_a"], compounds=[compound_in(world.community_a)], name=name)
    assert Project.objects.filter(code="").count() == 2


def test_changing_a_code_to_one_taken_in_the_city_is_refused(world):
    project_create(
        actor=world["clerk_a"], compounds=[compound_in(world.community_a)], name="甲", code="ZD-01"
    )
    second = project_create(actor=world["clerk_a"], compounds=[compound_in(world.community_a)], name="乙")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        project_update(actor=world["clerk_a"], instance=second, code="ZD-01")
    # Only the check in _place() names the field; without compounds the constraint answers under __all__.
    assert "already has this code" in english(error)
    second.refresh_from_db()
    assert second.code == ""


# --- Edits ---------------------------------------------------------------------------------------


def test_updating_a_project_replaces_its_compounds_and_area(world):
    kept, dropped = compound_in(world.community_a), compound_in(world.community_b)
    project = project_create(actor=world["district"], compounds=[kept, dropped], name="张店区连片改造")
    assert project.region == world.district_a
    added = compound_in(region("共青团路社区", world.street_a))

    project = project_update(
        actor=world["district"], instance=project, compounds=[kept, added], name="车站街道片区改造"
    )

    assert set(project.compounds.all()) == {kept, added}
    assert project.region == world.street_a
    assert project.name == "车站街道片区改造"
    assert Compound.objects.filter(pk=dropped.pk).exists()
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_id=str(project.pk)).get()
    before, after = entry.changes["compounds"]
    assert sorted(before) == sorted([kept.name, dropped.name])
    assert sorted(after) == sorted([kept.name, added.name])


def test_updating_a_project_with_compounds_outside_the_area_changes_nothing(world):
    compound = compound_in(world.community_a)
    project = project_create(actor=world["clerk_a"], compounds=[compound], name="华光路小区改造")
    with pytest.raises(ValidationError):
        project_update(
            actor=world["clerk_a"], instance=project, compounds=[compound_in(world.community_b)], name="改名"
        )
    project.refresh_from_db()
    assert list(project.compounds.all()) == [compound]
    assert project.name == "华光路小区改造"


def test_updating_leaves_the_lifecycle_facts_alone(world):
    project = project_in(world.community_a, stage=S.REVIEW)
    project = project_update(
        actor=world["clerk_a"], instance=project, stage=S.CLOSED, approval_number="伪造", name="新名称"
    )
    project.refresh_from_db()
    assert (project.stage, project.approval_number, project.name) == (S.REVIEW, "", "新名称")


# --- Deletion ------------------------------------------------------------------------------------


def test_a_project_can_be_deleted_only_in_survey_or_design(world):
    """Every stage in turn; each attempt is rolled back before the next."""
    mismatches = []
    for stage in S:
        with transaction.atomic():
            compound = compound_in(world.community_a)
            project = project_in(world.community_a, stage=stage, compounds=[compound])
            pk = project.pk
            try:
                project_delete(actor=world["district"], instance=project)
            except ValidationError:
                deleted = False
            else:
                deleted = True
            exists = Project.objects.filter(pk=pk).exists()
            links = ProjectCompound.objects.filter(project_id=pk).exists()
            logged = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, object_id=str(pk)).exists()
            compound_kept = Compound.objects.filter(pk=compound.pk).exists()
            transaction.set_rollback(True)
        want = stage in (S.SURVEY, S.DESIGN)
        got = (deleted, exists, links, logged, compound_kept)
        if got != (want, not want, not want, want, True):
            mismatches.append(f"{stage}: (deleted, exists, links, logged, compound kept) = {got}")
    assert not mismatches, "\n".join(mismatches)


def test_a_project_that_moved_past_design_since_it_was_loaded_is_not_deleted(world):
    project = project_in(world.community_a, stage=S.DESIGN)
    Project.objects.filter(pk=project.pk).update(stage=S.DECLARATION)  # someone declared it meanwhile
    with pytest.raises(ValidationError):
        project_delete(actor=world["district"], instance=project)
    assert Project.objects.filter(pk=project.pk).exists()


def test_a_compound_of_a_project_cannot_be_deleted(world):
    compound = compound_in(world.community_a)
    project_in(world.community_a, compounds=[compound])
    with pytest.raises(ValidationError):
        compound_delete(actor=world["district"], instance=compound)
    assert Compound.objects.filter(pk=compound.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).exists()


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "改造项目"), ("en", "renovation project")])
def test_refusing_to_delete_a_compound_of_a_project_names_the_renovation_project(world, language, words):
    compound = compound_in(world.community_a)
    project_in(world.community_a, compounds=[compound])
    with translation.override(language):
        with pytest.raises(ValidationError) as error:
            compound_delete(actor=world["district"], instance=compound)
        assert words in " ".join(str(m) for m in error.value.messages)


def test_a_compound_can_be_deleted_once_its_project_is(world):
    compound = compound_in(world.community_a)
    project = project_in(world.community_a, compounds=[compound])
    project_delete(actor=world["district"], instance=project)
    compound_delete(actor=world["district"], instance=compound)
    assert not Compound.objects.filter(pk=compound.pk).exists()


# --- Who sees what -------------------------------------------------------------------------------


def test_clerks_see_their_streets_projects_and_the_district_sees_both(world):
    in_a = project_in(world.community_a)
    in_b = project_in(world.community_b)
    assert list(Project.objects.restrict(world["clerk_a"])) == [in_a]
    assert list(Project.objects.restrict(world["clerk_b"])) == [in_b]
    assert set(Project.objects.restrict(world["district"])) == {in_a, in_b}
    assert set(Project.objects.restrict(world["city"])) == {in_a, in_b}
    assert not Project.objects.restrict(world["sysadmin"]).exists()


def test_a_project_created_by_a_clerk_is_hidden_from_the_other_street(world):
    project = project_create(
        actor=world["clerk_a"], compounds=[compound_in(world.community_a)], name="华光路小区改造"
    )
    assert Project.objects.restrict(world["clerk_a"]).filter(pk=project.pk).exists()
    assert not Project.objects.restrict(world["clerk_b"]).filter(pk=project.pk).exists()
    assert Project.objects.restrict(world["district"]).filter(pk=project.pk).exists()


def test_a_clerk_of_two_streets_cannot_bundle_them_into_a_district_project_she_could_not_see(world):
    from django.core.cache import cache

    clerk = world["clerk_a"]
    assign_perm("org.work_in_region", clerk, world.street_b)
    cache.clear()  # the scope paths are cached per user
    clerk = User.objects.get(pk=clerk.pk)
    compounds = [compound_in(world.community_a), compound_in(world.community_b)]
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        project_create(actor=clerk, compounds=compounds, name="跨街道片区")
    assert "outside your area" in str(refused.value)
    assert not Project.objects.exists()
    # District staff may: the district is theirs.
    project = project_create(actor=world["district"], compounds=compounds, name="跨街道片区")
    assert project.region == world.street_a.parent


def test_a_planned_completion_before_the_planned_start_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        project_create(
            actor=world["clerk_a"], compounds=[compound_in(world.community_a)], name="华光路小区改造",
            planned_start=datetime.date(2026, 5, 1), planned_completion=datetime.date(2026, 4, 30),
        )  # fmt: skip
    assert "planned_completion" in refused.value.message_dict
