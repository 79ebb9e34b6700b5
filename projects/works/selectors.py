"""Reads of a project's works: its items, progress reports and inspections as the user may see them
(each through its own model's permission), item totals, the items a grid offers, basic items asked
for, and the findings that are overdue or block acceptance."""

from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce

from projects.catalogue.selectors import categories, offered_items
from projects.catalogue.services import BASIC_CATEGORY
from projects.models import Finding, Inspection, ProgressReport, ProjectItem, RenovationItem

from .requests import requested_items


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
    rows = [(category, sums[category.pk]) for category in categories() if category.pk in sums]
    grand = {"items": sum(values["items"] for _c, values in rows)}
    for key in ("estimated", "bid", "actual"):
        # As SQL's SUM and each subtotal: no amount entered is no total ("—"), not 0.00 (docs/money.md).
        entered = [values[key] for _c, values in rows if values[key] is not None]
        grand[key] = sum(entered) if entered else None
    return rows, grand


def requested_by_inspections(project):
    """Items open findings of inspections found missing from the project (with their category, as
    every source's). A closed finding no longer asks: it was put right or waived when it closed."""
    return RenovationItem.objects.select_related("category").filter(
        pk__in=Finding.objects.open()
        .filter(inspection__project=project, requested_item__isnull=False)
        .values("requested_item")
    )


def missing_basic_items(project):
    """Basic items (基础类, 应改尽改) asked for (projects.works.requests) but not in the project's
    items, in catalogue order."""
    present = set(ProjectItem.objects.filter(project=project).values_list("item_id", flat=True))
    missing = [
        item
        for item in requested_items(project)
        if item.pk not in present and item.category.code == BASIC_CATEGORY
    ]
    return sorted(missing, key=lambda item: (item.order, item.code))


def grid_items(project):
    """The items a project's grid offers: the active catalogue, plus retired items it still uses."""
    return list(offered_items(keeping=ProjectItem.objects.filter(project=project).values("item")))


def open_critical_findings(project):
    return Finding.objects.open().filter(inspection__project=project, severity=Finding.Severity.CRITICAL)


def project_items(user, project):
    return ProjectItem.objects.restrict(user).filter(project=project).select_related("item__category")


def progress_reports(user, project):
    return (
        ProgressReport.objects.restrict(user)
        .filter(project=project)
        .select_related("reported_by")
        .prefetch_related("photos")
    )


def inspections(user, project):
    return (
        Inspection.objects.restrict(user)
        .filter(project=project)
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.restrict(user).select_related("requested_item"))
        )
    )


def with_overdue_findings(projects):
    """``projects`` annotated with ``overdue_findings``: how many of their findings are past their
    rectification deadline (a correlated subquery, computed for the page's rows only)."""
    overdue = (
        Finding.objects.overdue()
        .filter(inspection__project=OuterRef("pk"))
        .order_by()
        .values("inspection__project")
    )
    return projects.annotate(
        overdue_findings=Coalesce(Subquery(overdue.annotate(n=Count("pk")).values("n")), 0)
    )


def estimated_total(projects):
    """The estimated cost of every item of ``projects``, in yuan."""
    return ProjectItem.objects.filter(project__in=projects.order_by().values("pk")).aggregate(
        estimated=Sum("estimated_cost")
    )["estimated"]
