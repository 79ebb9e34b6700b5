"""Household contributions: due amounts from the city's per-household rule (芒市 1,500 / 2,000 元),
payments that go into the funding ledger as the residents' source, and the residents-contribute
guard on declaring the plan."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEntry
from funding.models import FundingSource, FundReceipt
from projects.models import Prerequisite
from residents.contributions.guards import contributions_collected
from residents.contributions.services import contribution_due_set, contribution_pay, contributions_calculate
from residents.models import Contribution
from tests.factories import city_policy
from tests.residents.contribution_factories import funding_sources, mangshi_rules, project_with_households
from tests.residents.factories import household_in

TODAY = datetime.date.today()


@pytest.fixture
def mangshi(world):
    return mangshi_rules(world)


@pytest.fixture
def sources(db):
    funding_sources()


def test_each_household_is_due_the_amount_for_its_compound_type_under_the_rule(world, mangshi):
    project, households = project_with_households(world)
    assert contributions_calculate(actor=world["clerk_a"], project=project) == (3, 0)
    dues = dict(Contribution.objects.values_list("household_id", "due"))
    assert [dues[h.pk] for h in households] == [Decimal("1500.00"), Decimal("1500.00"), Decimal("2000.00")]
    row = Contribution.objects.get(household=households[0])
    assert "芒政办发〔2020〕28号" in row.basis and "1,500" in row.basis
    assert AuditEntry.objects.filter(summary__contains="芒政办发〔2020〕28号").count() == 1


def test_calculating_again_keeps_the_payments_recorded(world, mangshi):
    project, households = project_with_households(world)
    contributions_calculate(actor=world["clerk_a"], project=project)
    row = Contribution.objects.get(household=households[0])
    contribution_pay(
        actor=world["clerk_a"], contribution=row, paid=Decimal("1500"), paid_on=TODAY, receipt_number="R-1"
    )
    household_in(households[0].compound)
    assert contributions_calculate(actor=world["clerk_a"], project=project) == (1, 0)
    row.refresh_from_db()
    assert (row.paid, row.receipt_number) == (Decimal("1500.00"), "R-1")


def test_without_a_per_household_rule_each_household_is_listed_for_its_due_by_hand(world, sources):
    project, households = project_with_households(world)
    assert contributions_calculate(actor=world["clerk_a"], project=project) == (3, 0)
    row = Contribution.objects.get(household=households[2])
    assert row.due == 0
    contribution_due_set(actor=world["clerk_a"], contribution=row, due=Decimal("800"))
    row.refresh_from_db()
    assert row.due == Decimal("800.00")


def test_a_payment_goes_into_the_ledger_as_residents_money(world, mangshi):
    project, households = project_with_households(world)
    contributions_calculate(actor=world["clerk_a"], project=project)
    row = Contribution.objects.get(household=households[0])
    contribution_pay(
        actor=world["clerk_a"], contribution=row, paid=Decimal("1500"), paid_on=TODAY, receipt_number="R-1"
    )
    row.refresh_from_db()
    receipt = row.fund_receipt
    assert receipt.amount == Decimal("1500.00") and receipt.project == project
    assert receipt.source.category == FundingSource.Category.RESIDENTS
    assert receipt.document_number == "R-1" and receipt.recorded_by == world["clerk_a"]


def test_sending_the_same_payment_twice_records_it_once(world, mangshi):
    project, households = project_with_households(world)
    contributions_calculate(actor=world["clerk_a"], project=project)
    row = Contribution.objects.get(household=households[0])
    for _ in range(2):
        contribution_pay(
            actor=world["clerk_a"],
            contribution=row,
            paid=Decimal("1500"),
            paid_on=TODAY,
            receipt_number="R-1",
        )
    assert FundReceipt.objects.filter(project=project).count() == 1


def test_a_corrected_payment_reverses_its_receipt_and_records_the_new_one(world, mangshi):
    project, households = project_with_households(world)
    contributions_calculate(actor=world["clerk_a"], project=project)
    row = Contribution.objects.get(household=households[0])
    contribution_pay(
        actor=world["clerk_a"], contribution=row, paid=Decimal("1000"), paid_on=TODAY, receipt_number="R-1"
    )
    first = Contribution.objects.get(pk=row.pk).fund_receipt
    contribution_pay(
        actor=world["district"], contribution=row, paid=Decimal("1500"), paid_on=TODAY, receipt_number="R-2"
    )
    amounts = sorted(FundReceipt.objects.filter(project=project).values_list("amount", flat=True))
    assert amounts == [Decimal("-1000.00"), Decimal("1000.00"), Decimal("1500.00")]
    assert FundReceipt.objects.get(reverses=first).reason
    assert Contribution.objects.get(pk=row.pk).fund_receipt.amount == Decimal("1500.00")


def test_a_payment_above_the_amount_due_is_refused(world, mangshi):
    project, households = project_with_households(world)
    contributions_calculate(actor=world["clerk_a"], project=project)
    row = Contribution.objects.get(household=households[0])
    with pytest.raises(ValidationError):
        contribution_pay(
            actor=world["clerk_a"],
            contribution=row,
            paid=Decimal("15000"),
            paid_on=TODAY,
            receipt_number="R-1",
        )
    assert not FundReceipt.objects.exists()


def test_clerk_of_another_street_cannot_record_a_payment(world, mangshi):
    project, households = project_with_households(world)
    contributions_calculate(actor=world["clerk_a"], project=project)
    row = Contribution.objects.get(household=households[0])
    with pytest.raises(PermissionDenied):
        contribution_pay(
            actor=world["clerk_b"],
            contribution=row,
            paid=Decimal("1500"),
            paid_on=TODAY,
            receipt_number="R-1",
        )
    with pytest.raises(PermissionDenied):
        contributions_calculate(actor=world["finance"], project=project)


def test_a_project_is_declared_only_once_enough_households_have_paid(world, mangshi):
    rules = city_policy(world.city)
    rules.prerequisites = [Prerequisite.CONTRIBUTION.value]
    rules.prerequisites_block_plan = True
    rules.save()
    empty, _households = project_with_households(world, unit=0, other=0)
    assert contributions_collected(empty) == []  # no household entered: the checklist's tick decides
    project, _households = project_with_households(world)
    assert contributions_collected(project)  # not calculated yet
    contributions_calculate(actor=world["clerk_a"], project=project)
    rows = list(Contribution.objects.filter(project=project).order_by("pk"))
    contribution_pay(
        actor=world["clerk_a"], contribution=rows[0], paid=rows[0].due, paid_on=TODAY, receipt_number="R-1"
    )
    assert contributions_collected(project)  # 1 of 3 paid, below two thirds
    contribution_pay(
        actor=world["clerk_a"], contribution=rows[1], paid=rows[1].due, paid_on=TODAY, receipt_number="R-2"
    )
    assert contributions_collected(project) == []  # 2 of 3: 66.67 %


def test_the_guard_says_nothing_where_the_city_does_not_ask_contributions(world, mangshi):
    project, _households = project_with_households(world)
    assert contributions_collected(project) == []


def test_only_residents_money_is_recorded_as_collected_and_only_by_who_handles_the_project(world, mangshi):
    from funding.models import FundingSource
    from funding.services import collection_record

    project, _households = project_with_households(world)
    city_budget = FundingSource.objects.get(code="city_budget")
    with pytest.raises(ValidationError):
        collection_record(
            actor=world["clerk_a"],
            project=project,
            source=city_budget,
            amount=Decimal("100"),
            received_on=TODAY,
        )
    residents_cash = FundingSource.objects.get(code="residents_cash")
    for persona in ("leader", "clerk_b"):
        with pytest.raises(PermissionDenied):
            collection_record(
                actor=world[persona],
                project=project,
                source=residents_cash,
                amount=Decimal("100"),
                received_on=TODAY,
            )
    assert not FundReceipt.objects.exists()
