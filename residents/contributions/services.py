"""Every write of household contributions: the due amounts from the city's per-household rule, a
household's due set by hand where no rule applies, and payments, each of which goes into the
funding ledger as a receipt of the residents' source (funding.services.collection_record); a
corrected payment reverses its receipt and records the new one, all in one transaction."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min
from django.utils import translation
from django.utils.translation import gettext as _

from core.audit import audit_record, model_snapshot
from core.models import AuditEntry
from funding.models import FundingRule, FundingSource, yuan_figure
from funding.rules import is_unit_building, rules_in_force
from funding.services import collection_record, collection_reverse
from projects.models import Project
from residents.models import Contribution, Household

CHANGE = "residents.change_contribution"
ADD = "residents.add_contribution"


def household_rule(project):
    """The city's rule of kind per household in force today for ``project``, or None."""
    for rule in rules_in_force(project.city_id):
        if rule.kind == FundingRule.Kind.PER_HOUSEHOLD:
            return rule
    return None


def residents_source(project):
    """Where a payment goes in the ledger: the per-household rule's source, else the first residents'
    source in use."""
    rule = household_rule(project)
    if rule is not None:
        return rule.source
    return (
        FundingSource.objects.filter(category=FundingSource.Category.RESIDENTS, active=True)
        .order_by("order", "code")
        .first()
    )


def _locked_project(actor, project):
    if not (actor.has_perm(ADD) and actor.has_perm(CHANGE)):
        raise PermissionDenied
    project = Project.objects.restrict(actor).select_for_update(of=("self",)).filter(pk=project.pk).first()
    if project is None:
        raise PermissionDenied
    return project


def _compound_kinds(project):
    """{compound: True (unit buildings) / False / None (unknown)} as funding's calculator reads them."""
    compounds = project.compounds.annotate(
        building_total=Count("buildings"), lowest_storeys=Min("buildings__storeys")
    ).order_by("name", "pk")
    return {compound: is_unit_building(compound) for compound in compounds}


def basis_text(rule, unit_building):
    """单元楼 1,500 元/户（芒政办发〔2021〕12号）: in Chinese, as the policy it quotes."""
    with translation.override(settings.LANGUAGE_CODE):
        kind = _("unit-building compound") if unit_building else _("other compound")
        amount = rule.per_household_unit_building if unit_building else rule.per_household_other
        return _("%(kind)s %(amount)s yuan per household, under %(document)s") % {
            "kind": kind,
            "amount": yuan_figure(amount),
            "document": rule.get_document_number(),
        }


def contributions_calculate(*, actor, project):
    """Each household of ``project``'s compounds (those ``actor`` keeps) is due the city's amount for
    its compound's type; payments already recorded stay. Returns (created, updated)."""
    with transaction.atomic():
        project = _locked_project(actor, project)
        rule = household_rule(project)
        if rule is None:
            return _rows_without_rule(actor, project)
        kinds = _compound_kinds(project)
        unknown = [compound.name for compound, kind in kinds.items() if kind is None]
        if unknown:
            raise ValidationError(
                _(
                    "Whether %(compounds)s are unit buildings (单元楼) is unknown: record their buildings or highest storeys."
                )
                % {"compounds": "、".join(unknown)}
            )
        by_compound = {compound.pk: kind for compound, kind in kinds.items()}
        households = Household.objects.restrict(actor, "change").filter(compound_id__in=by_compound)
        existing = {
            row.household_id: row for row in Contribution.objects.select_for_update().filter(project=project)
        }
        created, changed = [], []
        for household in households.only("pk", "compound_id"):
            unit_building = by_compound[household.compound_id]
            due = (rule.per_household_unit_building if unit_building else rule.per_household_other) + Decimal(
                0
            )
            basis = basis_text(rule, unit_building)
            row = existing.get(household.pk)
            if row is None:
                created.append(Contribution(project=project, household=household, due=due, basis=basis))
            elif (row.due, row.basis) != (due, basis):
                row.due, row.basis = due, basis
                changed.append(row)
        if not created and not changed and not existing and not households.exists():
            raise ValidationError(_("The project's compounds have no households recorded yet."))
        for row in [*created, *changed]:
            row.full_clean(exclude=["household", "project"], validate_unique=False)
        Contribution.objects.bulk_create(created, batch_size=500)
        Contribution.objects.bulk_update(changed, ["due", "basis", "updated_at"], batch_size=500)
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            obj=project,
            summary=_(
                "Contributions calculated under %(document)s: %(created)s households added, %(changed)s changed"
            )
            % {"document": rule.get_document_number(), "created": len(created), "changed": len(changed)},
            changes={"rule": rule.pk, "created": len(created), "changed": len(changed)},
        )
    return len(created), len(changed)


def _rows_without_rule(actor, project):
    """No rule: each household without a row gets one due nothing, to be set by hand."""
    households = Household.objects.restrict(actor, "change").filter(compound__in=project.compounds.all())
    if not households.exists():
        raise ValidationError(_("The project's compounds have no households recorded yet."))
    have = set(Contribution.objects.filter(project=project).values_list("household_id", flat=True))
    created = [
        Contribution(project=project, household_id=pk, due=Decimal("0.00"))
        for pk in households.values_list("pk", flat=True)
        if pk not in have
    ]
    Contribution.objects.bulk_create(created, batch_size=500)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=project,
        summary=_("Contributions listed without a rule: %(created)s households added")
        % {"created": len(created)},
        changes={"rule": None, "created": len(created)},
    )
    return len(created), 0


def _locked_row(actor, contribution):
    """``contribution`` locked with its project, if ``actor`` keeps its household; PermissionDenied
    otherwise."""
    if not (actor.has_perm(ADD) and actor.has_perm(CHANGE)):
        raise PermissionDenied
    if (
        not Project.objects.restrict(actor)
        .select_for_update(of=("self",))
        .filter(pk=contribution.project_id)
        .exists()
    ):
        raise PermissionDenied
    row = (
        Contribution.objects.restrict(actor, "change")
        .select_for_update(of=("self",))
        .select_related("project", "household__compound", "household__building", "fund_receipt__source")
        .filter(pk=contribution.pk)
        .first()
    )
    if row is None:
        raise PermissionDenied
    return row


def contribution_due_set(*, actor, contribution, due):
    """Set a household's amount due by hand (no rule applies, or the household's case differs)."""
    if due is None or due < 0:
        raise ValidationError({"due": _("The amount due cannot be negative.")})
    with transaction.atomic():
        row = _locked_row(actor, contribution)
        household = row.household
        before = model_snapshot(row)
        if row.paid > due:
            raise ValidationError({"due": _("The household has already paid more than this.")})
        row.due = due
        row.basis = _("set by hand")
        row.full_clean()
        row.save()
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            obj=row,
            summary=_("Amount due of %(household)s set to %(amount)s yuan")
            % {"household": household.address, "amount": yuan_figure(due)},
            changes={"before": before, "after": model_snapshot(row)},
        )
    return row


def contribution_pay(*, actor, contribution, paid, paid_on, receipt_number):
    """Record what ``household`` paid (0 clears it): the amount goes into the ledger as a receipt of
    the residents' source; a correction reverses the receipt recorded before. Sent twice with the
    same figures, it records once."""
    receipt_number = (receipt_number or "").strip()
    with transaction.atomic():
        row = _locked_row(actor, contribution)
        project, household = row.project, row.household
        if paid is None or paid < 0:
            raise ValidationError({"paid": _("The amount paid cannot be negative.")})
        if paid > row.due:
            raise ValidationError(
                {"paid": _("More than the %(due)s yuan due.") % {"due": yuan_figure(row.due)}}
            )
        if not paid:
            paid_on, receipt_number = None, ""
        if (row.paid, row.paid_on, row.receipt_number) == (paid, paid_on, receipt_number):
            return row
        before = model_snapshot(row)
        row.paid, row.paid_on, row.receipt_number = paid, paid_on, receipt_number
        row.full_clean()
        old = row.fund_receipt
        if old is not None:
            collection_reverse(
                actor=actor,
                receipt=old,
                reason=_("Payment of %(household)s corrected") % {"household": household.address},
            )
        row.fund_receipt = None
        if paid:
            source = old.source if old is not None else residents_source(project)
            if source is None:
                raise ValidationError(_("No funding source of residents is in use: ask the administrator."))
            row.fund_receipt = collection_record(
                actor=actor, project=project, source=source, amount=paid, received_on=paid_on,
                document_number=receipt_number,
                note=_("Contribution of %(household)s") % {"household": f"{household.compound.name}{household.address}"},
            )  # fmt: skip
        row.save()
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            obj=row,
            summary=_("Payment of %(household)s: %(amount)s yuan, receipt %(receipt)s")
            % {"household": household.address, "amount": yuan_figure(paid), "receipt": receipt_number or "—"},
            changes={"before": before, "after": model_snapshot(row)},
        )
    return row
