"""The contributions pages: a project's households with their due and paid amounts, names masked as
the role reads them; the calculate button, a payment and an amount due typed in 元; the export; the
list of projects; the same number of queries for 1 and 20 households."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from funding.models import FundReceipt
from residents.contributions.services import contributions_calculate
from residents.models import Contribution
from tests.helpers import assert_list_queries_constant
from tests.residents.contribution_factories import funding_sources, mangshi_rules, project_with_households
from tests.residents.factories import household_in

TODAY = datetime.date.today()


@pytest.fixture
def calculated(world):
    mangshi_rules(world)
    project, households = project_with_households(world)
    contributions_calculate(actor=world["clerk_a"], project=project)
    return project, households


def page_of(project):
    return reverse("residents:contribution_list", args=[project.pk])


def test_a_clerk_reads_names_in_full_and_district_staff_masked(world, client_for, calculated):
    project, _households = calculated
    clerk = client_for("clerk_a").get(page_of(project)).content.decode()
    assert "王建国" in clerk and "居民出资" in clerk and "1,500.00" in clerk and "2,000.00" in clerk
    for persona in ("district", "finance", "leader"):
        page = client_for(persona).get(page_of(project)).content.decode()
        assert "王建国" not in page and "王**" in page, persona
    assert "13812341234" not in clerk  # no phone on this page at all


def test_the_totals_show_due_paid_and_the_rate_per_compound_and_for_the_project(
    world, client_for, calculated
):
    project, households = calculated
    client = client_for("clerk_a")
    row = Contribution.objects.get(household=households[0])
    response = client.post(
        reverse("residents:contribution_pay", args=[row.pk]),
        {"paid": "1,500", "paid_on": TODAY.isoformat(), "receipt_number": "R-001"},
    )
    assert response.status_code == 302
    page = client.get(page_of(project)).content.decode()
    total = page.split('id="contribution-total"')[1].split("</tr>")[0]
    assert "5,000.00" in total and "1,500.00" in total and "3,500.00" in total and "30.00%" in total
    assert "华光路小区" in page.split('id="contribution-totals"')[1] and "平房小区" in page


def test_a_payment_typed_in_yuan_is_recorded_once_and_in_the_ledger(world, client_for, calculated):
    project, households = calculated
    client = client_for("clerk_a")
    row = Contribution.objects.get(household=households[0])
    form = client.get(page_of(project)).content.decode()
    assert f'<span class="input-group-text" id="id_pay{households[0].pk}_paid-unit">元</span>' in form
    data = {"paid": "1500", "paid_on": TODAY.isoformat(), "receipt_number": "R-001"}
    for _ in range(2):
        client.post(reverse("residents:contribution_pay", args=[row.pk]), data)
    row.refresh_from_db()
    assert row.paid == Decimal("1500.00") and row.fund_receipt is not None
    assert FundReceipt.objects.filter(project=project).count() == 1


def test_the_message_after_a_payment_reads_the_amount_as_the_table_does(world, client_for, calculated):
    _project, households = calculated
    row = Contribution.objects.get(household=households[0])
    data = {"paid": "1500", "paid_on": TODAY.isoformat(), "receipt_number": "R-001"}
    page = client_for("clerk_a").post(reverse("residents:contribution_pay", args=[row.pk]), data, follow=True)
    assert "1,500.00元" in page.content.decode()


def test_a_payment_without_its_receipt_number_is_shown_again_with_the_message(world, client_for, calculated):
    _project, households = calculated
    row = Contribution.objects.get(household=households[0])
    response = client_for("clerk_a").post(
        reverse("residents:contribution_pay", args=[row.pk]), {"paid": "1500", "paid_on": TODAY.isoformat()}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写收据号。" in page and f'contribution-form-row show" id="pay-{households[0].pk}"' in page
    assert not FundReceipt.objects.exists()


def test_an_amount_due_set_by_hand_reads_back_in_yuan(world, client_for):
    funding_sources()
    project, households = project_with_households(world)
    client = client_for("district")
    response = client.post(reverse("residents:contribution_calculate", args=[project.pk]))
    assert response.status_code == 302
    page = client.get(page_of(project)).content.decode()
    assert "现行城市政策未规定按户出资标准" in page
    row = Contribution.objects.get(household=households[0])
    client.post(reverse("residents:contribution_due", args=[row.pk]), {"due": "1200.5"})
    row.refresh_from_db()
    assert row.due == Decimal("1200.50")
    assert 'name="due" value="1200.5"' in client.get(page_of(project)).content.decode()


def test_the_export_is_masked_as_the_page(world, client_for, calculated):
    project, _households = calculated
    for persona, name in (("clerk_a", "王建国"), ("district", "王**")):
        response = client_for(persona).get(page_of(project), {"export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        assert name in values and "户主" in values, persona
        if persona == "district":
            assert "王建国" not in values


def test_the_projects_list_shows_each_projects_totals(world, client_for, calculated):
    project, _households = calculated
    page = client_for("leader").get(reverse("residents:contribution_projects")).content.decode()
    assert project.name in page and "5,000.00" in page


def test_the_project_page_links_to_its_contributions(world, client_for, calculated):
    project, _households = calculated
    page = client_for("clerk_a").get(project.get_absolute_url()).content.decode()
    assert page_of(project) in page


@pytest.mark.parametrize("persona", ["clerk_a", "district"])
def test_the_page_runs_the_same_queries_for_one_and_twenty_households(world, client_for, persona):
    mangshi_rules(world)
    project, _households = project_with_households(world, unit=0, other=0)
    compound = project.compounds.get(name="华光路小区")

    def add(number):
        for _ in range(number):
            household = household_in(compound)
            Contribution.objects.create(project=project, household=household, due=1500, basis="x")

    assert_list_queries_constant(client_for(persona), page_of(project), add)


def test_the_checklists_contribution_row_shows_how_many_households_paid(world, client_for, calculated):
    from projects.models import Prerequisite
    from tests.factories import city_policy

    project, households = calculated
    rules = city_policy(world.city)
    rules.prerequisites = [Prerequisite.CONTRIBUTION.value]
    rules.prerequisites_block_plan = True
    rules.save()
    row = Contribution.objects.get(household=households[0])
    client = client_for("clerk_a")
    client.post(
        reverse("residents:contribution_pay", args=[row.pk]),
        {"paid": "1500", "paid_on": TODAY.isoformat(), "receipt_number": "R-001"},
    )
    page = client.get(project.get_absolute_url()).content.decode()
    note = page.split('data-prerequisite-note="contribution"')[1].split("</div>")[0]
    assert "居民出资：应出资的3户中已有1户缴清（33.33%；要求66.67%）" in note and page_of(project) in note
