"""Reads of the compound registry: restricted querysets with what the pages need joined in."""

from django.db.models import Count, Q, Sum

from core.permissions import can
from projects.models import Building, Compound, Project

from .eligibility import explanation, policy_in_force
from .links import compound_links


def compounds_for_list(user):
    return Compound.objects.restrict(user).select_related("community__parent__parent")


# Rows per page of the compound search (the type-ahead of the project form).
SEARCH_PAGE_SIZE = 20


def compound_label(compound):
    """How a compound reads in a choice: name, then code, street and community to tell apart
    the many 小区 of one name. Needs ``community__parent`` joined in."""
    community = compound.community
    code = f"{compound.code} · " if compound.code else ""
    return f"{compound.name}（{code}{community.parent.name} {community.name}）"


def compounds_for_choice(user):
    """The compounds a user may put into a project, joined for their labels."""
    return Compound.objects.restrict(user, "view").select_related("community__parent")


def compound_search(user, query, page=1):
    """One page of the user's compounds whose name, code or street contains each word of ``query``:
    (rows, whether more follow). One query: a row beyond the page says there is more."""
    queryset = compounds_for_choice(user)
    for word in query.split():
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(code__icontains=word) | Q(community__parent__name__icontains=word)
        )
    start = (max(page, 1) - 1) * SEARCH_PAGE_SIZE
    rows = list(queryset.order_by("name", "pk")[start : start + SEARCH_PAGE_SIZE + 1])
    return rows[:SEARCH_PAGE_SIZE], len(rows) > SEARCH_PAGE_SIZE


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
    with buildings, and the links other apps registered (projects.registry.links)."""
    policy = policy_in_force(compound.city)
    return {
        "policy": policy,
        "eligibility_explanation": explanation(compound, policy),
        "buildings": Building.objects.restrict(user).filter(compound=compound),
        "can_change_buildings": can(user, "change", Building),
        "can_add_buildings": can(user, "add", Building),
        "can_delete_buildings": can(user, "delete", Building),
        "projects": Project.objects.restrict(user).filter(compounds=compound).select_related("region"),
        "compound_links": compound_links(user, compound),
    }
