"""Read-only roles see no forms they cannot use: the next step shows its form only to whoever may
take it and tells everybody else who acts instead ("待…办理"); a closed project offers no item grid
and no progress form; a blocked step leads to where it is put right; and the server refuses every
form a role is not offered."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.lifecycle.selectors import acting_organisation
from projects.lifecycle.transitions import transition_for
from projects.models import Project
from tests.factories import attachment_in, city_policy, compound_in, project_in
from tests.projects.test_project_records import XIANNING, flashed, tick_all_but

S = Project.Stage
TODAY = timezone.localdate()
READ_ONLY = ("finance", "leader", "auditor")


@pytest.fixture
def xianning(world):
    """A city policy asking 咸宁's six prerequisites before the annual plan."""
    return city_policy(
        world.city, effective_from=datetime.date(2021, 1, 1), built_before=datetime.date(2000, 12, 31),
        prerequisites=XIANNING, prerequisites_block_plan=True,
    )  # fmt: skip


@pytest.fixture
def declaring(world):
    return project_in(compound_in(world.community_a), stage=S.DECLARATION, plan_year=2027)


def next_step(client, project):
    return (
        client.get(project.get_absolute_url())
        .content.decode()
        .split('id="next-step"')[1]
        .split('id="deadlines"')[0]
    )


@pytest.fixture
def surveying(world):
    return project_in(compound_in(world.community_a), stage=S.SURVEY)


@pytest.mark.parametrize("persona", READ_ONLY)
def test_a_read_only_role_reads_who_takes_the_step_instead_of_a_greyed_form(
    world, surveying, client_for, persona
):
    card = next_step(client_for(persona), surveying)
    assert "<form" not in card and "<input" not in card and "<button" not in card
    assert "Your role cannot take this step" not in card and "您的角色不能办理此步骤" not in card
    assert 'id="step-actor"' in card and "张店区车站街道办事处" in card


def test_whoever_takes_the_step_gets_its_form(world, surveying, client_for):
    for persona in ("clerk_a", "district", "city"):
        card = next_step(client_for(persona), surveying)
        assert reverse("projects:project_transition", args=[surveying.pk, "finish_survey"]) in card, persona
        assert 'id="step-actor"' not in card


def test_the_approval_waits_for_the_city_bureau(world, client_for):
    project = project_in(compound_in(world.community_a), stage=S.REVIEW)
    assert acting_organisation(transition_for("approve"), project).name == "淄博市住房和城乡建设局"
    card = next_step(client_for("clerk_a"), project)
    assert "<form" not in card and "淄博市住房和城乡建设局" in card
    assert reverse("projects:project_transition", args=[project.pk, "approve"]) in next_step(
        client_for("city"), project
    )


def test_a_bundles_steps_wait_for_the_district_bureau(world, client_for):
    bundle = project_in(compound_in(world.community_a), compound_in(world.community_b), stage=S.SURVEY)
    assert acting_organisation(transition_for("finish_survey"), bundle).name == "张店区住房和城乡建设局"
    card = next_step(client_for("clerk_a"), bundle)
    assert "<form" not in card and "张店区住房和城乡建设局" in card


def test_a_missing_contractor_links_to_the_project_edit_page(world, client_for):
    project = project_in(compound_in(world.community_a), stage=S.PROCUREMENT)
    edit = reverse("projects:project_edit", args=[project.pk])
    card = next_step(client_for("clerk_a"), project)
    assert f'<a href="{edit}">' in card.split('id="step-blockers"')[1]
    # A reader who may not edit reads the reason without a link to a page refused to her.
    card = next_step(client_for("leader"), project)
    assert "step-blockers" in card and edit not in card


def test_unmet_prerequisites_link_to_their_rows_further_down(world, client_for, xianning, declaring):
    tick_all_but(declaring, world["clerk_a"], "contribution", "convention")
    page = client_for("district").get(declaring.get_absolute_url()).content.decode()
    blockers = page.split('id="step-blockers"')[1].split("</ul>")[0]
    for kind in ("contribution", "convention"):
        assert f'href="#prerequisite-{kind}"' in blockers
        assert f'id="prerequisite-{kind}"' in page


@pytest.fixture
def closed(world):
    return project_in(
        compound_in(world.community_a), stage=S.CLOSED, started_on=TODAY - datetime.timedelta(days=400)
    )


@pytest.mark.parametrize("persona", ["clerk_a", "district", "city"])
def test_a_closed_project_offers_no_item_grid_and_no_progress_form(world, closed, client_for, persona):
    client = client_for(persona)
    page = client.get(closed.get_absolute_url()).content.decode()
    grid = reverse("projects:projectitem_grid", args=[closed.pk])
    progress = reverse("projects:progressreport_add", args=[closed.pk])
    assert grid not in page and progress not in page
    for url in (grid, progress):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == closed.get_absolute_url()
        assert flashed(response), url
    # The server refuses the save too.
    response = client.post(grid, {"items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0"})
    assert response.status_code == 200 and 'id="item-grid"' in response.content.decode()
    response = client.post(
        progress, {"reported_on": TODAY.isoformat(), "percent": 10, "investment_to_date": 1}
    )
    assert response.status_code == 200 and not closed.progress_reports.exists()


FORMS = (
    ("projects:projectitem_grid", "get"),
    ("projects:projectitem_grid", "post"),
    ("projects:progressreport_add", "get"),
    ("projects:progressreport_add", "post"),
    ("projects:inspection_add", "get"),
    ("projects:inspection_add", "post"),
    ("projects:attachment_add", "post"),
)


@pytest.mark.parametrize("persona", READ_ONLY)
def test_the_server_refuses_every_form_a_read_only_role_is_not_offered(world, client_for, persona):
    project = project_in(compound_in(world.community_a), stage=S.CONSTRUCTION, started_on=TODAY)
    attachment = attachment_in(project, world["clerk_a"])
    client = client_for(persona)
    page = client.get(project.get_absolute_url()).content.decode()
    for name, method in FORMS:
        url = reverse(name, args=[project.pk])
        assert url not in page, name
        assert getattr(client, method)(url).status_code == 403, (name, method)
    step = reverse("projects:project_transition", args=[project.pk, "complete_construction"])
    assert step not in page
    assert client.post(step, {"completed_on": TODAY.isoformat()}).status_code == 403
    for name in ("projects:prerequisite_record", "projects:prerequisite_clear"):
        assert client.post(reverse(name, args=[project.pk, "convention"])).status_code == 403
    delete = reverse("projects:attachment_delete", args=[attachment.pk])
    assert delete not in page and client.post(delete).status_code == 403
    assert "<form" not in page.split('id="attachments"')[1].split('id="project-compounds"')[0]
    project.refresh_from_db()
    assert project.stage == S.CONSTRUCTION and not project.progress_reports.exists()
