"""Nobody deletes what is not theirs: an archive file is removed by the organisation that uploaded
it or by the city bureau, never once the archive is sealed at completion acceptance; removing the
evidence of a ticked prerequisite unticks it in the same transaction, and the page says so."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from org.roles import STREET_CLERK
from projects.archive.services import attachment_delete, prerequisite_record
from projects.models import Attachment, Prerequisite, Project, ProjectPrerequisite
from tests.factories import attachment_in, city_policy, compound_in, make_user, project_in
from tests.projects.test_project_records import XIANNING, flashed, upload

S = Project.Stage
TODAY = timezone.localdate()


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


@pytest.fixture
def site(world):
    """A project of 车站街道 under construction, with a file of the clerk and one of the city."""
    project = project_in(compound_in(world.community_a), stage=S.CONSTRUCTION)
    return (
        project,
        attachment_in(project, world["clerk_a"], name="街道照片.jpg", kind="photo"),
        attachment_in(project, world["city"], name="市局批复.pdf", kind="approval"),
    )


def delete_url(attachment):
    return reverse("projects:attachment_delete", args=[attachment.pk])


def page_of(client, project):
    return client.get(project.get_absolute_url()).content.decode()


def test_a_street_clerk_cannot_delete_the_city_bureaus_file(world, site, client_for):
    project, _own, citys = site
    with pytest.raises(PermissionDenied):
        attachment_delete(actor=world["clerk_a"], instance=citys)
    assert client_for("clerk_a").post(delete_url(citys)).status_code == 403
    assert Attachment.objects.filter(pk=citys.pk).exists()
    assert delete_url(citys) not in page_of(client_for("clerk_a"), project)


def test_a_street_clerk_deletes_her_own_offices_file_even_one_a_colleague_uploaded(world, site, client_for):
    project, own, _citys = site
    assert delete_url(own) in page_of(client_for("clerk_a"), project)
    colleague = make_user("clerk_a2", world["clerk_a"].organisation, STREET_CLERK)
    attachment_delete(actor=colleague, instance=own)
    assert not Attachment.objects.filter(pk=own.pk).exists()


def test_district_staff_cannot_delete_a_street_offices_file(world, site, client_for):
    project, own, citys = site
    assert client_for("district").post(delete_url(own)).status_code == 403
    assert client_for("district").post(delete_url(citys)).status_code == 403
    page = page_of(client_for("district"), project)
    assert delete_url(own) not in page and delete_url(citys) not in page
    mine = attachment_in(project, world["district"], name="区局检查记录.pdf")
    assert delete_url(mine) in page_of(client_for("district"), project)
    assert client_for("district").post(delete_url(mine)).status_code == 302
    assert not Attachment.objects.filter(pk=mine.pk).exists()


def test_city_staff_delete_any_file_of_their_city(world, site, client_for):
    project, own, citys = site
    page = page_of(client_for("city"), project)
    assert delete_url(own) in page and delete_url(citys) in page
    assert client_for("city").post(delete_url(own)).status_code == 302
    assert not Attachment.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize("persona", ["finance", "leader", "auditor"])
def test_read_only_roles_see_no_delete_button_and_are_refused(world, site, client_for, persona):
    project, own, citys = site
    page = page_of(client_for(persona), project)
    assert "attachments/" in page  # they see the files …
    assert delete_url(own) not in page and delete_url(citys) not in page  # … and cannot remove them
    assert client_for(persona).post(delete_url(own)).status_code == 403
    assert not own.can_be_deleted_by(world[persona])


def test_the_clerk_of_another_street_does_not_learn_the_file_exists(world, site, client_for):
    _project, own, _citys = site
    assert client_for("clerk_b").post(delete_url(own)).status_code == 404


def test_nobody_deletes_a_file_once_the_archive_is_sealed_at_acceptance(world, client_for):
    project = project_in(compound_in(world.community_a), stage=S.HANDOVER, accepted_on=TODAY)
    own = attachment_in(project, world["clerk_a"])
    assert project.archive_is_sealed()
    for persona in ("clerk_a", "city"):
        assert not own.can_be_deleted_by(world[persona])
        with pytest.raises(ValidationError):
            attachment_delete(actor=world[persona], instance=own)
        assert delete_url(own) not in page_of(client_for(persona), project)
    assert Attachment.objects.filter(pk=own.pk).exists()


def test_deleting_the_evidence_of_a_ticked_prerequisite_unticks_it_and_says_so(
    world, xianning, declaring, client_for
):
    tick = prerequisite_record(
        actor=world["city"], project=declaring, kind="party_organisation", upload=upload("党支部成立纪要.pdf")
    )
    # The clerk did not upload it: her page offers no 删除, the server refuses.
    assert client_for("clerk_a").post(delete_url(tick.evidence)).status_code == 403
    assert ProjectPrerequisite.objects.filter(pk=tick.pk).exists()

    page = page_of(client_for("city"), declaring)
    assert delete_url(tick.evidence) in page and "data-confirm=" in page
    response = client_for("city").post(delete_url(tick.evidence))
    assert response.status_code == 302
    messages = flashed(response)
    assert any(
        "党支部成立纪要.pdf" in m and str(Prerequisite.PARTY_ORGANISATION.label) in m for m in messages
    )
    assert not ProjectPrerequisite.objects.filter(pk=tick.pk).exists()
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Project), object_id=str(declaring.pk)
    ).latest("id")
    assert entry.changes["prerequisite"] == ["party_organisation"]


def test_the_evidence_of_a_prerequisite_settled_by_the_declaration_stays(world, xianning, client_for):
    project = project_in(compound_in(world.community_a), stage=S.DECLARATION, plan_year=2027)
    tick = prerequisite_record(
        actor=world["clerk_a"], project=project, kind="convention", upload=upload("居民公约.pdf"),
        met_on=TODAY - datetime.timedelta(days=3),
    )  # fmt: skip
    Project.objects.filter(pk=project.pk).update(stage=S.REVIEW)
    project.refresh_from_db()
    evidence = Attachment.objects.get(pk=tick.evidence_id)
    assert not evidence.can_be_deleted_by(world["clerk_a"])
    with pytest.raises(ValidationError):
        attachment_delete(actor=world["clerk_a"], instance=evidence)
    assert delete_url(evidence) not in page_of(client_for("clerk_a"), project)
    assert ProjectPrerequisite.objects.filter(pk=tick.pk).exists()
