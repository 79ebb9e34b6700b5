"""A project's items of renovation content: the grid saved at once, its totals per category, and the
basic items (基础类应改尽改) an inspection asked for that the project still lacks."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry
from core.money import wan_figure
from org.models import User
from projects.models import ItemCategory, Project, ProjectItem, RenovationItem
from projects.works.forms import MONEY_FIELDS
from projects.works.selectors import item_totals, missing_basic_items
from projects.works.services import finding_close, project_items_save
from tests.factories import compound_in, finding_in, project_in

S = Project.Stage


def item(code):
    return RenovationItem.objects.get(code=code)


@pytest.fixture
def project(world):
    return project_in(compound_in(world.community_a), stage=S.DESIGN, name="华光路小区改造")


def row(code, quantity, *, estimated=None, bid=None, actual=None, progress=0, payer="", note="", **extra):
    return {
        "item": item(code), "quantity": Decimal(quantity), "estimated_cost": estimated and Decimal(estimated),
        "bid_price": bid and Decimal(bid), "actual_cost": actual and Decimal(actual), "progress": progress,
        "payer": payer, "note": note, **extra,
    }  # fmt: skip


def add_items(project, *rows, actor=None):
    """Saved by the street clerk who runs the project unless ``actor`` says otherwise."""
    actor = actor or User.objects.get(username="clerk_a")
    return project_items_save(actor=actor, project=project, rows=list(rows))


def item_entries(project):
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.UPDATE,
        content_type=ContentType.objects.get_for_model(Project),
        object_id=str(project.pk),
    )


def items_of(project):
    return {
        r.item.code: (r.quantity, r.estimated_cost, r.payer, r.progress)
        for r in ProjectItem.objects.filter(project=project).select_related("item")
    }


def refusal(project, *rows, actor=None):
    """The messages of a refused save, in English; the grid must be as it was."""
    before = items_of(project), item_entries(project).count()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        add_items(project, *rows, actor=actor)
    assert (items_of(project), item_entries(project).count()) == before
    return [str(m) for m in error.value.messages]


# --- The grid service ----------------------------------------------------------------------------


def test_the_grid_adds_changes_and_removes_rows_in_one_save_with_one_history_entry(world, project):
    kept, changed, removed = add_items(
        project,
        row("water_supply", "850", estimated="425000"),
        row("lighting", "36", estimated="54000"),
        row("fences", "120", estimated="36000"),
    )
    item_entries(project).delete()

    project_items_save(
        actor=world["clerk_a"],
        project=project,
        rows=[
            row("water_supply", "850", estimated="425000", id=kept.pk),
            row("lighting", "40", estimated="60000", progress=10, id=changed.pk),
            {"id": removed.pk, "delete": True},
            row("lift_installation", "2", estimated="700000"),
        ],
    )

    assert items_of(project) == {
        "water_supply": (Decimal("850.00"), Decimal("425000.00"), "utility", 0),
        "lighting": (Decimal("40.00"), Decimal("60000.00"), "government", 10),
        "lift_installation": (Decimal("2.00"), Decimal("700000.00"), "residents", 0),
    }
    entry = item_entries(project).get()
    assert entry.actor == world["clerk_a"]
    assert set(entry.changes) == {
        "楼道灯、庭院路灯",
        "围墙围栏修复",
        "加装电梯",
    }  # the unchanged row is not named
    assert entry.changes["楼道灯、庭院路灯"]["quantity"] == ["36.00", "40.00"]
    assert entry.changes["围墙围栏修复"] == {"removed": "120.00"}
    assert entry.changes["加装电梯"] == {"added": "2.00"}


def test_a_row_without_a_payer_takes_the_items_default_and_a_chosen_payer_is_kept(world, project):
    add_items(project, row("lift_installation", "1"), row("roof_repair", "800", payer="government"))
    assert items_of(project)["lift_installation"][2] == RenovationItem.Payer.RESIDENTS
    assert items_of(project)["roof_repair"][2] == RenovationItem.Payer.GOVERNMENT


def test_saving_the_grid_unchanged_records_no_history(world, project):
    (saved,) = add_items(project, row("water_supply", "850", estimated="425000"))
    before = item_entries(project).count()
    add_items(project, row("water_supply", "850.00", estimated="425000.00", id=saved.pk))
    assert item_entries(project).count() == before


def test_an_item_twice_in_the_grid_is_refused_naming_both_rows(world, project):
    (message,) = refusal(project, row("water_supply", "850"), row("lighting", "36"), row("water_supply", "1"))
    assert message.startswith("Row 3:") and "row 1" in message and "供水管网改造" in message
    assert not item_entries(project).exists()


def test_adding_an_item_the_project_already_has_is_refused_naming_the_row(world, project):
    add_items(project, row("water_supply", "850"))
    # A caller that sends only the new rows (an import, say) must get the same answer as the grid.
    (message,) = refusal(project, row("lighting", "36"), row("water_supply", "100"))
    assert message.startswith("Row 2:") and "供水管网改造" in message


def test_a_retired_item_is_not_added_but_stays_on_the_rows_that_use_it(world, project):
    (kept,) = add_items(project, row("lift_installation", "2"))
    RenovationItem.objects.filter(code__in=["lift_installation", "parking"]).update(active=False)

    (message,) = refusal(project, row("lift_installation", "2", id=kept.pk), row("parking", "40"))
    assert message.startswith("Row 2:") and "停车位" in message and "no longer offered" in message

    add_items(project, row("lift_installation", "3", id=kept.pk))
    assert items_of(project) == {"lift_installation": (Decimal("3.00"), None, "residents", 0)}


def test_a_bad_value_refuses_the_whole_grid_naming_each_row_and_its_column(world, project):
    messages = refusal(
        project, row("water_supply", "850"), row("lighting", "-1"), row("fences", "120", progress=150)
    )
    assert len(messages) == 2, messages
    assert messages[0].startswith("Row 2: quantity")
    assert messages[1].startswith("Row 3: progress (%)")
    assert not ProjectItem.objects.exists()
    assert not item_entries(project).exists()


def test_a_row_removed_by_someone_else_meanwhile_asks_to_reload(world, project):
    (saved,) = add_items(project, row("water_supply", "850"))
    ProjectItem.objects.filter(pk=saved.pk).delete()
    (message,) = refusal(project, row("water_supply", "900", id=saved.pk), row("lighting", "36"))
    assert message.startswith("Row 1:") and "reload" in message
    assert not ProjectItem.objects.exists()


def test_a_row_removed_and_its_item_added_again_in_one_save_is_one_new_row(world, project):
    (first,) = add_items(project, row("water_supply", "850"))
    add_items(project, {"id": first.pk, "delete": True}, row("water_supply", "900"))
    (again,) = ProjectItem.objects.filter(project=project)
    assert again.pk != first.pk and again.quantity == Decimal("900")


def test_a_closed_projects_items_no_longer_change(world):
    project = project_in(compound_in(world.community_a), stage=S.CLOSED)
    (message,) = refusal(project, row("water_supply", "850"), actor=world["city"])
    assert "closed" in message
    assert not ProjectItem.objects.exists()


@pytest.mark.parametrize("persona", ["clerk_b", "finance", "auditor"])
def test_only_those_who_run_the_project_save_its_items(world, project, persona):
    with pytest.raises(PermissionDenied):
        project_items_save(actor=world[persona], project=project, rows=[row("water_supply", "850")])
    assert not ProjectItem.objects.exists()


# --- Totals and the basic items ------------------------------------------------------------------


def test_totals_add_up_each_category_in_catalogue_order_and_the_whole_project(world, project):
    add_items(
        project,
        row("lift_installation", "2", estimated="700000", bid="680000"),
        row("water_supply", "850", estimated="425000", bid="400000", actual="410000"),
        row("lighting", "36", estimated="54000"),
        row("elderly_care", "1", estimated="300000"),
    )
    rows, grand = item_totals(project)
    assert [(category.code, totals["items"]) for category, totals in rows] == [
        ("basic", 2),
        ("improve", 1),
        ("upgrade", 1),
    ]
    basic = rows[0][1]
    assert (basic["estimated"], basic["bid"], basic["actual"]) == (
        Decimal("479000"),
        Decimal("400000"),
        Decimal("410000"),
    )
    assert grand == {
        "items": 4,
        "estimated": Decimal("1479000"),
        "bid": Decimal("1080000"),
        "actual": Decimal("410000"),
    }


def test_a_project_without_items_has_no_totals(world, project):
    rows, grand = item_totals(project)
    assert rows == [] and grand == {"items": 0, "estimated": None, "bid": None, "actual": None}


def test_missing_basic_items_are_those_an_inspection_asked_for_that_the_project_lacks(world, project):
    add_items(project, row("water_supply", "850"))
    finding_in(project, requested_item=item("water_supply"))  # asked for and present
    finding_in(project, requested_item=item("fire_hydrants"))
    finding_in(project, requested_item=item("lighting"))
    finding_in(project, requested_item=item("lighting"), description="另一处路灯缺失")
    finding_in(project, requested_item=item("lift_installation"))  # not basic: 能改则改
    finding_in(project)  # no item asked for
    assert [i.code for i in missing_basic_items(project)] == ["lighting", "fire_hydrants"]

    add_items(project, row("lighting", "36"), row("fire_hydrants", "4"))
    assert missing_basic_items(project) == []


def test_a_closed_finding_no_longer_asks_for_its_basic_item(world, project):
    lighting = finding_in(project, requested_item=item("lighting"))
    finding_in(project, requested_item=item("fire_hydrants"))
    finding_close(
        actor=User.objects.get(username="city"),
        finding=lighting,
        closed_on=datetime.date(2026, 6, 20),
        closure_note="经复核，小区路灯已由供电公司另行改造",
    )
    assert [i.code for i in missing_basic_items(project)] == ["fire_hydrants"]


# --- The grid page -------------------------------------------------------------------------------

GRID_FIELDS = ("item", "quantity", "estimated_cost", "bid_price", "actual_cost", "progress", "payer", "note")


def grid_post(existing=(), new=(), extra=3):
    """The grid as the browser posts it: ``existing`` are (ProjectItem, changes) and ``new`` dicts of
    cells; the remaining extra rows are left empty as they were rendered."""
    data = {}
    rows = []
    for instance, changes in existing:
        cells = {name: getattr(instance, name) for name in GRID_FIELDS}
        cells.update({name: wan_figure(cells[name]) for name in MONEY_FIELDS})  # the boxes show 万元
        cells["item"] = instance.item_id
        rows.append({**cells, "id": instance.pk, **changes})
    rows.extend(new)
    rows.extend({"progress": 0} for _ in range(extra))
    for index, cells in enumerate(rows):
        for name, value in cells.items():
            if value is None:
                value = ""
            if name == "DELETE":
                if value:
                    data[f"items-{index}-DELETE"] = "on"
                continue
            data[f"items-{index}-{name}"] = value
    data.update({
        "items-TOTAL_FORMS": len(rows), "items-INITIAL_FORMS": len(existing),
        "items-MIN_NUM_FORMS": 0, "items-MAX_NUM_FORMS": 1000,
    })  # fmt: skip
    return data


def test_the_grid_page_saves_several_rows_at_once(world, client_for, project):
    (lighting,) = add_items(project, row("lighting", "36", estimated="54000"))
    (fences,) = add_items(project, row("fences", "120"))
    url = reverse("projects:projectitem_grid", args=[project.pk])
    client = client_for("clerk_a")

    data = grid_post(
        existing=[(lighting, {"quantity": "40", "progress": 20}), (fences, {"DELETE": True})],
        new=[
            {"item": item("water_supply").pk, "quantity": "850", "estimated_cost": "42.5", "progress": 0},
            {"item": item("lift_installation").pk, "quantity": "2", "progress": 0, "payer": "mixed"},
        ],
    )
    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context.get("service_errors")
    assert response["Location"] == project.get_absolute_url() + "#project-items"
    assert items_of(project) == {
        "lighting": (Decimal("40.00"), Decimal("54000.00"), "government", 20),
        "water_supply": (Decimal("850.00"), Decimal("425000.00"), "utility", 0),
        "lift_installation": (Decimal("2.00"), None, "mixed", 0),
    }


def test_a_bad_cell_re_renders_the_grid_naming_the_row_and_saves_nothing(world, client_for, project):
    client = client_for("clerk_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = grid_post(
        new=[
            {"item": item("water_supply").pk, "quantity": "850", "progress": 0},
            {"item": item("lighting").pk, "quantity": "三十六", "progress": 0},
        ]
    )
    response = client.post(reverse("projects:projectitem_grid", args=[project.pk]), data)

    assert response.status_code == 200
    errors = [str(e) for e in response.context["service_errors"]]
    assert len(errors) == 1 and errors[0].lower().startswith("row 2, quantity:"), errors
    page = response.content.decode()
    assert 'id="grid-errors"' in page and errors[0] in page
    assert 'class="item-row table-danger" data-row="2"' in page
    assert 'class="item-row" data-row="1"' in page
    assert 'value="850"' in page  # what was typed is kept
    assert not ProjectItem.objects.exists()
    assert not item_entries(project).exists()


def test_a_value_only_the_service_refuses_re_renders_the_grid_naming_the_row(world, client_for, project):
    client = client_for("clerk_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = grid_post(
        new=[
            {"item": item("water_supply").pk, "quantity": "850", "progress": 0},
            {"item": item("water_supply").pk, "quantity": "10", "progress": 0},
            {"item": item("lighting").pk, "quantity": "36", "progress": 150},
        ]
    )
    response = client.post(reverse("projects:projectitem_grid", args=[project.pk]), data)

    assert response.status_code == 200
    errors = [str(e) for e in response.context["service_errors"]]
    assert [e.split(":")[0] for e in errors] == ["Row 2", "Row 3"], errors
    assert not ProjectItem.objects.exists()


def test_the_grid_offers_active_items_and_the_retired_ones_the_project_still_uses(world, client_for, project):
    add_items(project, row("lift_installation", "2"))
    RenovationItem.objects.filter(code__in=["lift_installation", "parking"]).update(active=False)
    response = client_for("clerk_a").get(reverse("projects:projectitem_grid", args=[project.pk]))
    offered = set(response.context["formset"].forms[0].fields["item"].queryset.values_list("code", flat=True))
    assert "lift_installation" in offered and "parking" not in offered and "water_supply" in offered
    page = response.content.decode()
    assert 'data-unit="部"' in page and 'data-payer="residents"' in page


# --- The project page and the list ---------------------------------------------------------------


def test_the_project_page_shows_items_by_category_with_subtotals_and_the_total(world, client_for, project):
    add_items(
        project,
        row("water_supply", "850", estimated="425000"),
        row("lighting", "36", estimated="54000"),
        row("lift_installation", "2", estimated="700000"),
    )
    response = client_for("district").get(project.get_absolute_url())
    sections = response.context["items_by_category"]
    assert [(c.code, t["items"], [r.item.code for r in rows]) for c, t, rows in sections] == [
        ("basic", 2, ["water_supply", "lighting"]),
        ("improve", 1, ["lift_installation"]),
    ]
    page = response.content.decode()
    subtotals = page.split('class="fw-semibold category-total"')[1:]
    assert '<td class="numeric">47.90</td>' in subtotals[0]  # 479000 yuan in 万元
    assert '<td class="numeric">70.00</td>' in subtotals[1]
    assert '<tr class="fw-bold" id="items-grand-total">' in page
    grand = page.split('id="items-grand-total"')[1].split("</tr>")[0]
    assert '<td class="numeric">117.90</td>' in grand


def test_the_project_page_warns_of_basic_items_asked_for_but_missing(world, client_for, project):
    page = client_for("clerk_a").get(project.get_absolute_url()).content.decode()
    assert 'id="missing-basic"' not in page

    finding_in(project, requested_item=item("fire_hydrants"), deadline=datetime.date(2026, 7, 1))
    page = client_for("clerk_a").get(project.get_absolute_url()).content.decode()
    warning = page.split('id="missing-basic"')[1].split("</div>")[0]
    assert "基础类应改尽改" in warning and "室外消火栓及消防器材" in warning

    add_items(project, row("fire_hydrants", "4"))
    page = client_for("clerk_a").get(project.get_absolute_url()).content.decode()
    assert 'id="missing-basic"' not in page


def test_the_project_list_filters_projects_with_items_of_a_category(world, client_for, project):
    other = project_in(compound_in(world.community_a), name="共青团路小区改造")
    project_in(compound_in(world.community_a), name="无改造内容项目")
    add_items(project, row("lift_installation", "2"), row("parking", "40"))
    add_items(other, row("water_supply", "850"))
    client = client_for("clerk_a")
    improve = ItemCategory.objects.get(code="improve")
    basic = ItemCategory.objects.get(code="basic")

    listed = client.get(reverse("projects:project_list"), {"item_category": improve.pk}).context[
        "object_list"
    ]
    assert [p.name for p in listed] == ["华光路小区改造"]  # once, though it has two such items
    listed = client.get(reverse("projects:project_list"), {"item_category": basic.pk}).context["object_list"]
    assert [p.name for p in listed] == ["共青团路小区改造"]


def test_a_row_may_take_the_item_another_row_moves_away_from_in_the_same_save(world, project):
    water, lighting = add_items(project, row("water_supply", "850"), row("lighting", "36"))
    add_items(project, row("water_supply", "900", id=lighting.pk), row("fences", "120", id=water.pk))
    assert items_of(project) == {
        "water_supply": (Decimal("900.00"), None, "utility", 0),
        "fences": (Decimal("120.00"), None, "government", 0),
    }
    assert {r.item.code: r.pk for r in ProjectItem.objects.filter(project=project)} == {
        "water_supply": lighting.pk,
        "fences": water.pk,
    }


def test_two_rows_swapping_their_items_are_refused_rather_than_half_saved(world, project):
    water, lighting = add_items(project, row("water_supply", "850"), row("lighting", "36"))
    (message,) = refusal(
        project, row("lighting", "36", id=water.pk), row("water_supply", "850", id=lighting.pk)
    )
    assert "swap" in message


def test_a_row_removed_elsewhere_while_the_grid_was_open_asks_to_reload(world, client_for, project):
    lighting, fences = add_items(project, row("lighting", "36"), row("fences", "120"))
    data = grid_post(existing=[(lighting, {"quantity": "40"}), (fences, {})])
    ProjectItem.objects.filter(pk=fences.pk).delete()  # someone else removed it meanwhile
    client = client_for("clerk_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("projects:projectitem_grid", args=[project.pk]), data)
    assert response.status_code == 200
    errors = [str(e) for e in response.context["service_errors"]]
    assert len(errors) == 1 and errors[0].startswith("Row 2") and "reload" in errors[0], errors
    assert "None" not in response.content.decode().split('id="item-grid"')[1]
    assert items_of(project) == {"lighting": (Decimal("36.00"), None, "government", 0)}
