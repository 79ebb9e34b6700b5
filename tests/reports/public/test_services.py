import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditEntry
from reports.models import ProjectPublicPage
from reports.public.services import public_page_publish, public_page_withdraw
from tests.factories import compound_in, project_in


@pytest.fixture
def project(world):
    return project_in(compound_in(world.community_a))


def audits(page):
    return AuditEntry.objects.filter(object_id=str(page.pk), content_type__model="projectpublicpage")


def test_city_staff_publish_a_page_at_an_unguessable_address(world, project):
    page = public_page_publish(project=project, user=world["city"])
    assert page.is_published and page.published_by == world["city"] and page.hotline == "12345"
    assert len(page.token) >= 32 and page.get_public_url() == f"/p/{page.token}/"
    other = public_page_publish(project=project_in(compound_in(world.community_a)), user=world["city"])
    assert other.token != page.token
    assert audits(page).count() == 1


def test_publishing_twice_does_one_thing(world, project):
    first = public_page_publish(project=project, user=world["city"])
    second = public_page_publish(project=project, user=world["city"])
    assert ProjectPublicPage.objects.count() == 1
    assert second.version == first.version and second.published_at == first.published_at
    assert audits(first).count() == 1


def test_a_page_published_again_keeps_its_address_so_printed_qr_codes_keep_working(world, project):
    token = public_page_publish(project=project, user=world["city"]).token
    withdrawn = public_page_withdraw(project=project, user=world["city"])
    assert not withdrawn.is_published and withdrawn.token == token
    again = public_page_publish(project=project, user=world["city"])
    assert again.is_published and again.token == token
    assert audits(again).count() == 3


def test_withdrawing_twice_or_a_page_never_published_does_nothing(world, project):
    assert public_page_withdraw(project=project, user=world["city"]) is None
    page = public_page_publish(project=project, user=world["city"])
    public_page_withdraw(project=project, user=world["city"])
    public_page_withdraw(project=project, user=world["city"])
    assert audits(page).count() == 2


def test_changing_the_hotline_of_a_published_page_changes_its_version(world, project):
    page = public_page_publish(project=project, user=world["city"])
    changed = public_page_publish(project=project, user=world["city"], hotline="0533-12345678")
    assert changed.hotline == "0533-12345678" and changed.version == page.version + 1
    assert changed.token == page.token


@pytest.mark.parametrize("persona", ["clerk_a", "district", "finance", "leader", "auditor", "sysadmin"])
def test_only_city_staff_publish_and_withdraw(world, project, persona):
    with pytest.raises(PermissionDenied):
        public_page_publish(project=project, user=world[persona])
    public_page_publish(project=project, user=world["city"])
    with pytest.raises(PermissionDenied):
        public_page_withdraw(project=project, user=world[persona])
    assert ProjectPublicPage.objects.get(project=project).is_published
