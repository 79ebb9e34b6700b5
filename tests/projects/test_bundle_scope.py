"""A street clerk sees the projects that touch her street: a bundle of compounds of several streets
has their district as its area, and each of those streets' clerks reads it (with its items,
progress, inspections and archive) and adds progress, files and prerequisites to it, while the
project itself (its fields, items and steps) stays with the district. Scoping stays one query."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from org.models import Organisation, Region
from org.roles import STREET_CLERK
from projects.archive.services import attachment_upload
from projects.lifecycle.selectors import projects_for_list
from projects.models import (
    Attachment,
    Finding,
    Inspection,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectPrerequisite,
)
from projects.works.services import progress_report_create
from tests.factories import (
    attachment_in,
    compound_in,
    finding_in,
    make_user,
    project_in,
    renovation_item,
)
from tests.helpers import assert_list_queries_constant, queries_of
from tests.projects.test_project_records import upload

S = Project.Stage
TODAY = timezone.localdate()


@pytest.fixture
def bundle(world):
    """A project of 张店区 bundling a compound of 车站街道 (street A) and one of 公园街道 (street B),
    under construction, with an item, a progress report, an inspection and a file."""
    project = project_in(
        compound_in(world.community_a, name="华光路小区"), compound_in(world.community_b, name="公园小区"),
        stage=S.CONSTRUCTION, name="张店区连片改造", contractor="淄博城建集团",
        started_on=TODAY - datetime.timedelta(days=30),
    )  # fmt: skip
    assert project.region == world.district_a
    ProjectItem.objects.create(project=project, item=renovation_item(), quantity=1, payer="budget")
    ProgressReport.objects.create(
        project=project, reported_on=TODAY, percent=20, investment_to_date=1000, reported_by=world["district"]
    )
    finding_in(project)
    attachment_in(project, world["district"], name="连片方案.pdf")
    return project


@pytest.fixture
def clerk_c(world):
    """The clerk of 和平街道 (street C of 张店区), which the bundle does not touch."""
    office = Organisation.objects.get(name="张店区和平街道办事处")
    return make_user("clerk_c", office, STREET_CLERK)


def test_the_clerks_of_both_streets_see_the_bundle_and_the_clerk_of_a_third_does_not(
    world, bundle, clerk_c, client
):
    for persona in ("clerk_a", "clerk_b", "district", "city"):
        assert Project.objects.restrict(world[persona]).filter(pk=bundle.pk).exists(), persona
        assert bundle in projects_for_list(world[persona])
    assert not Project.objects.restrict(clerk_c).filter(pk=bundle.pk).exists()
    client.force_login(clerk_c)
    assert client.get(bundle.get_absolute_url()).status_code == 404
    assert bundle.name not in client.get(reverse("projects:project_list")).content.decode()


@pytest.mark.parametrize("persona", ["clerk_a", "clerk_b"])
def test_a_clerk_reads_the_bundles_items_progress_inspections_and_archive(world, bundle, client_for, persona):
    user = world[persona]
    for model in (ProjectItem, ProgressReport, Inspection, Finding, Attachment):
        assert model.objects.restrict(user).count() == 1, model
    client = client_for(persona)
    page = client.get(bundle.get_absolute_url()).content.decode()
    assert "连片方案.pdf" in page and "楼道堆物未清理" in page
    attachment = Attachment.objects.get(project=bundle)
    assert client.get(reverse("projects:attachment_download", args=[attachment.pk])).status_code == 200
    assert bundle.name in client.get(reverse("projects:project_list")).content.decode()


def test_the_clerk_of_a_third_street_reads_none_of_the_bundles_records(bundle, clerk_c, client):
    for model in (ProjectItem, ProgressReport, Inspection, Finding, Attachment, ProjectPrerequisite):
        assert not model.objects.restrict(clerk_c).exists(), model
    client.force_login(clerk_c)
    attachment = Attachment.objects.get(project=bundle)
    assert client.get(reverse("projects:attachment_download", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("projects:progressreport_add", args=[bundle.pk])).status_code == 404


def test_a_clerk_adds_progress_and_files_to_the_bundle(world, bundle, client_for):
    report = progress_report_create(
        actor=world["clerk_a"], project=bundle, reported_on=TODAY, percent=30, investment_to_date=2000
    )
    assert report.project == bundle
    attachment_upload(actor=world["clerk_b"], project=bundle, upload=upload("公园小区照片.pdf"), kind="other")
    client = client_for("clerk_a")
    assert client.get(reverse("projects:progressreport_add", args=[bundle.pk])).status_code == 200
    page = client.get(bundle.get_absolute_url()).content.decode()
    assert reverse("projects:progressreport_add", args=[bundle.pk]) in page
    assert reverse("projects:attachment_add", args=[bundle.pk]) in page


def test_a_clerk_does_not_change_the_bundle_itself(world, bundle, client_for):
    """Its fields, items and lifecycle steps are the district's: the clerk who reads it is refused
    (403: she knows it exists) and offered no button for them."""
    client = client_for("clerk_a")
    assert client.get(reverse("projects:project_edit", args=[bundle.pk])).status_code == 403
    assert (
        client.post(reverse("projects:project_edit", args=[bundle.pk]), {"name": "改名"}).status_code == 403
    )
    assert client.get(reverse("projects:projectitem_grid", args=[bundle.pk])).status_code == 403
    assert client.post(reverse("projects:projectitem_grid", args=[bundle.pk])).status_code == 403
    step = reverse("projects:project_transition", args=[bundle.pk, "complete_construction"])
    assert client.post(step, {"completed_on": TODAY.isoformat()}).status_code == 403
    bundle.refresh_from_db()
    assert (bundle.name, bundle.stage) == ("张店区连片改造", S.CONSTRUCTION)
    page = client.get(bundle.get_absolute_url()).content.decode()
    assert reverse("projects:project_edit", args=[bundle.pk]) not in page
    assert reverse("projects:projectitem_grid", args=[bundle.pk]) not in page
    assert step not in page
    # The district runs it.
    district = client_for("district").get(bundle.get_absolute_url()).content.decode()
    assert reverse("projects:project_edit", args=[bundle.pk]) in district and step in district


def test_a_clerk_sees_only_her_streets_compounds_of_the_bundle(world, bundle, client_for):
    page = client_for("clerk_a").get(bundle.get_absolute_url()).content.decode()
    compounds = page.split('id="project-compounds"')[1]
    assert "华光路小区" in compounds and "公园小区" not in compounds


def test_scoping_a_bundle_costs_the_clerks_pages_no_query(world, bundle, client_for):
    """The project page of a bundle costs the clerk what a project of her own street costs her
    (both waiting for the city's approval); the list the same for 1 row and 20."""
    Project.objects.filter(pk=bundle.pk).update(stage=S.REVIEW)
    own = project_in(compound_in(world.community_a), stage=S.REVIEW)
    ProjectItem.objects.create(project=own, item=renovation_item(), quantity=1, payer="budget")
    ProgressReport.objects.create(
        project=own, reported_on=TODAY, percent=20, investment_to_date=1000, reported_by=world["district"]
    )
    finding_in(own)
    attachment_in(own, world["district"], name="方案.pdf")
    client = client_for("clerk_a")
    queries_of(client, bundle.get_absolute_url())  # warm caches
    assert queries_of(client, bundle.get_absolute_url()) == queries_of(client, own.get_absolute_url())

    street_c = Region.objects.get(name="和平街道", parent=world.district_a)
    community_c = street_c.children.first()

    def add_bundles(n):
        for _ in range(n):
            project_in(compound_in(world.community_a), compound_in(community_c))

    assert_list_queries_constant(client, reverse("projects:project_list"), add_bundles)
