"""One write road per model: a form's service and a spreadsheet's importer refuse the same bad
compound, project or item with the same words; the eligibility rule gives the same verdict in
Python and in SQL; the lifecycle's moves show in each compound's own history; a project's records
are read through their own permission."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.audit import history_for
from core.importing import import_file
from projects.lifecycle.importers import ProjectImporter
from projects.lifecycle.services import project_transition, project_update
from projects.models import Compound, Project, ProjectPolicy
from projects.registry.eligibility import compounds_recompute_eligibility, verdict
from projects.registry.importers import CompoundImporter
from projects.registry.services import compound_create
from projects.works.importers import ProjectItemImporter
from projects.works.services import project_items_save
from tests.factories import attachment_in, city_policy, compound_in, project_in, renovation_item
from tests.projects.conftest import compound_row

NEXT_YEAR = timezone.localdate().year + 1


def service_refusal(call):
    with pytest.raises(ValidationError) as refused:
        call()
    return set(refused.value.messages)


def import_refusal(importer, data):
    report = import_file(importer, data, "file.xlsx", commit=False)
    assert report.errors
    return {error.message for error in report.errors}


@pytest.mark.parametrize(
    ("cells", "fields"),
    [
        ({"建成年份": NEXT_YEAR}, {"year_built": NEXT_YEAR}),
        ({"社区": "公园社区", "街道（镇）": "公园街道"}, {"community": "community_b"}),
    ],
    ids=["built next year", "a community outside the clerk's street"],
)
def test_the_importer_and_the_service_refuse_the_same_compound_in_the_same_words(world, xlsx, cells, fields):
    values = {
        "community": world.community_a, "name": "华光路小区", "code": "ONE-1", "year_built": 1995,
        "floor_area": 12000, "building_count": 4, "household_count": 120,
    }  # fmt: skip
    values.update({k: getattr(world, v) if v == "community_b" else v for k, v in fields.items()})
    by_service = service_refusal(lambda: compound_create(actor=world["clerk_a"], **values))
    by_import = import_refusal(CompoundImporter(world["clerk_a"]), xlsx(compound_row("ONE-1", **cells)))
    assert by_service <= by_import, (by_service, by_import)
    assert not Compound.objects.exists()


def test_the_importer_and_the_service_refuse_to_change_a_closed_project(world, xlsx):
    from core.spreadsheets import write_xlsx

    compound = compound_in(world.community_a, code="C-1")
    project = project_in(compound, stage=Project.Stage.CLOSED, code="P-1")
    by_service = service_refusal(
        lambda: project_update(actor=world["city"], instance=project, compounds=[compound], name="改名")
    )
    headers = [column.header for column in ProjectImporter.columns]
    row = {"项目编号": "P-1", "项目名称": "改名", "小区编号": "C-1"}
    data = write_xlsx(headers, [[row.get(h) for h in headers]])
    assert by_service <= import_refusal(ProjectImporter(world["city"]), data)
    project.refresh_from_db()
    assert project.name != "改名"


def test_the_grid_and_the_importer_refuse_a_retired_item_in_the_same_words(world):
    from core.spreadsheets import write_xlsx

    project = project_in(compound_in(world.community_a), code="P-2")
    retired = renovation_item(active=False)
    by_grid = service_refusal(
        lambda: project_items_save(
            actor=world["clerk_a"], project=project, rows=[{"item": retired, "quantity": 1}]
        )
    )
    headers = [column.header for column in ProjectItemImporter.columns]
    row = {"项目编号": "P-2", "改造内容编码": retired.code, "数量": 1}
    by_import = import_refusal(
        ProjectItemImporter(world["clerk_a"]), write_xlsx(headers, [[row.get(h) for h in headers]])
    )
    assert {message.split("：", 1)[-1] for message in by_grid} <= by_import, (by_grid, by_import)


@pytest.mark.parametrize("cutoff", [datetime.date(2000, 12, 31), datetime.date(2005, 6, 30)])
def test_the_verdict_in_python_and_the_recomputation_in_sql_agree(world, cutoff):
    rules = city_policy(world.city, built_before=cutoff)
    compounds = [
        compound_in(world.community_a, year_built=year, in_shanty_town_area=shanty, self_built=own)
        for year in (1999, 2000, 2001, 2004, 2005, 2006)
        for shanty, own in ((False, False), (True, False), (False, True))
    ]
    compounds_recompute_eligibility(city=world.city, policy=rules)
    for compound in compounds:
        compound.refresh_from_db()
        assert compound.eligibility == verdict(compound, rules), (compound.year_built, cutoff)


def test_a_step_that_moves_the_compounds_pool_shows_in_each_compounds_history(world):
    first, second = compound_in(world.community_a), compound_in(world.community_a)
    project = project_in(first, second, stage=Project.Stage.REVIEW)
    project_transition(
        actor=world["city"], project=project, action="approve", approved_on=timezone.localdate(),
        approval_body="淄博市发展和改革委员会", approval_number="淄发改〔2026〕1号",
    )  # fmt: skip
    for compound in (first, second):
        entry = history_for(compound).first()
        assert entry.changes == {"pool": ["reserve", "implementation"]}
        assert project.name in entry.summary


def test_a_role_that_may_see_a_project_but_not_its_files_sees_no_files(world, client_for):
    project = project_in(compound_in(world.community_a))
    attachment_in(project, world["clerk_a"], name="改造方案.pdf")
    leader = Group.objects.get(name="leader")
    leader.permissions.remove(Permission.objects.get(codename="view_attachment"))
    page = client_for("leader").get(project.get_absolute_url())
    assert page.status_code == 200
    assert "改造方案.pdf" not in page.content.decode() and not page.context["shows"]["attachments"]
    assert client_for("city").get(project.get_absolute_url()).context["shows"]["attachments"]


def test_rules_in_force_belong_to_the_newest_policy(world):
    old = city_policy(
        world.city, effective_from=datetime.date(2020, 1, 1), built_before=datetime.date(2000, 12, 31)
    )
    new = city_policy(
        world.city, effective_from=datetime.date(2024, 1, 1), built_before=datetime.date(2005, 12, 31)
    )
    assert ProjectPolicy.in_force(world.city) == new
    assert ProjectPolicy.in_force(world.city, on=datetime.date(2022, 1, 1)) == old


def test_an_edit_that_would_put_the_object_out_of_its_authors_reach_is_refused_and_undone(
    world, client_for, monkeypatch
):
    """Defence in depth: whatever a service lets through, the generic edit view checks the saved
    object is still one the user may see, and rolls the save back if not."""
    from projects.registry import views

    compound = compound_in(world.community_a, name="原名小区")
    real_update = views.services.compound_update

    def careless_update(*, actor, instance, **fields):
        saved = real_update(actor=actor, instance=instance, **fields)
        Compound.objects.filter(pk=saved.pk).update(community=world.community_b)  # a bug's doing
        return saved

    monkeypatch.setattr(views.CompoundEditView, "update_service", careless_update)
    data = {
        "community": world.community_a.pk, "code": compound.code, "name": "新名小区", "year_built": 1995,
        "floor_area": "12000", "building_count": 4, "household_count": 120, "property_management": "none",
        "origin": "other", "pool": "reserve",
    }  # fmt: skip
    response = client_for("clerk_a").post(f"/projects/compounds/{compound.pk}/edit/", data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    compound.refresh_from_db()
    assert (compound.name, compound.community) == ("原名小区", world.community_a)
