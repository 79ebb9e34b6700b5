"""The item mix and the national indicators.

The mix: the items of the chosen area's plan-year projects (the projects the user may see; items are
read through their project) by catalogue category (基础类, 完善类, 提升类, and any the city's
catalogue adds, in its order, none left out for having no item): how many items and their estimated
cost (ProjectItem.estimated_cost, in 万元; a category whose items carry no estimate has none, “—”).
Each category opens the project list filtered by the plan year and “with items of” it. Two queries:
the categories, and the items grouped by category.

The national indicators are the monthly report's own cells, read from ``scope.progress`` (the items
of the projects completed by the as-of date, reports.progress.indicator_figures), never summed again;
their labels and units are reports.progress.indicators(). No query of its own."""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from projects.catalogue.selectors import categories
from projects.models import ProjectItem

from ..progress import indicators
from .figures import in_wan, number
from .funnel import list_url
from .sections import Section, Table


def category_rows(projects):
    """[(category, items, estimated yuan or None)] of the items of ``projects``, every category in
    catalogue order. Two queries."""
    sums = {
        row["item__category"]: row
        for row in ProjectItem.objects.filter(project__in=projects.values("pk"))
        .values("item__category")
        .annotate(items=Count("pk"), estimated=Sum("estimated_cost"))
        .order_by()
    }
    return [
        (category, sums.get(category.pk, {}).get("items", 0), sums.get(category.pk, {}).get("estimated"))
        for category in categories()
    ]


def indicator_rows(figures):
    """[(label with its unit, unit, quantity)] of every national indicator, in the catalogue's order,
    from the progress figures' own cells (a label names its unit; one that does not gets it added,
    as the progress page does)."""
    return [
        (label if str(unit) in str(label) else f"{label}（{unit}）", unit, figures.indicator(code))
        for code, label, unit in indicators()
    ]


def build(scope):
    mix = category_rows(scope.projects)
    slices = [
        {
            "name": category.name,
            "value": number(in_wan(estimated)) or 0,
            "items": items,
            "url": list_url(scope, item_category=category.pk),
        }
        for category, items, estimated in mix
    ]
    estimated = [amount for _c, _i, amount in mix if amount is not None]
    mix_table = Table(
        title=_("Items by category"),
        columns=[_("Category"), _("Number of items"), _("Estimated cost (10,000 yuan)")],
        rows=[[category.name, items, in_wan(amount)] for category, items, amount in mix],
        links=[s["url"] for s in slices],
        total=[
            _("Total"),
            sum(items for _c, items, _a in mix),
            in_wan(sum(estimated)) if estimated else None,
        ],
    )
    shown = indicator_rows(scope.progress.total)
    indicator_table = Table(
        title=_("National indicators of the completed projects"),
        columns=[_("Indicator"), _("Quantity")],
        rows=[[label, quantity] for label, _unit, quantity in shown],
    )
    chart = {
        "kind": "mix",
        "slices": slices,
        "labels": {
            "estimated": str(_("Estimated cost (10,000 yuan)")),
            "items": str(_("Number of items")),
            "slice": str(_("{value} (10,000 yuan), {items} items")),
            "slice_short": str(_("{value} (10,000 yuan)")),
        },
    }
    return Section(
        key="mix",
        title=_("Item mix and national indicators"),
        chart=chart,
        tables=[mix_table, indicator_table],
        template="reports/dashboard/_mix.html",
        data=shown,
    )
