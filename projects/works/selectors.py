"""Reads of a project's works: item totals, the items a grid offers, basic items asked for."""

from django.db.models import Count, Q, Sum

from projects.catalogue.services import BASIC_CATEGORY
from projects.models import Finding, ItemCategory, ProjectItem, RenovationItem


def item_totals(project):
    """Per category (in catalogue order): number of items and the sums of the three costs; and the
    project's grand total. One query."""
    sums = {
        row["item__category"]: row
        for row in ProjectItem.objects.filter(project=project)
        .values("item__category")
        .annotate(
            items=Count("pk"),
            estimated=Sum("estimated_cost"),
            bid=Sum("bid_price"),
            actual=Sum("actual_cost"),
        )
        .order_by()
    }
    rows = [(category, sums[category.pk]) for category in ItemCategory.objects.all() if category.pk in sums]
    grand = {
        key: sum((values[key] or 0 for _c, values in rows), 0)
        for key in ("items", "estimated", "bid", "actual")
    }
    return rows, grand


def missing_basic_items(project):
    """Basic items (基础类, 应改尽改) asked for by an inspection but not in the project's items.

    Residents' surveys (a later issue) will ask for items too; they join the same list.
    """
    requested = {
        finding.requested_item
        for finding in Finding.objects.filter(
            inspection__project=project, requested_item__category__code=BASIC_CATEGORY
        ).select_related("requested_item")
    }
    present = set(ProjectItem.objects.filter(project=project).values_list("item_id", flat=True))
    return sorted(
        (item for item in requested if item.pk not in present), key=lambda item: (item.order, item.code)
    )


def grid_items(project):
    """The items a project's grid offers: the active catalogue, plus retired items it still uses."""
    used = ProjectItem.objects.filter(project=project).values("item")
    return list(
        RenovationItem.objects.filter(Q(active=True) | Q(pk__in=used))
        .select_related("category")
        .order_by("category__order", "order", "code")
    )
