"""Rules the project page shows are the services' own: what the page does not offer, a POST cannot
do either."""

from projects.models import Project
from tests.factories import compound_in, project_in

S = Project.Stage


def test_a_closed_project_cannot_be_renamed_by_posting_to_its_edit_url(world, client_for):
    compound = compound_in(world.community_a)
    project = project_in(compound, stage=S.CLOSED)
    response = client_for("city").post(
        f"/projects/{project.pk}/edit/", {"compounds": [compound.pk], "name": "renamed", "pool": "reserve"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    project.refresh_from_db()
    assert project.name != "renamed"


def test_the_page_of_a_closed_project_offers_no_edit(world, client_for):
    project = project_in(compound_in(world.community_a), stage=S.CLOSED)
    page = client_for("city").get(project.get_absolute_url()).content.decode()
    assert f"/projects/{project.pk}/edit/" not in page
    assert not project.can_be_edited()


def test_a_project_past_design_offers_no_delete_and_refuses_it(world, client_for):
    project = project_in(compound_in(world.community_a), stage=S.DECLARATION)
    client = client_for("city")
    assert f"/projects/{project.pk}/delete/" not in client.get(project.get_absolute_url()).content.decode()
    client.post(f"/projects/{project.pk}/delete/")
    assert Project.objects.filter(pk=project.pk).exists()


def test_a_role_that_may_not_take_a_step_gets_403_for_posting_it(world, client_for):
    project = project_in(compound_in(world.community_a))
    for persona in ("finance", "leader", "auditor"):
        response = client_for(persona).post(f"/projects/{project.pk}/steps/finish_survey/", {})
        assert response.status_code == 403, persona
    assert client_for("clerk_a").post(f"/projects/{project.pk}/steps/approve/", {}).status_code == 403
    project.refresh_from_db()
    assert project.stage == S.SURVEY


def test_typing_the_edit_or_delete_address_of_a_project_that_refuses_it_leads_back_to_the_project(
    world, client_for
):
    closed = project_in(compound_in(world.community_a), stage=S.CLOSED)
    declared = project_in(compound_in(world.community_a), stage=S.DECLARATION)
    client = client_for("city")
    for url, project in (
        (f"/projects/{closed.pk}/edit/", closed),
        (f"/projects/{declared.pk}/delete/", declared),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
