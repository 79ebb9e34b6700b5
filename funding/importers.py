"""Spreadsheet import and export of a project's money: its plan (``import_data funding_plans``),
what arrived (``receipts``) and what was paid out before the portal (``disbursements``).

The rules are the ledger's (funding.services): a plan line per project, source and year; a receipt
that takes what arrived from a source above its plan needs the row's confirmation; for each
project and source, what is paid out and under review never exceeds what arrived. A file is
checked against lookups and grouped sums loaded once, so the queries do not grow with its rows;
its commit locks the projects it names first, as every money service does, so what it was checked
against is what it is saved over. Amounts are in 万元, as on the pages (docs/money.md).

Importing the same file twice records it once. A plan line is its project, source and year. A
receipt is its project, source and document number (文号); one already recorded with the same
date, amount, account and note is left alone, one with other figures is refused (a receipt is not
edited: it is reversed on the money page). A disbursement is its voucher number (凭证号, unique in
the city): an imported one is a payment released before the portal, recorded as released without
going through the disbursement flow; only the finance bureau imports receipts and payments.
"""

import hashlib
from dataclasses import replace
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import bulk_audit
from core.bulk import bulk_apply_changes, chunked, group_by
from core.importing import (
    CellError,
    Column,
    Importer,
    change_text,
    date,
    described,
    integer,
    register_importer,
    text,
)
from core.models import AuditEntry
from core.money import export_wan, format_wan, wan_cell
from org.models import Organisation
from projects.models import Project

from .models import Disbursement, FundingPlanLine, FundingSource, FundReceipt
from .selectors import Balance, balances_by_source

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_WAN = Decimal("99999999.999999")  # the most a MONEY field stores, in 万元
PROJECT, SOURCE, AMOUNT = "项目编号", "资金来源", "金额（万元）"
CONFIRM = "确认超计划"
YES_NO = {"是": "yes", "否": "no"}
MONEY_HELP = gettext_lazy("In 10k yuan (万元), as on the pages: 24 is 240,000 yuan, 0.0024 is 24 yuan.")


@described(lambda: _("Number in 10k yuan (万元), at most 6 decimal places, greater than 0"))
def positive_wan(value):
    stored = wan_cell(value, minimum=None, maximum=MAX_WAN)
    if stored is not None and stored <= 0:
        raise CellError(_("Must be greater than %(n)s.") % {"n": 0})
    return stored


@described(lambda: _("A year from %(first)d to %(last)d") % {"first": FIRST_YEAR, "last": LAST_YEAR})
def plan_year(value):
    return integer(value, minimum=FIRST_YEAR, maximum=LAST_YEAR)


def source_choices():
    """资金来源 as a file writes it (the source's name) → its code: every source, in use or not, so
    an export of older entries imports again."""
    return dict(FundingSource.objects.order_by("order", "code").values_list("name", "code"))


class WithSources:
    """A kind's columns, the 资金来源 drop-down read from the sources of the moment: sources are
    reference data an administrator adds to, so the list cannot be fixed when the class is
    defined. A descriptor, because ``columns`` is read from the class and from its instances."""

    def __init__(self, *columns):
        self.columns = columns

    def __get__(self, instance, owner):
        choices = source_choices()
        return tuple(replace(c, choices=choices) if c.key == "source" else c for c in self.columns)


def project_column():
    return Column(PROJECT, "project", required=True, parse=partial(text, max_length=40), example="ZD-2026-01",
                  help=gettext_lazy("The code of a project in your area."))  # fmt: skip


def source_column():
    return Column(SOURCE, "source", required=True, example="市级财政资金", width=20,
                  help=gettext_lazy("The funding source, by its name (the template offers the list)."))  # fmt: skip


def records_money(user, permission):
    """What arrived and what was paid out are the finance bureau's to record (funding.services)."""
    if not user.is_authenticated or not user.has_perm(permission):
        return False
    organisation = user.organisation
    return organisation is not None and organisation.kind == Organisation.Kind.FINANCE


def lock_projects(pks):
    """In the commit's transaction, the projects locked in order, as each money service locks its
    project before reading a balance. A dry run, outside any transaction, only reads."""
    if not transaction.get_connection().in_atomic_block:
        return
    for ids in chunked(sorted(pks)):
        list(
            Project.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk")
        )


def past_date(value):
    """A date something happened on: today at the latest."""
    day = date(value)
    if day is not None and day > timezone.localdate():
        raise CellError(_("The date cannot be in the future."))
    return day


past_date.describe = date.describe


class MoneyImporter(Importer):
    """What the three kinds share: the projects and sources a file names, found in one pass."""

    def sources(self):
        return {source.code: source for source in FundingSource.objects.all()}

    def projects(self, rows):
        """Code → projects the user's money writes reach (the services' ``restrict(user)``)."""
        codes = {values["project"] for _number, values in rows if values.get("project")}
        found = []
        for chunk in chunked(codes):
            found += Project.objects.restrict(self.user).filter(code__in=chunk).select_related("region").only(
                "pk", "code", "name", "city_id", "region__path"
            )  # fmt: skip
        return group_by(found, lambda project: project.code)

    def resolve(self, rows, report):
        """[(number, values, project, source)] of the rows whose project and source are known and
        whose cells all parsed; the projects locked when committing."""
        projects, sources, resolved = self.projects(rows), self.sources(), []
        for number, values in rows:
            project = values.get("project") and self.find_project(number, values["project"], projects, report)
            if project and not report.has_errors(number):
                resolved.append((number, values, project, sources[values["source"]]))
        lock_projects({project.pk for _n, _v, project, _s in resolved})
        return resolved

    def find_project(self, number, code, projects, report):
        matches = projects.get(code, [])
        if not matches:
            report.add_error(number, PROJECT, _("No project with this code in your area."))
            return None
        if len(matches) > 1:
            report.add_error(number, PROJECT, _("Projects of several cities in your area have this code."))
            return None
        return matches[0]

    def audit(self, entries):
        """One entry per row written, in its project's area."""
        bulk_audit(
            actor=self.user,
            entries=entries,
            summary=_("spreadsheet import"),
            region_paths=[obj.project.region.path for obj, _action, _changes in entries],
        )


def _changes(obj, fields):
    return {name: change_text(getattr(obj, name)) for name in fields} | {"source": obj.source.name}


# --- The plan ------------------------------------------------------------------------------------

PLAN_VALUES = ("amount", "basis", "note")


@register_importer
class FundingPlanImporter(MoneyImporter):
    kind = "funding_plans"
    label = gettext_lazy("funding plans")
    model = FundingPlanLine
    columns = WithSources(
        project_column(),
        source_column(),
        Column("年度", "year", required=True, parse=plan_year, example=2026,
               help=gettext_lazy("The year the money is planned for; a plan may run over several years.")),
        Column("计划金额（万元）", "amount", required=True, parse=positive_wan, example=40, help=MONEY_HELP),
        Column("测算依据", "basis", parse=partial(text, max_length=300), width=40,
               help=gettext_lazy("How the amount was worked out (a rule, its document number, its figures).")),
        Column("备注", "note", parse=partial(text, max_length=200), width=30,
               help=gettext_lazy("Anything else worth knowing.")),
    )  # fmt: skip

    def plan(self, rows, report):
        resolved = self.resolve(rows, report)
        existing = {}
        for ids in chunked({project.pk for _n, _v, project, _s in resolved}):
            for line in (
                FundingPlanLine.objects.filter(project_id__in=ids)
                .order_by()
                .values("pk", "project_id", "source_id", "year", *PLAN_VALUES)
            ):
                existing[(line["project_id"], line["source_id"], line["year"])] = line
        creates, updates, seen = [], [], {}
        for number, values, project, source in resolved:
            key = (project.pk, source.pk, values["year"])
            if key in seen:
                report.add_error(number, "年度", _("Same plan line as row %(row)d.") % {"row": seen[key]})
                continue
            seen[key] = number
            data = {k: values[k] for k in PLAN_VALUES if k in values}  # a column left out changes nothing
            old = existing.get(key)
            if old is None:
                report.new += 1
                creates.append(FundingPlanLine(project=project, source=source, year=values["year"], **data))
                continue
            changed = {k: v for k, v in data.items() if old[k] != v}
            if changed:
                report.updated += 1
                updates.append((project, source, old["pk"], changed))
            else:
                report.unchanged += 1
        return creates, updates

    def save(self, plan, report):
        creates, updates = plan
        FundingPlanLine.objects.bulk_create(creates, batch_size=1000)
        entries = [
            (line, AuditEntry.Action.IMPORT, _changes(line, ("year", *PLAN_VALUES))) for line in creates
        ]
        applied = bulk_apply_changes(FundingPlanLine, {pk: changed for _p, _s, pk, changed in updates})
        for project, source, pk, _changed in updates:
            if pk in applied:
                line, diff = applied[pk]
                line.project, line.source = project, source  # for the entry's text, without a query
                changes = {k: [change_text(old), change_text(new)] for k, (old, new) in diff.items()}
                entries.append((line, AuditEntry.Action.UPDATE, changes))
        self.audit(entries)

    def export_rows(self, queryset):
        for line in queryset.select_related("project", "source").iterator(chunk_size=2000):
            yield (
                line.project.code,
                line.source.name,
                line.year,
                export_wan(line.amount),
                line.basis,
                line.note,
            )


# --- Receipts ------------------------------------------------------------------------------------

RECEIPT_VALUES = ("received_on", "amount", "account", "note")


@register_importer
class FundReceiptImporter(MoneyImporter):
    kind = "receipts"
    label = gettext_lazy("fund receipts")
    model = FundReceipt
    columns = WithSources(
        project_column(),
        source_column(),
        Column("到位日期", "received_on", required=True, parse=past_date, example="2026-05-10",
               help=gettext_lazy("The day the money arrived in the account; today at the latest.")),
        Column(AMOUNT, "amount", required=True, parse=positive_wan, example=40, help=MONEY_HELP),
        Column("文号", "document_number", required=True, parse=partial(text, max_length=60), example="淄财建〔2026〕8号",
               width=22, help=gettext_lazy("The document that allocated the money. With the project and the source it "
                                           "names the receipt: importing the same row again records nothing new.")),
        Column("到账账户", "account", parse=partial(text, max_length=100), width=24,
               help=gettext_lazy("The account the money arrived in.")),
        Column("备注", "note", parse=partial(text, max_length=200), width=30,
               help=gettext_lazy("Anything else worth knowing.")),
        Column(CONFIRM, "confirm_over_plan", choices=YES_NO,
               help=gettext_lazy("是: record the receipt even though it takes what arrived from the source above its "
                                 "plan. Empty: 否, and such a row is refused.")),
    )  # fmt: skip

    @classmethod
    def allowed(cls, user):
        return records_money(user, "funding.add_fundreceipt")

    def plan(self, rows, report):
        resolved = self.resolve(rows, report)
        ids = {project.pk for _n, _v, project, _s in resolved}
        live, taken_back = {}, {}
        for chunk in chunked(ids):
            receipts = FundReceipt.objects.filter(project_id__in=chunk, reverses__isnull=True).order_by()
            reversed_pks = set(
                FundReceipt.objects.filter(project_id__in=chunk, reverses__isnull=False).values_list("reverses_id", flat=True)
            )  # fmt: skip
            for row in receipts.values("pk", "project_id", "source_id", "document_number", *RECEIPT_VALUES):
                key = (row["project_id"], row["source_id"], row["document_number"])
                (taken_back if row["pk"] in reversed_pks else live).setdefault(key, []).append(row)
        balances = balances_by_source(ids)
        received, creates, seen = {}, [], {}
        for number, values, project, source in resolved:
            key = (project.pk, source.pk, values["document_number"])
            if key in seen:
                report.add_error(number, "文号", _("Same receipt as row %(row)d.") % {"row": seen[key]})
                continue
            seen[key] = number
            if report.has_errors(number):
                continue
            same = [r for r in live.get(key, []) if all(r[k] == values.get(k, "") for k in RECEIPT_VALUES)]
            if same:
                report.unchanged += 1
                continue
            if live.get(key):
                first = live[key][0]
                report.add_error(number, "文号", _(
                    "This project's receipt from %(source)s with this document number is recorded as %(day)s, "
                    "%(amount)s 万元. A receipt is not changed by an import: reverse it on the project's money "
                    "page, then import the corrected row."
                ) % {"source": source, "day": first["received_on"], "amount": format_wan(first["amount"])})  # fmt: skip
                continue
            if any(all(r[k] == values.get(k, "") for k in RECEIPT_VALUES) for r in taken_back.get(key, [])):
                report.add_error(number, "文号", _(
                    "This receipt was recorded and then reversed: an import does not record it again. Record it "
                    "on the project's money page if it did arrive."
                ))  # fmt: skip
                continue
            balance = balances.get((project.pk, source.pk), Balance())
            after = received.get((project.pk, source.pk), balance.received) + values["amount"]
            if after > balance.planned and values.get("confirm_over_plan") != "yes":
                report.add_error(number, AMOUNT, _(
                    "With this row %(source)s will have brought %(after)s 万元 to the project, above its plan of "
                    "%(planned)s 万元. Write 是 in “%(column)s” to record it anyway."
                ) % {"source": source, "after": format_wan(after), "planned": format_wan(balance.planned),
                     "column": CONFIRM})  # fmt: skip
                continue
            received[(project.pk, source.pk)] = after
            report.new += 1
            data = {k: values.get(k, "") for k in RECEIPT_VALUES}
            creates.append(
                FundReceipt(project=project, city_id=project.city_id, source=source, recorded_by=self.user,
                            document_number=values["document_number"], **data)
            )  # fmt: skip
        return creates

    def save(self, plan, report):
        FundReceipt.objects.bulk_create(plan, batch_size=1000)
        fields = ("received_on", "amount", "document_number", "account", "note")
        self.audit([(receipt, AuditEntry.Action.IMPORT, _changes(receipt, fields)) for receipt in plan])

    def export_rows(self, queryset):
        """The receipts that count: not the counter-entries, nor the receipts they took back (the
        money page and the ledger show both)."""
        counting = queryset.filter(reverses__isnull=True, reversal__isnull=True)
        for r in counting.select_related("project", "source").iterator(chunk_size=2000):
            yield (r.project.code, r.source.name, r.received_on, export_wan(r.amount), r.document_number, r.account,
                   r.note, None)  # fmt: skip


# --- Disbursements released before the portal ----------------------------------------------------

PAYMENT_VALUES = ("paid_on", "amount", "payee", "purpose", "note")


def idempotency_key(city_id, voucher_number):
    """An imported payment's key, from what names it (its voucher in its city): the same row twice
    is one payment even if two imports commit at once."""
    return "import:" + hashlib.sha256(f"{city_id}:{voucher_number}".encode()).hexdigest()[:40]


@register_importer
class DisbursementImporter(MoneyImporter):
    kind = "disbursements"
    label = gettext_lazy("disbursements")
    model = Disbursement
    columns = WithSources(
        project_column(),
        source_column(),
        Column("拨付日期", "paid_on", required=True, parse=past_date, example="2026-06-20",
               help=gettext_lazy("The day the money was paid out; today at the latest.")),
        Column(AMOUNT, "amount", required=True, parse=positive_wan, example=10, help=MONEY_HELP),
        Column("收款单位", "payee", required=True, parse=partial(text, max_length=100), example="淄博建工集团有限公司",
               width=24, help=gettext_lazy("Who was paid.")),
        Column("用途", "purpose", required=True, parse=partial(text, max_length=200), example="首期工程款", width=24,
               help=gettext_lazy("What the money paid for.")),
        Column("凭证号", "voucher_number", required=True, parse=partial(text, max_length=60), example="记-2026-0001",
               width=18, help=gettext_lazy("The payment voucher, unique in the city: it names the payment, so "
                                           "importing the same row again records nothing new.")),
        Column("备注", "note", parse=partial(text, max_length=200), width=30,
               help=gettext_lazy("Anything else worth knowing.")),
    )  # fmt: skip

    @classmethod
    def allowed(cls, user):
        # Payments released before the portal are the finance bureau's book, as taking one back is.
        return records_money(user, "funding.reverse_disbursement")

    def plan(self, rows, report):
        resolved = self.resolve(rows, report)
        ids = {project.pk for _n, _v, project, _s in resolved}
        cities = {project.city_id for _n, _v, project, _s in resolved}
        vouchers = {values["voucher_number"] for _n, values, _p, _s in resolved}
        existing, reversed_pks = {}, set()
        for chunk in chunked(vouchers):
            found = Disbursement.objects.filter(city_id__in=cities, voucher_number__in=chunk).order_by()
            for row in found.values("pk", "city_id", "voucher_number", "project_id", "project__name", "source_id",
                                    *PAYMENT_VALUES):  # fmt: skip
                existing[(row["city_id"], row["voucher_number"])] = row
            reversed_pks |= set(
                Disbursement.objects.filter(reverses__in=found).values_list("reverses_id", flat=True)
            )
        balances = balances_by_source(ids)
        left, creates, seen = {}, [], {}
        for number, values, project, source in resolved:
            key = (project.city_id, values["voucher_number"])
            if key in seen:
                report.add_error(
                    number, "凭证号", _("Same voucher number as row %(row)d.") % {"row": seen[key]}
                )
                continue
            seen[key] = number
            if report.has_errors(number):
                continue
            old = existing.get(key)
            if old is not None:
                self.check_same(number, values, project, source, old, old["pk"] in reversed_pks, report)
                continue
            pair = (project.pk, source.pk)
            balance = balances.get(pair, Balance())
            available = left.get(pair, balance.available)
            if values["amount"] > available:
                report.add_error(number, AMOUNT, _(
                    "Only %(available)s 万元 of %(source)s is left to pay out: %(received)s 万元 received, "
                    "%(released)s 万元 paid out, %(requested)s 万元 under review, %(above)s 万元 in the rows above."
                ) % {"available": format_wan(available), "source": source, "received": format_wan(balance.received),
                     "released": format_wan(balance.released), "requested": format_wan(balance.requested),
                     "above": format_wan(balance.available - available)})  # fmt: skip
                continue
            left[pair] = available - values["amount"]
            report.new += 1
            data = {k: values.get(k, "") for k in PAYMENT_VALUES}
            creates.append(
                Disbursement(
                    project=project, city_id=project.city_id, source=source, state=Disbursement.State.RELEASED,
                    voucher_number=values["voucher_number"], recorded_by=self.user,
                    idempotency_key=idempotency_key(project.city_id, values["voucher_number"]), **data,
                )
            )  # fmt: skip
        return creates

    def check_same(self, number, values, project, source, old, taken_back, report):
        """A voucher already recorded: the same payment (nothing to do), or a refusal naming it."""
        if taken_back:
            report.add_error(number, "凭证号", _(
                "The payment with this voucher number was reversed; the number is not used again."
            ))  # fmt: skip
            return
        same = (old["project_id"], old["source_id"]) == (project.pk, source.pk) and all(
            old[k] == values.get(k, "") for k in PAYMENT_VALUES
        )
        if same:
            report.unchanged += 1
            return
        report.add_error(number, "凭证号", _(
            "A payment of the city already has this voucher number: %(project)s, %(amount)s 万元 paid on %(day)s. "
            "A released payment is not changed by an import; take it back on the project's money page if it is wrong."
        ) % {"project": old["project__name"], "amount": format_wan(old["amount"]), "day": old["paid_on"]})  # fmt: skip

    def save(self, plan, report):
        Disbursement.objects.bulk_create(plan, batch_size=1000)
        fields = ("paid_on", "amount", "payee", "purpose", "voucher_number", "note")
        self.audit([(payment, AuditEntry.Action.IMPORT, _changes(payment, fields)) for payment in plan])

    def export_rows(self, queryset):
        """The payments that count: released, neither a counter-entry nor taken back by one."""
        counting = queryset.filter(
            state=Disbursement.State.RELEASED, reverses__isnull=True, reversal__isnull=True
        )
        for d in counting.select_related("project", "source").iterator(chunk_size=2000):
            yield (d.project.code, d.source.name, d.paid_on, export_wan(d.amount), d.payee, d.purpose,
                   d.voucher_number, d.note)  # fmt: skip
