"""Reads of complaints: the restricted rows with what their pages show joined in, the overdue ones,
and the statistics by category and area."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from org.models import Region
from residents.models import Complaint

OPEN = (Complaint.Status.RECEIVED, Complaint.Status.ASSIGNED)


def complaints_for_list(user):
    """The complaints ``user`` reads, with the compound, project, area and handler of each."""
    return Complaint.objects.restrict(user).select_related("compound", "project", "region", "handler")


def overdue_q(today=None):
    """Not yet answered and past the deadline (as ``Complaint.is_overdue``)."""
    return Q(status__in=OPEN, deadline__lt=today or timezone.localdate())


def overdue_count(user):
    """How many complaints of the user's area wait past their deadline (the home page's count)."""
    return Complaint.objects.restrict(user).filter(overdue_q()).count()


def days_overdue(complaint, today=None):
    """Days past the deadline of an overdue complaint; 0 for any other."""
    today = today or timezone.localdate()
    return (today - complaint.deadline).days if complaint.is_overdue(today) else 0


# --- Statistics ------------------------------------------------------------------------------------


@dataclass
class StatRow:
    """One row of the statistics: an area (None for the total) and its counts."""

    region: object
    by_category: dict = field(default_factory=dict)
    total: int = 0
    overdue: int = 0
    due: int = 0  # answered, or past the deadline without an answer
    on_time: int = 0  # answered by the deadline
    judged: int = 0  # closed with the resident's satisfaction
    satisfied: int = 0  # of those, satisfied or partly satisfied
    cells: list = field(default_factory=list)

    @property
    def name(self):
        return self.region.name if self.region is not None else ""

    def categories(self, keys):
        return [self.by_category.get(key, 0) for key in keys]

    @property
    def on_time_rate(self):
        """Answered by the deadline ÷ due, in percent with one decimal; None when nothing was due."""
        return round(self.on_time * 100 / self.due, 1) if self.due else None

    @property
    def satisfaction_rate(self):
        """Satisfied or partly satisfied ÷ closed with a verdict, in percent; None without one."""
        return round(self.satisfied * 100 / self.judged, 1) if self.judged else None

    def add(self, other):
        for key, value in other.by_category.items():
            self.by_category[key] = self.by_category.get(key, 0) + value
        for name in ("total", "overdue", "due", "on_time", "judged", "satisfied"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Stats:
    rows: list
    total: StatRow
    level_label: str
    categories: list  # (key, label)


def stat_areas(user, district=None):
    """The areas the statistics' rows stand for: the districts of the user's area, or the streets
    when the area (or the chosen ``district``) holds a single district."""
    regions = Region.objects.restrict(user)
    districts = list(regions.filter(level=Region.Level.DISTRICT))
    if district is not None:
        districts = [d for d in districts if d.pk == district.pk]
    if len(districts) == 1:
        streets = list(regions.filter(level=Region.Level.STREET, parent=districts[0]))
        if streets:
            return streets, Region.Level.STREET
    if districts:
        return districts, Region.Level.DISTRICT
    return list(regions.filter(level=Region.Level.STREET)), Region.Level.STREET


def complaint_stats(user, *, date_from=None, date_to=None, district=None, today=None):
    """Complaints received between ``date_from`` and ``date_to`` in the user's area (or ``district``
    of it), counted per area and category: two queries whatever the number of complaints."""
    today = today or timezone.localdate()
    queryset = Complaint.objects.restrict(user).order_by()
    if date_from:
        queryset = queryset.filter(received_on__gte=date_from)
    if date_to:
        queryset = queryset.filter(received_on__lte=date_to)
    if district is not None:
        queryset = queryset.filter(region__path__startswith=district.path)
    areas, level = stat_areas(user, district)
    answered = Q(answered_on__isnull=False)
    groups = queryset.values("region__path", "category").annotate(
        n=Count("pk"),
        overdue=Count("pk", filter=overdue_q(today)),
        due=Count("pk", filter=answered | Q(deadline__lt=today)),
        on_time=Count("pk", filter=answered & Q(answered_on__lte=F("deadline"))),
        judged=Count("pk", filter=~Q(satisfaction="")),
        satisfied=Count(
            "pk", filter=Q(satisfaction__in=(Complaint.Satisfaction.SATISFIED, Complaint.Satisfaction.PARTLY))
        ),
    )
    rows = {area.path: StatRow(area) for area in areas}
    # A complaint about a project across streets lies above them: its own row, named by its area.
    above = StatRow(None)
    total = StatRow(None)
    for group in groups:
        one = StatRow(
            None,
            by_category={group["category"]: group["n"]},
            total=group["n"],
            overdue=group["overdue"],
            due=group["due"],
            on_time=group["on_time"],
            judged=group["judged"],
            satisfied=group["satisfied"],
        )
        path = group["region__path"]
        row = next((r for p, r in rows.items() if path.startswith(p)), above)
        row.add(one)
        total.add(one)
    result = list(rows.values())
    if above.total:
        result.append(above)
    keys = Complaint.Category.values
    for row in [*result, total]:
        row.cells = row.categories(keys)  # the category columns, in the order of the header
    return Stats(
        rows=result,
        total=total,
        level_label=Region.Level(level).label,
        categories=list(Complaint.Category.choices),
    )
