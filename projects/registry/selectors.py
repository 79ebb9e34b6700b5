"""Reads of the compound registry: restricted querysets with what the pages need joined in."""

from django.db.models import Count, Sum

from core.permissions import can
from projects.models import Building, Compound, Project

from .eligibility import explanation, policy_in_force


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


def compound_sections(user, compound):
    """What a compound's page shows below its fields: its verdict with the rule that gave it, its
    buildings and its projects (each read through its own permission), and what the user may do
    with buildings."""
    policy = policy_in_force(compound.city)
    return {
        "policy": policy,
        "eligibility_explanation": explanation(compound, policy),
        "buildings": Building.objects.restrict(user).filter(compound=compound),
        "can_change_buildings": can(user, "change", Building),
        "can_add_buildings": can(user, "add", Building),
        "can_delete_buildings": can(user, "delete", Building),
        "projects": Project.objects.restrict(user).filter(compounds=compound).select_related("region"),
    }
