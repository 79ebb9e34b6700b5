"""Reads of the item catalogue that other parts offer in their forms and pages."""

from django.db.models import Q

from projects.models import ItemCategory, RenovationItem

from .services import BASIC_CATEGORY


def categories():
    """The categories in catalogue order (reference data: everyone who may see items sees them)."""
    return ItemCategory.objects.all()


def offered_items(keeping=None):
    """Items offered for new rows, in catalogue order with their category; plus the retired items
    ``keeping`` (a queryset of item ids) still uses, so an old row keeps its item."""
    condition = Q(active=True) | Q(pk__in=keeping) if keeping is not None else Q(active=True)
    return (
        RenovationItem.objects.filter(condition)
        .select_related("category")
        .order_by("category__order", "order", "code")
    )


def offered_basic_items():
    """Basic items (基础类, 应改尽改) an inspection may ask a project for."""
    return RenovationItem.objects.filter(category__code=BASIC_CATEGORY, active=True)
