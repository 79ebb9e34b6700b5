"""The calculator: a project's funding-plan lines proposed by its city's funding rules, each with the
figures it used and the document it rests on, and what staff do with them (accept, adjust with a
reason, ignore).

A proposal is computed afresh on every read from the rules in force today and the project's
figures; nothing is stored until staff accept or adjust it (a plan line through
``services.plan_line_save``, remembering its rule and basis) or ignore it (``IgnoredProposal``, with
the basis it had: when the figures change, the proposal comes back).

What the rules read (docs/funding.md, "Rules"):

- **share of a category's contract price** (淄博 六(二)1): the contract (winning-bid) prices of the
  project's items of the category, plus the items the rule counts with it, times the percentage.
  "For projects in the provincial plan": the project has a plan year and its plan was approved
  (the 登记批复 step recorded ``approved_on``): the annual plan the portal keeps is the one the
  province approves. Items without a contract price are left out and named.
- **contribution per household by compound type** (芒市 六(一)): each compound's households times
  the amount for its type. A compound counts as unit buildings (单元楼) when every building
  recorded has at least ``UNIT_BUILDING_MIN_STOREYS`` storeys (stairwell blocks, not single-storey
  rows); with no building recorded, when its highest storeys (``max_storeys``) reach it; with
  neither, its type is unknown and no figure is proposed.
- **items paid by one payer** (咸宁 三(三)): the project's items the rule lists, at their contract
  price (the estimate before the bidding), times the share the payer pays.

The basis is always written in Chinese (the language of the policy it quotes), whatever the page's
language: it is stored with the plan line and compared when the figures change.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record
from core.models import AuditEntry
from core.money import plain, wan_figure
from org.roles import STREET_CLERK
from projects.models import ProjectItem

from .models import FundingPlanLine, FundingPolicy, FundingRule, FundingSource, IgnoredProposal, yuan_figure
from .services import _locked_project, plan_line_save

UNIT_BUILDING_MIN_STOREYS = 2
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class State:
    """Where a proposal stands against the project's plan (LABELS: as the page names it)."""

    NOT_APPLICABLE = "not_applicable"  # the rule gives no figure for this project (``reason`` says why)
    OPEN = "open"  # nothing decided yet
    ACCEPTED = "accepted"  # the plan holds the rule's line with the proposed amount
    ADJUSTED = "adjusted"  # the plan holds the rule's line with another amount (its note says why)
    CHANGED = "changed"  # the rule's line was planned from other figures than today's
    TAKEN = "taken"  # the plan has a line of this source and year that no rule proposed
    IGNORED = "ignored"  # ignored with these very figures

    LABELS = {
        NOT_APPLICABLE: gettext_lazy("does not apply"),
        OPEN: gettext_lazy("proposed"),
        ACCEPTED: gettext_lazy("accepted"),
        ADJUSTED: gettext_lazy("adjusted"),
        CHANGED: gettext_lazy("figures changed"),
        TAKEN: gettext_lazy("the plan has another line"),
        IGNORED: gettext_lazy("ignored"),
    }


@dataclass
class Proposal:
    """One rule's proposed plan line for one project. Amounts in yuan."""

    rule: FundingRule
    source: FundingSource
    year: int
    document_number: str
    amount: Decimal | None = None
    basis: str = ""
    reason: str = ""  # why there is no amount
    caveats: list = field(default_factory=list)  # what the figure leaves out
    line: FundingPlanLine | None = None  # the plan's line of this source and year
    ignored: bool = False

    @property
    def state(self):
        if self.amount is None:
            return State.NOT_APPLICABLE
        line = self.line
        if line is not None and line.rule_id == self.rule.pk:
            if line.basis != self.basis:
                return State.CHANGED
            return State.ACCEPTED if line.amount == self.amount else State.ADJUSTED
        if self.ignored:
            return State.IGNORED
        return State.TAKEN if line is not None else State.OPEN

    @property
    def state_label(self):
        return State.LABELS[self.state]

    @property
    def amount_figure(self):
        """The amount as a 万元 input shows it."""
        return wan_figure(self.amount)

    @property
    def may_accept(self):
        return self.state in (State.OPEN, State.CHANGED, State.TAKEN, State.IGNORED, State.ADJUSTED)

    @property
    def may_adjust(self):
        return self.state != State.NOT_APPLICABLE

    @property
    def may_ignore(self):
        return self.state in (State.OPEN, State.CHANGED, State.TAKEN)


# --- Reading the figures -------------------------------------------------------------------------


def yuan_text(amount):
    """1000000 → "1,000,000 元"; 1234.5 → "1,234.50 元"."""
    return _("%(amount)s yuan") % {"amount": yuan_figure(amount)}


def percent_text(percentage):
    """40.00 → "40 %"; 12.50 → "12.5 %"."""
    return f"{plain(percentage)} %"


def in_provincial_plan(project):
    """The project's annual plan was approved (docs/funding.md: what "provincial plan" reads)."""
    return project.plan_year is not None and project.approved_on is not None


def is_unit_building(compound):
    """True or False for a compound annotated by ``_compounds`` (buildings, lowest storeys), None
    when nothing recorded says."""
    if compound.building_total:
        return compound.lowest_storeys >= UNIT_BUILDING_MIN_STOREYS
    if compound.max_storeys:
        return compound.max_storeys >= UNIT_BUILDING_MIN_STOREYS
    return None


def _compounds(project):
    return list(
        project.compounds.annotate(
            building_total=Count("buildings"), lowest_storeys=Min("buildings__storeys")
        ).order_by("name", "pk")
    )


def _share(base, percentage):
    return (base * percentage / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def _contract_share(proposal, rule, project, items):
    if rule.provincial_plan_only and not in_provincial_plan(project):
        proposal.reason = _(
            "Only for projects in the provincial plan: this project's plan is not approved yet."
        )
        return
    included = {item.pk for item in rule.items.all()}
    rows = [row for row in items if row.item.category_id == rule.category_id or row.item_id in included]
    if not rows:
        proposal.reason = _("The project has no %(category)s items.") % {"category": rule.category.name}
        return
    priced = [row for row in rows if row.bid_price is not None]
    unpriced = [row.item.name for row in rows if row.bid_price is None]
    if unpriced:
        proposal.caveats.append(
            _("No contract price yet, not counted: %(items)s") % {"items": "、".join(unpriced)}
        )
    base = sum((row.bid_price for row in priced), Decimal(0))
    if base <= 0:
        proposal.reason = _("No contract price of the %(category)s items is recorded yet.") % {
            "category": rule.category.name
        }
        return
    extra = [row for row in priced if row.item.category_id != rule.category_id]
    counted = (
        _(" (including %(items)s)")
        % {"items": "、".join(f"{row.item.name} {yuan_text(row.bid_price)}" for row in extra)}
        if extra
        else ""
    )
    proposal.amount = _share(base, rule.percentage)
    proposal.basis = _("%(category)s contract price %(base)s%(counted)s × %(percentage)s = %(amount)s") % {
        "category": rule.category.name,
        "base": yuan_text(base),
        "counted": counted,
        "percentage": percent_text(rule.percentage),
        "amount": yuan_text(proposal.amount),
    }


def _per_household(proposal, rule, project):
    compounds = _compounds(project)
    if not compounds:
        proposal.reason = _("The project has no compounds.")
        return
    unknown = [compound.name for compound in compounds if is_unit_building(compound) is None]
    if unknown:
        proposal.reason = _(
            "Whether %(compounds)s are unit buildings (单元楼) is unknown: record their buildings or highest storeys."
        ) % {"compounds": "、".join(unknown)}
        return
    households = {True: 0, False: 0}
    for compound in compounds:
        households[is_unit_building(compound)] += compound.household_count
    rates = {True: rule.per_household_unit_building, False: rule.per_household_other}
    labels = {True: _("unit-building compounds"), False: _("other compounds")}
    terms = [
        _("%(kind)s %(households)s households × %(rate)s")
        % {"kind": labels[kind], "households": households[kind], "rate": yuan_text(rates[kind])}
        for kind in (True, False)
        if households[kind]
    ]
    amount = sum((households[kind] * rates[kind] for kind in (True, False)), Decimal(0)).quantize(CENT)
    if amount <= 0:
        proposal.reason = _("The project's compounds have no households recorded.")
        return
    proposal.amount = amount
    proposal.basis = _("%(terms)s = %(amount)s") % {"terms": " + ".join(terms), "amount": yuan_text(amount)}


def _item_payer(proposal, rule, items):
    listed = {item.pk for item in rule.items.all()}
    rows = [row for row in items if row.item_id in listed]
    if not rows:
        proposal.reason = _("The project has none of the items this rule lists.")
        return
    terms, base = [], Decimal(0)
    for row in rows:
        if row.bid_price is not None:
            terms.append(
                _("%(item)s contract price %(amount)s")
                % {"item": row.item.name, "amount": yuan_text(row.bid_price)}
            )
            base += row.bid_price
        elif row.estimated_cost is not None:
            terms.append(
                _("%(item)s estimate %(amount)s")
                % {"item": row.item.name, "amount": yuan_text(row.estimated_cost)}
            )
            base += row.estimated_cost
        else:
            proposal.caveats.append(_("No price yet, not counted: %(item)s") % {"item": row.item.name})
    if base <= 0:
        proposal.reason = _("None of the items this rule lists has a price yet.")
        return
    proposal.amount = _share(base, rule.percentage)
    total = " + ".join(terms)
    if rule.percentage != HUNDRED:
        total = _("(%(terms)s) × %(percentage)s") % {
            "terms": total,
            "percentage": percent_text(rule.percentage),
        }
    elif len(terms) == 1:
        proposal.basis = total  # one item, paid in full: its price is the figure
        return
    proposal.basis = _("%(terms)s = %(amount)s") % {"terms": total, "amount": yuan_text(proposal.amount)}


def _calculate(rule, project, items, year):
    proposal = Proposal(rule=rule, source=rule.source, year=year, document_number=rule.get_document_number())
    with translation.override(settings.LANGUAGE_CODE):  # a basis reads as the policy does, in Chinese
        if rule.kind == FundingRule.Kind.CONTRACT_SHARE:
            _contract_share(proposal, rule, project, items)
        elif rule.kind == FundingRule.Kind.PER_HOUSEHOLD:
            _per_household(proposal, rule, project)
        elif rule.kind == FundingRule.Kind.ITEM_PAYER:
            _item_payer(proposal, rule, items)
        if proposal.amount is not None:
            proposal.basis = _("%(figures)s, under %(document)s") % {
                "figures": proposal.basis,
                "document": proposal.document_number,
            }
    return proposal


# --- The proposals of a project ------------------------------------------------------------------


def rules_in_force(city, on=None):
    """The funding rules of ``city``'s policy in force on ``on`` (today) that apply from that day."""
    on = on or timezone.localdate()
    section = FundingPolicy.in_force(city, on)
    if section is None:
        return []
    return [rule for rule in section.rule_list().select_related("section__policy") if rule.applies_on(on)]


def proposal_year(project):
    return project.plan_year or timezone.localdate().year


def proposals_for(project, *, rules=None, user=None):
    """Every rule's proposal for ``project``, in the rules' order. ``user``: only the sources they
    may see (a street clerk, the residents' share)."""
    rules = rules_in_force(project.city_id) if rules is None else rules
    if user is not None and user.role_codes <= {STREET_CLERK}:
        rules = [rule for rule in rules if rule.source.category == FundingSource.Category.RESIDENTS]
    if not rules:
        return []
    # The rule's figures are the whole project's (its items, its compounds), as the policy counts
    # them; a reader sees the project, and the proposal, not the rows one by one.
    items = list(ProjectItem.objects.filter(project=project).select_related("item"))
    year = proposal_year(project)
    lines = {line.source_id: line for line in FundingPlanLine.objects.filter(project=project, year=year)}
    ignored = dict(IgnoredProposal.objects.filter(project=project).values_list("rule_id", "basis"))
    proposals = []
    for rule in rules:
        proposal = _calculate(rule, project, items, year)
        proposal.line = lines.get(rule.source_id)
        proposal.ignored = proposal.amount is not None and ignored.get(rule.pk) == proposal.basis
        proposals.append(proposal)
    return proposals


def may_decide(user, project):
    """Whether ``user`` plans ``project``'s money, so may act on its proposals."""
    return user.has_perm("funding.add_fundingplanline") and project.is_run_by(user)


def proposal_context(user, project):
    """What templates/funding/_proposals.html needs: the proposals and whether the user may act."""
    return {
        "proposals": proposals_for(project, user=user),
        "may_decide_proposals": may_decide(user, project),
        "proposal_url": reverse("funding:proposal_decide", args=[project.pk]),
    }


# --- Accept, adjust, ignore ----------------------------------------------------------------------


def _current(actor, project, rule, basis):
    """Under the project's lock: the rule's proposal as it is now, which must be the one the user saw
    (``basis``) and must give a figure."""
    project = _locked_project(actor, project, "funding.add_fundingplanline")
    if not project.is_run_by(actor):
        raise PermissionDenied
    rule = next((r for r in rules_in_force(project.city_id) if r.pk == getattr(rule, "pk", rule)), None)
    if rule is None:
        raise ValidationError(_("This rule no longer applies to the project."))
    proposal = proposals_for(project, rules=[rule])[0]
    if proposal.amount is None:
        raise ValidationError(proposal.reason)
    if proposal.basis != basis:
        raise ValidationError(_("The figures changed since the page was shown: read the proposal again."))
    return project, proposal


def proposal_accept(*, actor, project, rule, basis):
    """Plan the proposed amount, with its basis."""
    with transaction.atomic():
        project, proposal = _current(actor, project, rule, basis)
        line = plan_line_save(
            actor=actor, project=project, source=proposal.source, year=proposal.year, amount=proposal.amount,
            basis=proposal.basis, rule=proposal.rule,
        )  # fmt: skip
        IgnoredProposal.objects.filter(project=project, rule=proposal.rule).delete()
    return line


def proposal_adjust(*, actor, project, rule, basis, amount, reason):
    """Plan another amount than proposed; the reason is kept in the line's note."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason for planning another amount.")
    if amount is None or amount <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project, proposal = _current(actor, project, rule, basis)
        line = plan_line_save(
            actor=actor, project=project, source=proposal.source, year=proposal.year, amount=amount,
            basis=proposal.basis, note=reason[:200], rule=proposal.rule,
        )  # fmt: skip
        IgnoredProposal.objects.filter(project=project, rule=proposal.rule).delete()
    return line


def proposal_ignore(*, actor, project, rule, basis):
    """Leave the proposal out of the plan while its figures stay as they are."""
    with transaction.atomic():
        project, proposal = _current(actor, project, rule, basis)
        ignored, _created = IgnoredProposal.objects.update_or_create(
            project=project, rule=proposal.rule, defaults={"basis": proposal.basis, "ignored_by": actor}
        )
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            obj=ignored,
            summary=_("Proposal ignored: %(source)s %(year)s, %(basis)s")
            % {"source": proposal.source, "year": proposal.year, "basis": proposal.basis},
            changes={"basis": proposal.basis},
        )
    return ignored
