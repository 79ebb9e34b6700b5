"""Residents' voice: how far the residents of the chosen area's plan-year compounds support their
renovation, how satisfied those of completed ones are, and the complaints waiting for an answer.

Shown only to users who read residents' surveys (``can(user, "view", SurveyResponse)``); the
complaints part only to those who read complaints. No resident's name or phone is read here: every
figure is a count or a rate.

- **Support** (支持率): the compounds of the plan year's projects (the user's restricted ones), read
  from their stored support (residents.models.CompoundSupport, kept equal to
  residents.results.selectors.compound_support): how many have a needs survey, how many meet the
  city's support threshold and how many pass (threshold and participation); the area's rate is
  agreeing ÷ households over the compounds surveyed (as a campaign's total row counts it), judged
  against the city's residents' rules in force (``rules_by_city``). Two queries.
- **Satisfaction** (满意度): the average overall score (1–5) of the satisfaction surveys' answers
  given in the area in the plan year, by the dashboard's date (completed projects are surveyed
  after completion, mostly of earlier plan years), and their distribution, counted with the
  results page's own aggregates (``ANSWER_FIGURES`` into a ``Figures``). One query.
- **Complaints** (投诉): the user's complaints in the chosen area (``complaints_for_list``), open
  (received or assigned) and overdue (``overdue_q``) as they stand today — a complaint's state has
  no history — and, of those received in the plan year by the date, the share closed satisfied or
  partly satisfied (``StatRow.satisfaction_rate``). One query. Each count links to the complaint
  list filtered alike.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.permissions import can
from org.models import Region
from projects.models import Compound, ProjectCompound
from residents.complaints.selectors import OPEN, StatRow, complaints_for_list, overdue_q
from residents.models import Complaint, SurveyCampaign, SurveyResponse
from residents.results.selectors import ANSWER_FIGURES, SCORES, Figures, _fill, rate, rules_by_city

from .figures import number
from .sections import Section, Table

SATISFIED = (Complaint.Satisfaction.SATISFIED, Complaint.Satisfaction.PARTLY)


def area_compounds(scope):
    """The compounds of the plan year's projects of the area that the user may see."""
    links = ProjectCompound.objects.filter(project__in=scope.projects.values("pk")).values("compound")
    return Compound.objects.restrict(scope.user).filter(pk__in=links).order_by()


def support_figures(scope, compounds):
    """Counts of the compounds' stored support: one query."""
    return compounds.aggregate(
        compounds=Count("pk"),
        surveyed=Count("pk", filter=Q(residents_support__campaign__isnull=False)),
        meeting=Count("pk", filter=Q(residents_support__meets_threshold=True)),
        passing=Count("pk", filter=Q(residents_support__passes=True)),
        households=Sum("residents_support__households", filter=Q(residents_support__campaign__isnull=False)),
        agreeing=Sum("residents_support__agreeing", filter=Q(residents_support__campaign__isnull=False)),
    )


def satisfaction_figures(scope):
    """The satisfaction surveys' answers given in the area in the plan year by the date, counted as
    a campaign's results page counts its total: one query."""
    row = (
        SurveyResponse.objects.restrict(scope.user)
        .filter(
            campaign__kind=SurveyCampaign.Kind.SATISFACTION,
            household__compound__community__path__startswith=scope.region.path,
            answered_on__year=scope.year,
            answered_on__lte=scope.as_of,
        )
        .order_by()
        .aggregate(**ANSWER_FIGURES)
    )
    figures = Figures("", 0)
    _fill(figures, row)
    return figures


def complaint_figures(scope):
    """Counts of the user's complaints in the area: one query."""
    year = Q(received_on__year=scope.year, received_on__lte=scope.as_of)
    return (
        complaints_for_list(scope.user)
        .filter(region__path__startswith=scope.region.path)
        .order_by()
        .aggregate(
            received=Count("pk", filter=Q(status=Complaint.Status.RECEIVED)),
            assigned=Count("pk", filter=Q(status=Complaint.Status.ASSIGNED)),
            open=Count("pk", filter=Q(status__in=OPEN)),
            overdue=Count("pk", filter=overdue_q()),
            year=Count("pk", filter=year),
            judged=Count("pk", filter=year & ~Q(satisfaction="")),
            satisfied=Count("pk", filter=year & Q(satisfaction__in=SATISFIED)),
        )
    )


def _decimal(value):
    return None if value is None else Decimal(str(value))


def complaint_url(scope, **filters):
    """The complaint list narrowed to the chosen area (its district, its street) and ``filters``."""
    params = {}
    if scope.region.level == Region.Level.DISTRICT:
        params["district"] = scope.region.pk
    elif scope.region.level == Region.Level.STREET:
        params.update(district=scope.region.parent_id, street=scope.region.pk)
    params.update(filters)
    return f"{reverse('residents:complaint_list')}?{urlencode(params)}"


def _complaints_table(complaints, measure, value):
    lines = [
        (_("Open complaints"), complaints["open"], complaints["open_url"]),
        (_("Received, not yet assigned"), complaints["received"], complaints["received_url"]),
        (_("Assigned, not yet answered"), complaints["assigned"], complaints["assigned_url"]),
        (_("Overdue complaints"), complaints["overdue"], complaints["overdue_url"]),
        (_("Complaints received this plan year"), complaints["year"], None),
        (_("Closed satisfied or partly satisfied (%)"), complaints["satisfaction_rate"], None),
    ]
    return Table(
        title=_("Complaints"),
        columns=[measure, value],
        rows=[[label, figure] for label, figure, _link in lines],
        links=[link for _label, _figure, link in lines],
    )


def build(scope):
    if not can(scope.user, "view", SurveyResponse):
        return None
    compounds = area_compounds(scope)
    support = support_figures(scope, compounds)
    rules = rules_by_city([scope.city.pk])[scope.city.pk]
    support_rate = rate(support["agreeing"] or 0, support["households"] or 0)
    satisfaction = satisfaction_figures(scope)
    complaints = None
    if can(scope.user, "view", Complaint):
        counts = complaint_figures(scope)
        verdicts = StatRow(None, judged=counts["judged"], satisfied=counts["satisfied"])
        complaints = {
            **counts,
            "satisfaction_rate": _decimal(verdicts.satisfaction_rate),
            "open_url": complaint_url(scope),
            "received_url": complaint_url(scope, status=Complaint.Status.RECEIVED),
            "assigned_url": complaint_url(scope, status=Complaint.Status.ASSIGNED),
            "overdue_url": complaint_url(scope, overdue="true"),
        }

    measure, value = _("Measure"), _("Value")
    support_table = Table(
        title=_("Residents' support"),
        columns=[measure, value],
        rows=[
            [_("Compounds of the plan year's projects"), support["compounds"]],
            [_("Compounds with a needs survey"), support["surveyed"]],
            [_("Compounds meeting the support threshold"), support["meeting"]],
            [_("Compounds meeting threshold and participation"), support["passing"]],
            [_("Support rate of the surveyed compounds (%)"), support_rate],
            [_("Support threshold (%)"), rules.support_threshold],
        ],
    )
    satisfaction_table = Table(
        title=_("Satisfaction surveys of %(year)s") % {"year": scope.year},
        columns=[measure, value],
        rows=[
            [_("Answers"), satisfaction.answered],
            [_("Average overall score (1–5)"), satisfaction.overall_average],
            *[
                [_("Answers scoring %(score)s") % {"score": score}, count]
                for score, count in zip(SCORES, satisfaction.distribution, strict=True)
            ],
        ],
    )
    tables = [support_table, satisfaction_table]
    if complaints is not None:
        tables.append(_complaints_table(complaints, measure, value))
    chart = {
        "kind": "voice",
        "support": number(support_rate),
        "threshold": number(rules.support_threshold),
        "score": number(satisfaction.overall_average),
        "labels": {
            "support": str(_("Support rate (%)")),
            "threshold": str(_("threshold")),
            "score": str(_("Satisfaction (average score of 5)")),
            "none": str(_("no answers yet")),
        },
    }
    return Section(
        key="voice",
        title=_("Residents' voice"),
        chart=chart,
        tables=tables,
        template="reports/dashboard/_voice.html",
        data={
            "support": support,
            "support_rate": support_rate,
            "threshold": rules.support_threshold,
            "satisfaction": satisfaction,
            "complaints": complaints,
        },
    )
