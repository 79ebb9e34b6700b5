"""The administration site writes regions through org.services, like every other road."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from core.audit import history_for
from org.models import Region


def test_changing_a_streets_code_in_the_admin_moves_its_communities(world, client_for):
    street = world.street_a
    child = Region.objects.filter(parent=street).first()
    client = client_for("sysadmin")
    response = client.post(
        f"/admin/org/region/{street.pk}/change/",
        {
            "code": street.code[:-3] + "999",
            "name": street.name,
            "level": street.level,
            "parent": street.parent_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    child.refresh_from_db()
    street.refresh_from_db()
    assert street.code.endswith("999")
    assert child.path.startswith(street.path)
    assert "code" in history_for(street).first().changes  # the service's own audit entry


def test_save_model_goes_through_the_service(world):
    """As the review's reproduction: the admin's save_model keeps the children's paths."""
    street = world.street_a
    child = Region.objects.filter(parent=street).first()
    request = RequestFactory().post("/")
    request.user = world["sysadmin"]
    admin = site._registry[Region]
    street.code = street.code[:-3] + "998"
    form = type("Form", (), {"cleaned_data": {"code": street.code, "name": street.name, "level": street.level,
                                               "parent": street.parent}})()  # fmt: skip
    admin.save_model(request, street, form=form, change=True)
    child.refresh_from_db()
    street.refresh_from_db()
    assert child.path.startswith(street.path)


@pytest.mark.parametrize("level", ["", "9", "x"])
def test_adding_a_region_without_a_valid_level_says_so_at_the_field(world, client_for, level):
    response = client_for("sysadmin").post(
        "/admin/org/region/add/",
        {"code": "370303999", "name": "新区", "level": level, "parent": world.street_a.pk},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "level" in errors
    assert not Region.objects.filter(code="370303999").exists()


def test_moving_a_region_under_itself_is_refused_on_the_form(world, client_for):
    street = world.street_a
    child = Region.objects.filter(parent=street).first()
    response = client_for("sysadmin").post(
        f"/admin/org/region/{street.pk}/change/",
        {"code": street.code, "name": street.name, "level": street.level, "parent": child.pk},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    street.refresh_from_db()
    assert street.parent_id != child.pk


def test_deleting_a_region_that_still_has_regions_is_refused(world, client_for):
    street = world.street_a
    response = client_for("sysadmin").post(
        f"/admin/org/region/{street.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert Region.objects.filter(pk=street.pk).exists()
    assert response.context["protected"]  # the admin names what still lies in it


def test_a_region_the_service_refuses_to_delete_is_kept_with_the_services_reason(
    world, client_for, monkeypatch
):
    from django.core.exceptions import ValidationError

    from org import admin as org_admin

    community = Region.objects.create(
        code=world.street_a.code + "990", name="空社区", level=Region.Level.COMMUNITY, parent=world.street_a,
        path=world.street_a.path + world.street_a.code + "990/",
    )  # fmt: skip

    def refuse(*, actor, instance):
        raise ValidationError("仍有未办结事项")

    monkeypatch.setattr(
        site._registry[Region], "services", (org_admin.region_create, org_admin.region_update, refuse)
    )
    response = client_for("sysadmin").post(
        f"/admin/org/region/{community.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert Region.objects.filter(pk=community.pk).exists()
    assert "仍有未办结事项" in next(str(m) for m in response.context["messages"])
