"""The warnings of the ledger (资金台账预警), per project, about the money as it stands today
whatever the year chosen (a plan runs over several years); the district and source filters narrow
them. Six queries in all, over the user's restricted rows (a street clerk is warned about the
residents' money only). docs/funding.md (“Warnings”) states each rule:

- **over plan**: what arrived from a source exceeds what the project plans from it (all years);
  the finance bureau confirmed it when recording the receipt (funding.services.OverPlan).
- **paid ahead of progress**: the project's 拨付率 (released ÷ received, all its sources the user
  sees) is above its built percentage: its items' progress weighted by their actual cost, else
  their contract price, else their estimate (the project page's completed investment ÷ the items'
  cost); the plain average of their progress when no item has a cost; 0 without items.
- **idle funds**: part of what a source has available arrived more than N days ago (N: the city
  policy's ``funds_idle_days``, 90 without one), and nothing was paid out or requested from it
  in those N days. The idle amount is what is available less what arrived within the N days.
- **earmarked money for another category**: a disbursement from a source whose category is
  earmarked (``EARMARKS``: central and provincial subsidies pay basic and improvement items only,
  国办发〔2020〕23号) pays for an item of another category (提升类, 室内装修类), unless it was
  refused, withdrawn or taken back.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Case,
    DateField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)  # fmt: skip
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import format_wan
from projects.models import ItemCategory, ProjectItem

from .ledger import RELEASED, TENTH, ZERO, SubqueryOrZero, ledger_rows, percent
from .models import DEFAULT_IDLE_DAYS, FundingPolicy, FundingSource

C = FundingSource.Category
# Source categories whose money is earmarked (专款专用), and the item categories it may pay for.
EARMARKS = {
    C.CENTRAL: ("basic", "improve"),
    C.PROVINCIAL: ("basic", "improve"),
}


class Kind:
    OVER_PLAN = "over_plan"
    PAID_AHEAD = "paid_ahead"
    IDLE = "idle"
    EARMARK = "earmark"


KIND_LABELS = {
    Kind.OVER_PLAN: gettext_lazy("received above plan"),
    Kind.PAID_AHEAD: gettext_lazy("paid ahead of progress"),
    Kind.IDLE: gettext_lazy("idle funds"),
    Kind.EARMARK: gettext_lazy("earmarked money for another category"),
}


@dataclass(frozen=True)
class LedgerWarning:
    """One warning about one project's money; ``text`` says what and by how much."""

    kind: str
    project_id: int
    project_name: str
    text: str
    source_id: int | None = None  # idle funds: the source lying idle, and how much (yuan)
    amount: Decimal | None = None

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def url(self):
        return reverse("funding:project_funding", args=[self.project_id])


def ledger_warnings(user, *, district=None, source=None, today=None):
    """Every warning of ``user``'s ledger, by kind then project name: six queries, each returning
    only what it flags (paid ahead: the projects that paid something, compared in Python)."""
    today = today or timezone.localdate()
    rows = ledger_rows(user, district=district, source=source)
    found = [
        *_over_plan(rows),
        *_paid_ahead(rows),
        *idle_warnings(rows, today),
        *_earmarked(rows),
    ]
    order = list(KIND_LABELS)
    return sorted(found, key=lambda w: (order.index(w.kind), w.project_name, w.project_id, w.text))


def _wan(amount):
    return format_wan(amount)


def _sum_of(queryset, *keys):
    """The sum of ``queryset``'s amounts with the outer row's ``keys`` (a correlated subquery)."""
    matching = queryset.filter(**{key: OuterRef(key) for key in keys}).order_by()
    return Subquery(matching.values(*keys).annotate(total=Sum("amount")).values("total"))


def _over_plan(rows):
    planned = _sum_of(rows.plans, "project", "source")
    over = (
        rows.receipts.values("project", "source", "project__name", "source__name")
        .annotate(received=Sum("amount"))
        .filter(received__gt=SubqueryOrZero(planned, Value(ZERO)))
        .annotate(planned=planned)
    )
    for row in over:
        yield LedgerWarning(
            Kind.OVER_PLAN,
            row["project"],
            row["project__name"],
            _("%(source)s: %(received)s 万元 received, above its plan of %(planned)s 万元")
            % {
                "source": row["source__name"],
                "received": _wan(row["received"]),
                "planned": _wan(row["planned"] or ZERO),
            },
        )


def _cost_weight():
    # As the project's money page weighs its completed investment (funding.pages.selectors).
    return Coalesce("actual_cost", "bid_price", "estimated_cost", Value(ZERO))


def _paid_ahead(rows):
    """Per project: what it released and received from the sources the user sees, against how far
    its items are built (one query for the items of the projects that paid something)."""
    paying = (
        rows.disbursements.filter(state=RELEASED)
        .values("project", "project__name")
        .annotate(released=Sum("amount"))
        .filter(released__gt=0)
        .annotate(received=_sum_of(rows.receipts, "project"))
    )
    built = {
        row["project"]: row
        for row in ProjectItem.objects.filter(
            project__in=rows.disbursements.filter(state=RELEASED).values("project")
        )
        .values("project")
        .annotate(
            weighted=Sum(_cost_weight() * F("progress")), weight=Sum(_cost_weight()), average=Avg("progress")
        )
        .order_by()
    }
    for row in paying:
        received, released = row["received"] or ZERO, row["released"]
        if received <= 0:
            continue
        done = _built(built.get(row["project"]))
        paid = percent(released, received)
        if paid > done:
            yield LedgerWarning(
                Kind.PAID_AHEAD,
                row["project"],
                row["project__name"],
                _(
                    "%(paid)s%% of what arrived is paid out (%(released)s of %(received)s 万元), the works are %(built)s%% done"
                )
                % {"paid": paid, "released": _wan(released), "received": _wan(received), "built": done},
            )


def _built(row):
    """The built percentage of a project from its items' sums (see the module's docstring)."""
    if row is None:
        built = Decimal(0)
    elif row["weight"]:
        built = Decimal(row["weighted"]) / Decimal(row["weight"])
    else:
        built = Decimal(str(row["average"] or 0))
    return built.quantize(TENTH, rounding=ROUND_HALF_UP)


def idle_days_by_city(city_ids, today):
    """{city pk: the days after which money is idle} from each city's funding policy in force."""
    days = {}
    sections = (
        FundingPolicy.objects.filter(policy__city__in=city_ids, policy__effective_from__lte=today)
        .order_by("policy__city", "-policy__effective_from")
        .values_list("policy__city", "funds_idle_days")
    )
    for city, idle in sections:
        days.setdefault(city, idle)
    return days


def idle_warnings(rows, today):
    """Per project and source: one query for the cities' policies (each city has its own N), one
    for the money: what arrived before the cutoff and is still available, where nothing moved out
    since the cutoff. Each warning carries its source and idle amount (the dashboard sums them)."""
    days = idle_days_by_city(rows.receipts.values("city").distinct(), today)
    cutoff = Case(
        *(When(city=city, then=Value(today - datetime.timedelta(days=n))) for city, n in days.items()),
        default=Value(today - datetime.timedelta(days=DEFAULT_IDLE_DAYS)),
        output_field=DateField(),
    )
    # Money moves out on the day it is paid, or asked for; a counter-entry moves nothing.
    moved = (
        rows.disbursements.filter(
            project=OuterRef("project"), source=OuterRef("source"), reverses__isnull=True
        )
        .annotate(moved_on=Coalesce("paid_on", TruncDate("created_at")))
        .order_by()
    )
    committed = _sum_of(rows.disbursements, "project", "source")
    idle = (
        rows.receipts.annotate(cutoff=cutoff)
        .filter(~Exists(moved.filter(moved_on__gte=OuterRef("cutoff"))))
        .values("project", "source", "project__name", "source__name", "cutoff")
        .annotate(
            received=Sum("amount"),
            recent=Coalesce(
                Sum("amount", filter=Q(received_on__gte=F("cutoff"), reverses__isnull=True)), Value(ZERO)
            ),
            first=Min("received_on"),
        )
        .filter(received__gt=F("recent") + SubqueryOrZero(committed, Value(ZERO)))
        .annotate(
            committed=committed,
            last_out=Subquery(moved.values("project", "source").annotate(v=Max("moved_on")).values("v")),
        )
    )
    for row in idle:
        amount = row["received"] - (row["committed"] or ZERO) - row["recent"]
        if row["last_out"] is None:
            since = _("nothing paid out since it first arrived on %(date)s") % {
                "date": row["first"].isoformat()
            }
        else:
            since = _("last paid out or requested on %(date)s") % {"date": row["last_out"].isoformat()}
        yield LedgerWarning(
            Kind.IDLE,
            row["project"],
            row["project__name"],
            _("%(source)s: %(idle)s 万元 idle for more than %(days)s days (%(since)s)")
            % {
                "source": row["source__name"],
                "idle": _wan(amount),
                "days": (today - row["cutoff"]).days,
                "since": since,
            },
            source_id=row["source"],
            amount=amount,
        )


def _earmarked(rows):
    """Per payment, the items of categories its source may not pay for: the user's payments (not
    taken back) joined to the items they name, one row per item; one query per set of categories
    allowed (one today: ``EARMARKS``)."""
    sources_by_allowed = {}
    for category, allowed in EARMARKS.items():
        sources_by_allowed.setdefault(tuple(sorted(allowed)), []).append(category)
    wrong = []
    for allowed, categories in sources_by_allowed.items():
        wrong += (
            rows.disbursements.filter(reverses__isnull=True, reversal__isnull=True, source__category__in=categories)
            .filter(items__item__category__in=ItemCategory.objects.exclude(code__in=allowed))
            .values("pk", "project", "project__name", "source__name", "amount", "payee", "items__item__name",
                    "items__item__category__name")
            .order_by("pk", "items__item__category__order", "items__item__order")
        )  # fmt: skip
    payments = {}
    for row in wrong:
        payment = payments.setdefault(row["pk"], {"row": row, "items": []})
        payment["items"].append(f"{row['items__item__name']}（{row['items__item__category__name']}）")
    for payment in payments.values():
        row = payment["row"]
        yield LedgerWarning(
            Kind.EARMARK,
            row["project"],
            row["project__name"],
            _("%(source)s: %(amount)s 万元 to %(payee)s pays for %(items)s")
            % {
                "source": row["source__name"],
                "amount": _wan(row["amount"]),
                "payee": row["payee"],
                "items": "、".join(payment["items"]),
            },
        )
