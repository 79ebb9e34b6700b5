"""The year's trend: compounds started and completed, cumulative at the end of each month of the plan
year up to the as-of date, against the quota and the time-curve (the quota spread evenly over the
twelve months: what should be done by each month's end).

A month's point is the monthly report's figure as of that month's last day (the as-of date for the
running month): a compound counts from the first day one of the year's projects holding it started
(completed) construction, in the districts the progress shows — reports.progress.compound_figures
read once for every month. One query."""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from projects.models import ProjectCompound

from ..progress import COMPOUND_DISTRICT
from .sections import Section, Table


def month_ends(year, as_of):
    """The last day of each month of ``year`` up to ``as_of``'s month; that month ends at ``as_of``."""
    ends = []
    for month in range(1, 13):
        end = datetime.date(year, month, calendar.monthrange(year, month)[1])
        if end >= as_of:
            if as_of.year == year:
                ends.append(as_of)
            break
        ends.append(end)
    return ends if as_of.year >= year else []


def first_dates(scope):
    """[(started on, completed on)] of each compound the area's progress counts: the earliest dates
    of the year's projects holding it (None: not yet)."""
    districts = [row.region_id for row in scope.progress.rows]
    return list(
        ProjectCompound.objects.filter(
            project__in=scope.projects.values("pk"), **{f"compound__{COMPOUND_DISTRICT}__in": districts}
        )
        .values("compound")
        .annotate(started=Min("project__started_on"), completed=Min("project__completed_on"))
        .order_by()
        .values_list("started", "completed")
    )


def cumulative(dates, ends):
    """([started by each end], [completed by each end])."""
    started = [sum(1 for s, _c in dates if s is not None and s <= end) for end in ends]
    completed = [sum(1 for _s, c in dates if c is not None and c <= end) for end in ends]
    return started, completed


def build(scope):
    ends = month_ends(scope.year, scope.as_of)
    started, completed = cumulative(first_dates(scope), ends)
    quota = scope.progress.total.quota_compounds
    curve = [
        int((Decimal(quota) * end.month / 12).quantize(Decimal(1), rounding=ROUND_HALF_UP)) if quota else None
        for end in ends
    ]
    months = [f"{end:%Y-%m}" for end in ends]
    chart = {
        "kind": "trend",
        "months": months,
        "started": started,
        "completed": completed,
        "quota": quota or None,
        "curve": curve,
        "labels": {
            "started": str(_("Compounds started")),
            "completed": str(_("Compounds completed")),
            "quota": str(_("Quota")),
            "curve": str(_("Time-curve")),
        },
    }
    table = Table(
        title=_("Compounds by month (cumulative)"),
        columns=[_("Month"), _("As of"), _("Compounds started"), _("Compounds completed"), _("Time-curve")],
        rows=[
            [month, end.isoformat(), s, c, q]
            for month, end, s, c, q in zip(months, ends, started, completed, curve, strict=True)
        ],
    )
    return Section(key="trend", title=_("The year's trend"), chart=chart, tables=[table])
