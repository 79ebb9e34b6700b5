"""Loading and editing the catalogue of renovation content."""

import json

from django.conf import settings
from django.db import transaction

from core.audit import audit_record, model_snapshot
from core.models import AuditEntry
from core.services import instance_create, instance_update
from projects.models import RenovationItem

CATALOGUE_FIXTURE = settings.BASE_DIR / "fixtures" / "renovation_items.json"
# The category whose items must all be done where needed (基础类, 应改尽改).
BASIC_CATEGORY = "basic"
RENOVATION_ITEM_FIELDS = (
    "category",
    "code",
    "name",
    "unit",
    "indicator",
    "default_payer",
    "payer_note",
    "order",
    "active",
)


def catalogue_load(category_model, item_model, path=CATALOGUE_FIXTURE):
    """Create the categories and items of the fixture that do not exist yet (by code). Items the
    city has edited or retired are left as they are. Takes the models so a migration can call it."""
    data = json.loads(path.read_text(encoding="utf-8"))
    categories = {}
    for row in data["categories"]:
        categories[row["code"]], _created = category_model.objects.get_or_create(
            code=row["code"],
            defaults={k: row[k] for k in ("name", "rule", "optional", "order", "description")},
        )
    created = 0
    for row in data["items"]:
        _item, was_created = item_model.objects.get_or_create(
            code=row["code"],
            defaults={
                "category": categories[row["category"]],
                "name": row["name"],
                "unit": row["unit"],
                "indicator": row["indicator"],
                "default_payer": row["payer"],
                "payer_note": row.get("payer_note", ""),
                "order": row["order"],
            },
        )
        created += was_created
    return created


# What staff type and read on the portal's pages. The code is the item's key in spreadsheets
# (改造内容编码) and the administration site; an item added on a page gets one made up for it.
RENOVATION_ITEM_PAGE_FIELDS = tuple(name for name in RENOVATION_ITEM_FIELDS if name != "code")


def renovationitem_code_free():
    """A code no item has yet, for an item added without one: "item-60", "item-61", …"""
    number = RenovationItem.objects.count() + 1
    while RenovationItem.objects.filter(code=f"item-{number}").exists():
        number += 1
    return f"item-{number}"


def renovationitem_create(*, actor, **fields):
    if not fields.get("code"):
        fields["code"] = renovationitem_code_free()
    return instance_create(actor=actor, model=RenovationItem, fields=fields, editable=RENOVATION_ITEM_FIELDS)


def renovationitem_update(*, actor, instance, **fields):
    return instance_update(actor=actor, instance=instance, fields=fields, editable=RENOVATION_ITEM_FIELDS)


@transaction.atomic
def renovationitem_delete(*, actor, instance):
    """Deleting an item that projects use is refused (PROTECT); retire it instead (active = off)."""
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=instance, changes=model_snapshot(instance))
    instance.delete()
