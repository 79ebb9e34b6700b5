"""Money by source: for the plan year's projects of the chosen area, what each funding source plans,
has received, has paid out (disbursed) and holds idle, as of the dashboard's date.

The money is the monthly report's: every year of money of the plan year's projects (a plan runs
over several years), receipts dated by ``as_of`` and disbursements released (paid) by it, counter-
entries on their own dates — so the section's received and disbursed totals are the report's
funds_received and funds_disbursed cells (reports.progress.money_figures), split by source.

- planned, received, disbursed: funding.ledger's ``sums_by(rows, "source")`` over the user's ledger
  rows (``ledger_rows(user)``, every year) narrowed to the plan year's projects and to what was
  dated by ``as_of`` (requests: made by it): three GROUP BY queries;
- idle: funding.ledger_warnings' own rule (``idle_warnings``: money that arrived more than the
  city policy's ``funds_idle_days`` ago and lies unused, nothing paid out or requested since),
  judged on ``as_of`` over the same rows, its warnings' amounts summed per source: two queries;
- the sources, in their order (``sources_for``: a street clerk's are the residents'): one query.

Six queries whatever the number of projects, sources and rows."""

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.permissions import can
from funding.ledger import (
    RELEASED,
    REQUESTED,
    ZERO,
    LedgerRows,
    Sums,
    ledger_rows,
    sources_for,
    sums_by,
    total,
)
from funding.ledger_warnings import idle_warnings
from funding.models import FundReceipt
from org.models import Region

from .figures import in_wan, number
from .sections import Section, Table

MEASURES = ("planned", "received", "released", "idle")
_EMPTY = Sums()


def money_rows(scope):
    """The ledger rows the section adds up: the user's, of the plan year's projects, as of the date."""
    rows = ledger_rows(scope.user).for_projects(scope.projects.values("pk"))
    after = timezone.make_aware(
        datetime.datetime.combine(scope.as_of + datetime.timedelta(days=1), datetime.time())
    )
    return LedgerRows(
        plans=rows.plans,
        receipts=rows.receipts.filter(received_on__lte=scope.as_of),
        disbursements=rows.disbursements.filter(
            Q(state=RELEASED, paid_on__lte=scope.as_of) | Q(state=REQUESTED, created_at__lt=after)
        ),
        period=rows.period,
    )


def idle_by_source(rows, as_of):
    """{source pk: yuan lying idle on ``as_of``}: the ledger's idle warnings summed per source."""
    idle = defaultdict(lambda: ZERO)
    for warning in idle_warnings(rows, as_of):
        idle[warning.source_id] += warning.amount
    return idle


def ledger_url(scope, source=None):
    """The funding ledger for every year, narrowed to the chosen district (and a source)."""
    params = {"year": ""}
    district = scope.region if scope.region.level == Region.Level.DISTRICT else None
    if scope.region.level == Region.Level.STREET:
        district = scope.region.parent
    if district is not None:
        params["district"] = district.pk
    if source is not None:
        params["source"] = source
    return f"{reverse('funding:ledger')}?{urlencode(params)}"


def build(scope):
    rows = money_rows(scope)
    sums = {key[0]: value for key, value in sums_by(rows, "source").items()}
    idle = idle_by_source(rows, scope.as_of)
    sources = [s for s in sources_for(scope.user) if not sums.get(s.pk, _EMPTY).is_empty() or idle.get(s.pk)]
    readable = can(scope.user, "view", FundReceipt)
    links = [ledger_url(scope, source.pk) if readable else None for source in sources]
    lines = []
    for source in sources:
        figures = sums.get(source.pk, _EMPTY)
        lines.append((source, figures, idle.get(source.pk, ZERO)))
    all_sums = total(figures for _source, figures, _idle in lines)
    all_idle = sum((amount for _source, _figures, amount in lines), ZERO)

    def cells(name, figures, amount):
        return [
            name, in_wan(figures.planned), in_wan(figures.received), in_wan(figures.released), in_wan(amount),
            figures.receipt_rate, figures.release_rate,
        ]  # fmt: skip

    table = Table(
        title=_("Money by source"),
        columns=[
            _("Funding source"), _("Planned (10,000 yuan)"), _("Received (10,000 yuan)"),
            _("Disbursed (10,000 yuan)"), _("Idle (10,000 yuan)"), _("Received of planned (%)"),
            _("Disbursed of received (%)"),
        ],
        rows=[cells(source.name, figures, amount) for source, figures, amount in lines],
        links=links if readable else [],
        total=cells(_("Total"), all_sums, all_idle) if lines else None,
    )  # fmt: skip
    chart = None
    if lines:
        labels = {
            "planned": str(_("Planned")),
            "received": str(_("Received")),
            "released": str(_("Disbursed")),
            "idle": str(_("Idle")),
        }
        chart = {
            "kind": "money",
            "sources": [source.name for source, _figures, _amount in lines],
            "urls": links,
            "series": [
                {
                    "key": key,
                    "name": labels[key],
                    "values": [
                        number(in_wan(amount if key == "idle" else getattr(figures, key)))
                        for _source, figures, amount in lines
                    ],
                }
                for key in MEASURES
            ],
            "unit": str(_("10,000 yuan")),
        }
    return Section(
        key="money",
        title=_("Money by source"),
        chart=chart,
        tables=[table],
        template="reports/dashboard/_money.html",
        data={
            "ledger_url": ledger_url(scope) if readable else None,
            "received": all_sums.received,
            "released": all_sums.released,
            "idle": all_idle,
        },
    )
