"""KPI cards: the chosen area's quota against the compounds, households and floor area started and
completed, and the investment completed, with rates and the change since the end of last month.

Every number is a cell of the monthly report (reports.progress for the same date): the city's
total row, or the chosen district's row; ``scope.previous`` is the same read as of the last day of
last month."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from funding.ledger import percent

from .figures import in_wan
from .sections import Section, Table


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    unit: str
    quota: object
    started: object  # None: the measure has no “started” (investment)
    completed: object
    start_rate: object
    completion_rate: object
    started_change: object
    completed_change: object


def _change(now, before):
    if before is None or now is None:
        return None
    return now - before


def _cards(figures, previous):
    def was(name, convert=lambda value: value):
        return None if previous is None else convert(getattr(previous, name))

    def rate(part, whole):
        return percent(Decimal(part), whole) if whole else None

    area = (in_wan(figures.started_floor_area), in_wan(figures.completed_floor_area))
    return [
        Card(
            "compounds", _("Compounds"), pgettext_lazy("unit", "compounds"), figures.quota_compounds,
            figures.started_compounds, figures.completed_compounds, figures.start_rate,
            figures.completion_rate, _change(figures.started_compounds, was("started_compounds")),
            _change(figures.completed_compounds, was("completed_compounds")),
        ),
        Card(
            "households", _("Households"), pgettext_lazy("unit", "households"), figures.quota_households,
            figures.started_households, figures.completed_households,
            rate(figures.started_households, figures.quota_households),
            rate(figures.completed_households, figures.quota_households),
            _change(figures.started_households, was("started_households")),
            _change(figures.completed_households, was("completed_households")),
        ),
        Card(
            "floor_area", _("Floor area"), _("10,000 m²"), in_wan(figures.quota_floor_area), *area,
            rate(figures.started_floor_area, figures.quota_floor_area),
            rate(figures.completed_floor_area, figures.quota_floor_area),
            _change(area[0], was("started_floor_area", in_wan)),
            _change(area[1], was("completed_floor_area", in_wan)),
        ),
        Card(
            "investment", _("Investment"), _("10,000 yuan"), in_wan(figures.quota_investment), None,
            in_wan(figures.completed_investment), None, figures.investment_rate, None,
            _change(in_wan(figures.completed_investment), was("completed_investment", in_wan)),
        ),
    ]  # fmt: skip


def build(scope):
    cards = _cards(scope.progress.total, scope.previous.total if scope.previous else None)
    table = Table(
        title=_("Quota and progress"),
        columns=[
            _("Measure"), _("Unit"), _("Quota"), _("Started"), _("Start rate (%)"), _("Completed"),
            _("Completion rate (%)"), _("Started since last month"), _("Completed since last month"),
        ],
        rows=[
            [card.label, card.unit, card.quota, card.started, card.start_rate, card.completed,
             card.completion_rate, card.started_change, card.completed_change]
            for card in cards
        ],
    )  # fmt: skip
    return Section(
        key="kpis",
        title=_("Quota progress at a glance"),
        tables=[table],
        template="reports/dashboard/_kpis.html",
        data=cards,
        width=12,
    )
