"""The household register: its list (filters, room search, constant queries), page, form and
delete, its masking per role, and revealing one household's name and phone with a reason."""

import pytest

from core.models import AuditEntry
from residents.households.services import household_delete, household_save
from residents.models import Household
from tests.factories import compound_in
from tests.helpers import assert_list_queries_constant
from tests.residents.factories import building_in, household_in

LIST = "/residents/households/"


@pytest.fixture
def compound(world):
    compound = compound_in(world.community_a, name="华光路小区")
    building_in(compound, "3号楼")
    return compound


def form_data(compound, **changes):
    data = {
        "building": compound.buildings.get(number="3号楼").pk, "unit": "2单元", "room": "301",
        "head_name": "欧阳明华", "phone": "13912345678", "size": 3, "has_elderly": "on", "tenure": "owner",
        "note": "",
    }  # fmt: skip
    return {**data, **changes}


@pytest.mark.parametrize("persona", ["clerk_a", "city"])
def test_the_register_runs_the_same_queries_for_one_row_and_twenty(world, client_for, persona, compound):
    def add(count):
        for _ in range(count):
            household_in(compound, building=building_in(compound, "3号楼"))

    assert_list_queries_constant(client_for(persona), LIST, add)


def test_the_register_of_one_compound_runs_the_same_queries_for_one_row_and_twenty(
    world, client_for, compound
):
    def add(count):
        for _ in range(count):
            household_in(compound, building=building_in(compound, "3号楼"))

    assert_list_queries_constant(
        client_for("district"), f"/residents/compounds/{compound.pk}/households/", add
    )


def test_a_clerk_sees_full_names_and_others_see_them_masked(world, client_for, compound):
    household_in(compound, head_name="欧阳明华", phone="13912345678")
    clerk_page = client_for("clerk_a").get(LIST).content.decode()
    assert "欧阳明华" in clerk_page and "13912345678" in clerk_page
    for persona in ("district", "city", "finance", "leader", "auditor"):
        page = client_for(persona).get(LIST).content.decode()
        assert "欧阳明华" not in page and "13912345678" not in page, persona
        assert "欧***" in page and "139****5678" in page, persona


def test_a_clerk_of_another_street_neither_lists_nor_opens_the_household(world, client_for, compound):
    household = household_in(compound, head_name="欧阳明华")
    client = client_for("clerk_b")
    assert "欧" not in client.get(LIST).content.decode()
    assert client.get(household.get_absolute_url()).status_code == 404
    assert client.post(f"/residents/households/{household.pk}/edit/", form_data(compound)).status_code == 404


def test_the_register_filters_by_street_compound_and_building_and_searches_the_room(
    world, client_for, compound
):
    other = compound_in(world.community_b, name="公园小区")
    building_in(other, "1号楼")
    household_in(compound, building=building_in(compound, "3号楼"), room="301")
    household_in(compound, building=building_in(compound, "5号楼"), room="502")
    household_in(other, building=building_in(other, "1号楼"), room="101")
    client = client_for("city")
    page = client.get(LIST, {"street": world.street_a.pk}).content.decode()
    assert "301" in page and "502" in page and "公园小区" not in page
    building = compound.buildings.get(number="5号楼")
    page = client.get(LIST, {"street": world.street_a.pk, "compound": compound.pk, "building": building.pk})
    rows = list(page.context["object_list"])
    assert [h.room for h in rows] == ["502"]
    page = client.get(LIST, {"q": "30"})
    assert [h.room for h in page.context["object_list"]] == ["301"]


def test_the_compound_page_links_to_its_households(world, client_for, compound):
    page = client_for("clerk_a").get(compound.get_absolute_url()).content.decode()
    assert f"/residents/compounds/{compound.pk}/households/" in page
    page = client_for("sysadmin").get(f"/residents/compounds/{compound.pk}/households/")
    assert page.status_code == 403


def test_a_clerk_adds_a_household_from_its_compound(world, client_for, compound):
    client = client_for("clerk_a")
    response = client.post(f"/residents/compounds/{compound.pk}/households/add/", form_data(compound))
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    assert (household.head_name, household.phone, household.has_elderly) == ("欧阳明华", "13912345678", True)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, object_id=str(household.pk))
    # The log keeps personal data masked: the retention job need not chase it there.
    assert entry.changes["head_name"] == "欧***" and entry.changes["phone"] == "139****5678"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "23912345678"}, "phone", "11"),
        ({"phone": "1391234567"}, "phone", "11"),
        ({"room": "101"}, "room", "已有住户"),
    ],
)
def test_a_wrong_phone_or_a_taken_room_is_refused_at_its_field_in_chinese(
    world, client_for, compound, changes, field, message
):
    household_in(compound, building=compound.buildings.get(number="3号楼"), unit="2单元", room="101")
    client = client_for("clerk_a")
    response = client.post(
        f"/residents/compounds/{compound.pk}/households/add/", form_data(compound, **changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert Household.objects.count() == 1


def test_a_building_of_another_compound_is_refused_at_the_building(world, client_for, compound):
    other = compound_in(world.community_a, name="另一小区")
    foreign = building_in(other, "9号楼")
    response = client_for("clerk_a").post(
        f"/residents/compounds/{compound.pk}/households/add/", form_data(compound, building=foreign.pk)
    )
    assert response.status_code == 200
    assert "另一个小区" in " ".join(response.context["form"].errors["building"])
    assert not Household.objects.exists()


def test_a_masked_editor_never_gets_the_full_name_in_the_form_and_keeps_it_by_leaving_it_empty(
    world, client_for, compound
):
    household = household_in(compound, head_name="欧阳明华", phone="13912345678")
    client = client_for("district")
    url = f"/residents/households/{household.pk}/edit/"
    page = client.get(url).content.decode()
    assert "欧阳明华" not in page and "13912345678" not in page and "139****5678" in page
    data = form_data(compound, head_name="", phone="", room=household.room, unit=household.unit, size=5)
    data["building"] = household.building_id
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert (household.head_name, household.phone, household.size) == ("欧阳明华", "13912345678", 5)


def test_a_household_is_deleted_with_an_audit_entry(world, compound):
    household = household_in(compound)
    household_delete(actor=world["clerk_a"], instance=household)
    assert not Household.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).count() == 1


def test_the_service_refuses_a_clerk_of_another_street(world, compound):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        household_save(actor=world["clerk_b"], compound=compound, building=compound.buildings.get(), room="1")


# --- revealing one household ----------------------------------------------------------------------


def test_district_staff_reveal_one_household_with_a_reason_and_the_log_names_it(world, client_for, compound):
    household = household_in(compound, head_name="欧阳明华", phone="13912345678")
    client = client_for("district")
    page = client.get(household.get_absolute_url()).content.decode()
    assert "欧阳明华" not in page and "显示完整信息" in page
    response = client.post(f"/residents/households/{household.pk}/reveal/", {"reason": "电话回访施工投诉"})
    page = response.content.decode()
    assert response.status_code == 200 and "欧阳明华" in page and "13912345678" in page
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL)
    assert entry.object_id == str(household.pk) and entry.actor == world["district"]
    assert "电话回访施工投诉" in entry.summary and "华光路小区" in entry.summary
    # That response only: the next page is masked again.
    assert "欧阳明华" not in client.get(household.get_absolute_url()).content.decode()


def test_a_reveal_without_a_reason_is_refused_in_chinese_and_shows_nothing(world, client_for, compound):
    household = household_in(compound, head_name="欧阳明华", phone="13912345678")
    response = client_for("city").post(f"/residents/households/{household.pk}/reveal/", {"reason": "  "})
    page = response.content.decode()
    assert response.status_code == 200 and "欧阳明华" not in page
    assert "请说明" in " ".join(response.context["reveal_form"].errors["reason"])
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()


@pytest.mark.parametrize("persona", ["clerk_a", "leader", "auditor", "finance"])
def test_roles_without_the_permission_cannot_reveal(world, client_for, compound, persona):
    household = household_in(compound)
    response = client_for(persona).post(f"/residents/households/{household.pk}/reveal/", {"reason": "看看"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()


def test_no_form_or_page_asks_for_an_id_card_number(world, client_for, compound):
    household = household_in(compound)
    for url in (f"/residents/compounds/{compound.pk}/households/add/", household.get_absolute_url()):
        page = client_for("clerk_a").get(url).content.decode()
        assert "身份证" not in page
    assert not any("id_card" in f.name or "identity" in f.name for f in Household._meta.get_fields())


def test_a_household_with_survey_answers_is_not_deleted(world, client_for, compound):
    from residents.models import SurveyResponse
    from tests.residents.factories import campaign_for

    household = household_in(compound)
    campaign = campaign_for(compound)
    SurveyResponse.objects.create(campaign=campaign, household=household, answered_on=campaign.opens_on)
    client = client_for("clerk_a")
    assert client.get(f"/residents/households/{household.pk}/delete/").status_code == 302
    response = client.post(f"/residents/households/{household.pk}/delete/", follow=True)
    assert "问卷" in response.content.decode() and Household.objects.filter(pk=household.pk).exists()


def test_the_filtered_register_runs_the_same_queries_for_one_row_and_twenty(world, client_for, compound):
    building = building_in(compound, "3号楼")
    rooms = iter(range(101, 200))  # each matches the search for "1"

    def add(count):
        for _ in range(count):
            household_in(compound, building=building, room=str(next(rooms)))

    assert_list_queries_constant(
        client_for("city"),
        LIST,
        add,
        street=world.street_a.pk,
        compound=compound.pk,
        building=building.pk,
        q="1",
    )


def test_the_residents_menu_offers_the_register_to_whoever_reads_households(world):
    from core.navigation import menu_for

    def entries(persona):
        menu = menu_for(world[persona])
        return [e["url_name"] for item in menu for e in (item["children"] or [item])]

    assert "residents:household_list" in entries("clerk_a")
    assert "residents:household_list" in entries("leader")
    assert "residents:household_list" not in entries("sysadmin")


def test_an_export_of_the_register_is_in_the_audit_log(world, client_for, compound):
    household_in(compound)
    client_for("district").get(LIST, {"export": "xlsx"})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.content_type.model == "household"
