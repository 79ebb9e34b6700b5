"""Reads of the compound registry: restricted querysets with what the pages need joined in."""

from django.db.models import Count, Sum

from projects.models import Compound


def compounds_for_list(user):
    return Compound.objects.restrict(user).select_related("community__parent__parent")


def compound_totals(queryset):
    """Households, buildings and floor area of a filtered set, in one query."""
    return queryset.order_by().aggregate(
        compounds=Count("pk"),
        households=Sum("household_count"),
        buildings=Sum("building_count"),
        floor_area=Sum("floor_area"),
    )
