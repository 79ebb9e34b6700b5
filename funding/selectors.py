"""The reads of funding: a project's balances per source, its plan and ledger, restricted lists."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from core.bulk import chunked

from .models import Disbursement, FundingPlanLine, FundReceipt

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Balance:
    """One project's money from one source (or all sources), in yuan."""

    planned: Decimal = ZERO
    received: Decimal = ZERO
    released: Decimal = ZERO  # paid out, counter-entries included
    requested: Decimal = ZERO  # under review: reserved, not yet paid

    @property
    def committed(self):
        return self.released + self.requested

    @property
    def available(self):
        """What a new request may still take."""
        return self.received - self.committed


def balance_of(project, source=None):
    """The balance of ``project`` from ``source`` (every source when None): three sums."""
    where = {"project": project} if source is None else {"project": project, "source": source}
    planned = FundingPlanLine.objects.filter(**where).aggregate(s=Sum("amount"))["s"] or ZERO
    received = FundReceipt.objects.filter(**where).aggregate(s=Sum("amount"))["s"] or ZERO
    paid = Disbursement.objects.filter(**where).aggregate(
        released=Sum("amount", filter=Q(state=Disbursement.State.RELEASED)),
        requested=Sum("amount", filter=Q(state=Disbursement.State.REQUESTED)),
    )
    return Balance(
        planned=_fen(planned),
        received=_fen(received),
        released=_fen(paid["released"]),
        requested=_fen(paid["requested"]),
    )


def balances_by_source(project_ids):
    """{(project id, source id): Balance} of many projects at once, in three grouped sums (an import
    checks a whole file against them); a pair without money has no key."""
    project_ids, pairs, sums = list(project_ids), ("project_id", "source_id"), {}
    planned = FundingPlanLine.objects.values(*pairs).annotate(planned=Sum("amount"))
    received = FundReceipt.objects.values(*pairs).annotate(received=Sum("amount"))
    paid = Disbursement.objects.values(*pairs).annotate(
        released=Sum("amount", filter=Q(state=Disbursement.State.RELEASED)),
        requested=Sum("amount", filter=Q(state=Disbursement.State.REQUESTED)),
    )
    for rows, names in ((planned, ["planned"]), (received, ["received"]), (paid, ["released", "requested"])):
        for ids in chunked(project_ids):
            for row in rows.filter(project_id__in=ids).order_by():
                figures = sums.setdefault((row["project_id"], row["source_id"]), {})
                figures.update({name: _fen(row[name]) for name in names})
    return {key: Balance(**figures) for key, figures in sums.items()}


def _fen(total):
    """SQLite sums decimals as floats (60000 − 60000 + 0.01 → 0.0100000000002183): back to the
    fen the ledger counts in, so a comparison never turns on float noise. PostgreSQL's sums are exact."""
    return (total or ZERO).quantize(CENT)
