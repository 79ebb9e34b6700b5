"""The catalogue of renovation content: shipped with every deployment, edited by the city."""

import json

from django.conf import settings

from core.models import AuditEntry
from projects.catalogue.services import catalogue_load, renovationitem_update
from projects.models import ItemCategory, RenovationItem
from tests.factories import renovation_item
from tests.helpers import assert_list_queries_constant

FIXTURE = json.loads((settings.BASE_DIR / "fixtures" / "renovation_items.json").read_text(encoding="utf-8"))


def test_every_deployment_starts_with_the_standard_catalogue(db):
    assert set(ItemCategory.objects.values_list("name", flat=True)) == {
        c["name"] for c in FIXTURE["categories"]
    }
    assert RenovationItem.objects.count() == len(FIXTURE["items"])
    basic = ItemCategory.objects.get(code="basic")
    assert (basic.name, basic.rule) == ("基础类", "应改尽改")
    assert ItemCategory.objects.get(code="interior").optional


def test_items_say_their_unit_indicator_and_who_pays(db):
    lift = RenovationItem.objects.get(name="加装电梯")
    assert lift.category.code == "improve"
    assert lift.indicator == RenovationItem.Indicator.LIFTS
    assert lift.default_payer == RenovationItem.Payer.RESIDENTS
    assert "由居民承担" in lift.payer_note  # 咸宁 三(三)


def test_loading_again_keeps_the_citys_edits(world):
    item = RenovationItem.objects.get(name="加装电梯")
    renovationitem_update(actor=world["city"], instance=item, unit="台", active=False)
    assert catalogue_load(ItemCategory, RenovationItem) == 0
    item.refresh_from_db()
    assert (item.unit, item.active) == ("台", False)


def test_editing_an_item_is_recorded(world):
    item = renovation_item(unit="处")
    renovationitem_update(actor=world["city"], instance=item, unit="个")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).latest("at")
    assert entry.changes == {"unit": ["处", "个"]} and entry.actor == world["city"]


def test_catalogue_page_filters_by_category_and_indicator(world, client_for):
    client = client_for("clerk_a")
    improve = ItemCategory.objects.get(code="improve")
    rows = client.get("/projects/items/", {"category": improve.pk}).context["object_list"]
    assert {item.category_id for item in rows} == {improve.pk}
    rows = client.get("/projects/items/", {"indicator": "lifts"}).context["object_list"]
    assert [item.name for item in rows] == ["加装电梯"]


def test_catalogue_page_runs_the_same_queries_for_1_and_20_rows(world, client_for):
    def add(n):
        for _ in range(n):
            renovation_item(name=f"测试项{RenovationItem.objects.count()}")

    assert_list_queries_constant(client_for("city"), "/projects/items/", add, name="测试项")


def test_city_staff_adds_an_item_through_the_form(world, client_for):
    basic = ItemCategory.objects.get(code="basic")
    response = client_for("city").post(
        "/projects/items/add/",
        {"category": basic.pk, "name": "太阳能路灯", "unit": "个", "indicator": "",
         "default_payer": "government", "payer_note": "", "order": 500, "active": "on"},
    )  # fmt: skip
    item = RenovationItem.objects.get(name="太阳能路灯")
    assert response["Location"] == item.get_absolute_url()
    # The form never asks for the spreadsheet key; the item gets one nobody else has.
    assert item.code.startswith("item-")
    assert RenovationItem.objects.filter(code=item.code).count() == 1


def test_catalogue_pages_show_no_internal_code_and_filter_from_all(world, client_for):
    client = client_for("city")
    item = RenovationItem.objects.get(code="water_supply")
    assert "water_supply" not in client.get(item.get_absolute_url()).content.decode()
    assert 'name="code"' not in client.get("/projects/items/add/").content.decode()
    html = client.get("/projects/items/").content.decode()
    assert "---------" not in html
    assert "未知" not in html
    assert '<option value="" selected>全部</option>' in html
    renovationitem_update(actor=world["city"], instance=item, active=False)
    retired = client.get("/projects/items/", {"active": "false"}).context["object_list"]
    assert [row.code for row in retired] == ["water_supply"]
