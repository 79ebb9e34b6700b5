"""Funding rules as data and the calculator that explains its proposals: the seeds' figures exactly
(淄博 六(二)1, 芒市 六(一), 咸宁 三(三)), and what staff do with a proposal."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from core.audit import history_for
from core.changes import change_lines
from funding.demo import city_rules, install_rules
from funding.models import FundingPlanLine, FundingPolicy, FundingRule, IgnoredProposal
from funding.policy import FundingPolicyForm
from funding.rules import (
    State,
    in_provincial_plan,
    proposal_accept,
    proposal_adjust,
    proposal_context,
    proposal_ignore,
    proposals_for,
    rules_in_force,
)
from org.models import CityPolicy
from projects.models import Building, ProjectItem, RenovationItem
from tests.factories import city_policy, compound_in, project_in

from .conftest import wan

ZIBO_BASIS = "基础类合同价 1,000,000 元 × 40 % = 400,000 元，依据淄政办字〔2020〕49号"


def policy_of(world, name, day=None):
    """``name``'s policy and rules (fixtures/funding_rules.json) as the world city's policy."""
    spec = city_rules(name)
    effective = day or datetime.date.fromisoformat(spec["effective_from"])
    policy = CityPolicy.objects.create(
        city=world.city,
        title=spec["title"],
        document_number=spec["document_number"],
        effective_from=effective,
    )
    install_rules(policy, spec)
    return policy


def item(project, code, bid=None, estimate=None):
    return ProjectItem.objects.create(
        project=project, item=RenovationItem.objects.get(code=code), quantity=1, bid_price=bid,
        estimated_cost=estimate, payer="government",
    )  # fmt: skip


def approved_project(world, **fields):
    """A project of street A whose annual plan was approved (in the provincial plan)."""
    fields.setdefault("approved_on", datetime.date(2026, 3, 1))
    return project_in(compound_in(world.community_a), stage="construction", **fields)


def compound_with(world, storeys, households=120, **fields):
    compound = compound_in(world.community_a, household_count=households, **fields)
    for number, height in enumerate(storeys, start=1):
        Building.objects.create(compound=compound, number=f"{number}号楼", storeys=height)
    return compound


def only(project, **kwargs):
    [proposal] = proposals_for(project, **kwargs)
    return proposal


# --- 淄博: 40 % of the basic items' contract price, for projects in the provincial plan -----------


def test_zibo_basic_items_contracted_at_a_million_give_400000_yuan_of_city_subsidy(world, sources):
    policy_of(world, "淄博")
    project = approved_project(world)
    item(project, "water_supply", bid=Decimal("600000"))
    item(project, "roads", bid=Decimal("400000"))
    item(project, "parking", bid=Decimal("250000"))  # 完善类: not counted

    proposal = only(project)

    assert proposal.amount == Decimal("400000.00")
    assert proposal.basis == ZIBO_BASIS
    assert proposal.source == sources["city_budget"]
    assert proposal.year == 2026
    assert proposal.document_number == "淄政办字〔2020〕49号"
    assert proposal.state == State.OPEN


def test_zibo_counts_the_community_and_property_service_rooms_with_the_basic_items(world, sources):
    policy_of(world, "淄博")
    project = approved_project(world)
    item(project, "water_supply", bid=Decimal("1000000"))
    item(project, "community_service_room", bid=Decimal("50000"))

    proposal = only(project)

    assert proposal.amount == Decimal("420000.00")
    assert proposal.basis == (
        "基础类合同价 1,050,000 元（含社区管理服务用房 50,000 元） × 40 % = 420,000 元，依据淄政办字〔2020〕49号"
    )


def test_zibo_rule_gives_nothing_to_a_project_outside_the_provincial_plan(world, sources):
    policy_of(world, "淄博")
    project = project_in(compound_in(world.community_a), stage="procurement")
    item(project, "water_supply", bid=Decimal("1000000"))
    assert not in_provincial_plan(project)

    proposal = only(project)

    assert proposal.amount is None
    assert proposal.state == State.NOT_APPLICABLE
    assert "省级计划" in proposal.reason


def test_zibo_leaves_out_and_names_items_without_a_contract_price(world, sources):
    policy_of(world, "淄博")
    project = approved_project(world)
    item(project, "water_supply", bid=Decimal("500000"))
    item(project, "roads", estimate=Decimal("300000"))

    proposal = only(project)

    assert proposal.amount == Decimal("200000.00")
    assert proposal.caveats == ["尚无合同价、未计入：小区道路及井盖修复"]


def test_zibo_rule_waits_for_the_contract_prices(world, sources):
    policy_of(world, "淄博")
    project = approved_project(world)
    item(project, "water_supply", estimate=Decimal("500000"))

    proposal = only(project)

    assert proposal.amount is None
    assert "合同价" in proposal.reason


# --- 芒市: 1,500 元 per household in unit-building compounds, 2,000 元 elsewhere -------------------


def test_mangshi_unit_building_compound_of_120_households_gives_180000_yuan_from_residents(world, sources):
    policy_of(world, "芒市")
    project = project_in(compound_with(world, [6, 6, 5]))

    proposal = only(project)

    assert proposal.amount == Decimal("180000.00")
    assert proposal.source == sources["residents_cash"]
    assert proposal.basis == "单元楼小区 120 户 × 1,500 元 = 180,000 元，依据芒政办发〔2020〕28号"


def test_mangshi_other_compound_of_120_households_gives_240000_yuan_from_residents(world, sources):
    policy_of(world, "芒市")
    project = project_in(compound_with(world, [1, 1, 2]))  # single-storey rows among them

    proposal = only(project)

    assert proposal.amount == Decimal("240000.00")
    assert proposal.basis == "非单元楼小区 120 户 × 2,000 元 = 240,000 元，依据芒政办发〔2020〕28号"


def test_mangshi_bundle_adds_each_compound_at_its_own_rate(world, sources):
    policy_of(world, "芒市")
    project = project_in(compound_with(world, [6]), compound_with(world, [1], households=80))

    proposal = only(project)

    assert proposal.amount == Decimal("340000.00")
    assert proposal.basis == (
        "单元楼小区 120 户 × 1,500 元 + 非单元楼小区 80 户 × 2,000 元 = 340,000 元，依据芒政办发〔2020〕28号"
    )


def test_compound_without_buildings_is_judged_by_its_highest_storeys(world, sources):
    policy_of(world, "芒市")
    tall = project_in(compound_in(world.community_a, household_count=120, max_storeys=6))
    low = project_in(compound_in(world.community_a, household_count=120, max_storeys=1))

    assert only(tall).amount == Decimal("180000.00")
    assert only(low).amount == Decimal("240000.00")


def test_compound_of_unknown_type_gets_no_figure_but_the_reason(world, sources):
    policy_of(world, "芒市")
    compound = compound_in(world.community_a, household_count=120, max_storeys=None, name="无楼栋小区")
    project = project_in(compound)

    proposal = only(project)

    assert proposal.amount is None
    assert "无楼栋小区" in proposal.reason


# --- 咸宁: who pays which items ---------------------------------------------------------------------


def test_xianning_items_are_proposed_to_their_payers(world, sources):
    policy_of(world, "咸宁")
    project = project_in(compound_in(world.community_a))
    item(project, "lift_installation", bid=Decimal("300000"))
    item(project, "gas_first_connection", estimate=Decimal("50000"))
    item(project, "water_supply", bid=Decimal("200000"))
    item(project, "roads", bid=Decimal("900000"))  # nobody's rule: left to the plan

    by_source = {p.source.code: p for p in proposals_for(project)}

    document = "依据《加快推进咸宁市城镇老旧小区改造工作实施方案》（征求意见稿）"
    assert by_source["residents_cash"].amount == Decimal("350000.00")
    assert by_source["residents_cash"].basis == (
        f"加装电梯合同价 300,000 元 + 燃气初装估算 50,000 元 = 350,000 元，{document}"
    )
    assert by_source["utility"].amount == Decimal("200000.00")
    assert by_source["utility"].basis == f"供水管网改造合同价 200,000 元，{document}"
    assert by_source["district_budget"].amount is None
    assert by_source["district_budget"].state == State.NOT_APPLICABLE


def test_a_payer_paying_a_share_shows_the_percentage(world, sources):
    policy = policy_of(world, "咸宁")
    FundingRule.objects.filter(section__policy=policy, source=sources["utility"]).update(percentage=50)
    project = project_in(compound_in(world.community_a))
    item(project, "water_supply", bid=Decimal("200000"))
    item(project, "gas_pipeline", bid=Decimal("100000"))

    proposal = next(p for p in proposals_for(project) if p.source == sources["utility"])

    assert proposal.amount == Decimal("150000.00")
    assert proposal.basis.startswith(
        "（供水管网改造合同价 200,000 元 + 燃气管线改造合同价 100,000 元） × 50 % = 150,000 元"
    )


# --- Which rules are in force --------------------------------------------------------------------


def test_a_rule_dated_ahead_is_not_applied_yet(world, sources):
    policy = policy_of(world, "淄博")
    FundingRule.objects.filter(section__policy=policy).update(effective_from=datetime.date(2099, 1, 1))

    assert rules_in_force(world.city) == []


def test_the_newest_policy_in_force_decides(world, sources):
    policy_of(world, "淄博")
    policy_of(world, "芒市", day=datetime.date(2024, 1, 1))

    assert [rule.kind for rule in rules_in_force(world.city)] == [FundingRule.Kind.PER_HOUSEHOLD]
    assert [rule.kind for rule in rules_in_force(world.city, datetime.date(2023, 1, 1))] == [
        FundingRule.Kind.CONTRACT_SHARE
    ]


def test_a_rule_cites_its_own_document_when_it_has_one(world, sources):
    policy = policy_of(world, "淄博")
    FundingRule.objects.filter(section__policy=policy).update(document_number="淄财建〔2021〕3号")
    project = approved_project(world)
    item(project, "water_supply", bid=Decimal("1000000"))

    assert only(project).basis.endswith("依据淄财建〔2021〕3号")


def test_idle_days_come_from_the_policy_in_force_or_default_to_90(world, sources):
    assert FundingPolicy.idle_days(world.city) == 90
    policy = policy_of(world, "淄博")
    FundingPolicy.objects.filter(policy=policy).update(funds_idle_days=60)

    assert FundingPolicy.idle_days(world.city) == 60


# --- Accept, adjust, ignore ----------------------------------------------------------------------


@pytest.fixture
def zibo_project(world, sources):
    policy_of(world, "淄博")
    project = approved_project(world)
    item(project, "water_supply", bid=Decimal("1000000"))
    return project


def test_accepting_plans_the_proposed_amount_with_its_basis(world, zibo_project, sources):
    proposal = only(zibo_project)

    line = proposal_accept(
        actor=world["district"], project=zibo_project, rule=proposal.rule.pk, basis=ZIBO_BASIS
    )

    assert (line.source, line.year, line.amount) == (sources["city_budget"], 2026, Decimal("400000.00"))
    assert line.basis == ZIBO_BASIS
    assert line.rule == proposal.rule
    assert only(zibo_project).state == State.ACCEPTED


def test_adjusting_needs_a_reason_and_keeps_it_in_the_note(world, zibo_project):
    rule = only(zibo_project).rule.pk
    with pytest.raises(ValidationError) as refused:
        proposal_adjust(
            actor=world["district"],
            project=zibo_project,
            rule=rule,
            basis=ZIBO_BASIS,
            amount=wan(35),
            reason=" ",
        )
    assert "reason" in refused.value.message_dict
    assert not FundingPlanLine.objects.filter(project=zibo_project).exists()

    line = proposal_adjust(
        actor=world["district"], project=zibo_project, rule=rule, basis=ZIBO_BASIS, amount=wan(35),
        reason="省级补助已覆盖部分基础类",
    )  # fmt: skip

    assert line.amount == wan(35)
    assert line.note == "省级补助已覆盖部分基础类"
    assert line.basis == ZIBO_BASIS
    proposal = only(zibo_project)
    assert proposal.state == State.ADJUSTED
    assert proposal.may_accept and not proposal.may_ignore


def test_ignoring_keeps_the_plan_and_lasts_until_the_figures_change(world, zibo_project):
    rule = only(zibo_project).rule.pk
    proposal_ignore(actor=world["district"], project=zibo_project, rule=rule, basis=ZIBO_BASIS)

    assert only(zibo_project).state == State.IGNORED
    assert not FundingPlanLine.objects.filter(project=zibo_project).exists()

    ProjectItem.objects.filter(project=zibo_project).update(bid_price=Decimal("1100000"))
    assert only(zibo_project).state == State.OPEN


def test_accepting_an_ignored_proposal_forgets_the_ignore(world, zibo_project):
    rule = only(zibo_project).rule.pk
    proposal_ignore(actor=world["district"], project=zibo_project, rule=rule, basis=ZIBO_BASIS)
    proposal_accept(actor=world["district"], project=zibo_project, rule=rule, basis=ZIBO_BASIS)

    assert only(zibo_project).state == State.ACCEPTED
    assert not IgnoredProposal.objects.filter(project=zibo_project).exists()


def test_an_accepted_line_whose_figures_changed_is_flagged_and_accepted_again(world, zibo_project):
    rule = only(zibo_project).rule.pk
    proposal_accept(actor=world["district"], project=zibo_project, rule=rule, basis=ZIBO_BASIS)
    ProjectItem.objects.filter(project=zibo_project).update(bid_price=Decimal("1100000"))

    proposal = only(zibo_project)
    assert proposal.state == State.CHANGED
    proposal_accept(actor=world["district"], project=zibo_project, rule=rule, basis=proposal.basis)

    assert FundingPlanLine.objects.get(project=zibo_project).amount == Decimal("440000.00")


def test_a_proposal_whose_figures_changed_since_the_page_was_shown_is_refused(world, zibo_project):
    rule = only(zibo_project).rule.pk
    ProjectItem.objects.filter(project=zibo_project).update(bid_price=Decimal("1100000"))

    with pytest.raises(ValidationError, match=r"数字已变化|figures changed"):
        proposal_accept(actor=world["district"], project=zibo_project, rule=rule, basis=ZIBO_BASIS)
    assert not FundingPlanLine.objects.exists()


def test_accepting_replaces_a_line_entered_by_hand(world, zibo_project, sources):
    from funding.services import plan_line_save

    plan_line_save(
        actor=world["city"], project=zibo_project, source=sources["city_budget"], year=2026, amount=wan(10)
    )
    proposal = only(zibo_project)
    assert proposal.state == State.TAKEN

    proposal_accept(actor=world["city"], project=zibo_project, rule=proposal.rule.pk, basis=ZIBO_BASIS)

    assert FundingPlanLine.objects.get(project=zibo_project).amount == Decimal("400000.00")


def test_who_does_not_plan_the_projects_money_cannot_decide(world, zibo_project):
    rule = only(zibo_project).rule.pk
    for persona in ("clerk_a", "finance", "leader"):
        with pytest.raises(PermissionDenied):
            proposal_accept(actor=world[persona], project=zibo_project, rule=rule, basis=ZIBO_BASIS)


def test_a_street_clerk_sees_only_the_residents_proposals(world, sources):
    policy_of(world, "咸宁")
    project = project_in(compound_in(world.community_a))
    item(project, "lift_installation", bid=Decimal("300000"))

    assert {p.source.code for p in proposals_for(project, user=world["clerk_a"])} == {"residents_cash"}
    assert len(proposals_for(project, user=world["district"])) == 3


# --- The pages -----------------------------------------------------------------------------------


def test_accepting_through_the_page_plans_the_line(world, zibo_project, client_for):
    rule = only(zibo_project).rule.pk
    response = client_for("district").post(
        reverse("funding:proposal_decide", args=[zibo_project.pk]),
        {"rule": rule, "decision": "accept", "basis": ZIBO_BASIS},
    )

    assert response.status_code == 302
    assert FundingPlanLine.objects.get(project=zibo_project).basis == ZIBO_BASIS


def test_adjusting_through_the_page_takes_10k_yuan(world, zibo_project, client_for):
    rule = only(zibo_project).rule.pk
    client_for("district").post(
        reverse("funding:proposal_decide", args=[zibo_project.pk]),
        {
            "rule": rule,
            "decision": "adjust",
            "basis": ZIBO_BASIS,
            "amount": "35.5",
            "reason": "按评审意见核减",
        },
    )

    line = FundingPlanLine.objects.get(project=zibo_project)
    assert (line.amount, line.note) == (Decimal("355000.00"), "按评审意见核减")


def test_the_proposals_partial_shows_the_basis_and_the_actions(world, zibo_project, rf):
    request = rf.get("/")
    request.user = world["district"]
    html = render_to_string(
        "funding/_proposals.html", proposal_context(world["district"], zibo_project), request=request
    )

    assert ZIBO_BASIS in html
    assert 'value="accept"' in html and 'value="adjust"' in html and 'value="ignore"' in html
    assert "40.00" in html  # 400,000 元 as 万元

    reader = render_to_string(
        "funding/_proposals.html", proposal_context(world["leader"], zibo_project), request=request
    )
    assert ZIBO_BASIS in reader and 'value="accept"' not in reader


def test_the_money_page_shows_the_proposals_and_a_decision_comes_back_to_them(
    world, zibo_project, client_for
):
    client = client_for("district")
    page = client.get(reverse("funding:project_funding", args=[zibo_project.pk])).content.decode()
    assert ZIBO_BASIS in page and 'id="proposals"' in page

    response = client.post(
        reverse("funding:proposal_decide", args=[zibo_project.pk]),
        {"rule": only(zibo_project).rule.pk, "decision": "ignore", "basis": ZIBO_BASIS},
        follow=True,
    )

    assert response.redirect_chain[-1][0].endswith(f"/funding/projects/{zibo_project.pk}/#proposals")
    assert "已忽略该建议" in response.content.decode()


def test_city_staff_add_a_rule_on_the_policy_page_and_the_policy_history_says_so(world, client_for, sources):
    policy = city_policy(world.city).policy
    client = client_for("city")
    url = reverse("funding:fundingrule_add", args=[policy.pk]) + "?kind=per_household"

    assert client.get(url).status_code == 200
    refused = client.post(
        url, {"source": sources["residents_cash"].pk, "per_household_unit_building": "1500"}
    )
    assert refused.status_code == 200
    assert not FundingRule.objects.exists()

    response = client.post(
        url,
        {
            "source": sources["residents_cash"].pk,
            "per_household_unit_building": "1500",
            "per_household_other": "2000",
        },
    )

    assert response.status_code == 302
    rule = FundingRule.objects.get()
    assert (rule.kind, rule.per_household_other, rule.get_document_number()) == (
        FundingRule.Kind.PER_HOUSEHOLD,
        Decimal("2000.00"),
        "淄政办字〔2020〕49号",
    )
    page = client.get(reverse("org:citypolicy_detail", args=[policy.pk])).content.decode()
    assert "按户出资" in page or "每户" in page
    entry = history_for(policy).first()
    assert entry.summary.startswith("新增资金规则")
    [line] = change_lines(entry)
    assert "2000.00" in line.text and "居民出资（现金）" in line.text


def test_a_contract_share_rule_needs_its_category_and_percentage(world, client_for, sources):
    policy = city_policy(world.city).policy
    response = client_for("city").post(
        reverse("funding:fundingrule_add", args=[policy.pk]) + "?kind=contract_share",
        {"source": sources["city_budget"].pk},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"category", "percentage"}


def test_a_policy_has_one_rule_per_source(world, client_for, sources):
    policy = policy_of(world, "淄博")
    response = client_for("city").post(
        reverse("funding:fundingrule_add", args=[policy.pk]) + "?kind=per_household",
        {"source": sources["city_budget"].pk, "per_household_unit_building": "1", "per_household_other": "1"},
    )

    assert response.status_code == 200
    assert FundingRule.objects.count() == 1


def test_editing_and_deleting_a_rule(world, client_for, sources):
    policy = policy_of(world, "淄博")
    rule = FundingRule.objects.get()
    client = client_for("city")
    basic = rule.category.pk
    rooms = list(rule.items.values_list("pk", flat=True))

    response = client.post(
        reverse("funding:fundingrule_edit", args=[rule.pk]),
        {
            "source": rule.source.pk,
            "category": basic,
            "items": rooms,
            "percentage": "35",
            "provincial_plan_only": "on",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.percentage == Decimal("35.00")
    assert "35.00" in change_lines(history_for(policy).first())[0].text

    client.post(reverse("funding:fundingrule_delete", args=[rule.pk]))
    assert not FundingRule.objects.exists()


def test_the_idle_days_are_edited_with_the_policy(world, client_for):
    from org.policy import citypolicy_update

    policy = city_policy(world.city).policy
    citypolicy_update(actor=world["city"], instance=policy, funds_idle_days=45)

    assert FundingPolicy.objects.get(policy=policy).funds_idle_days == 45
    page = client_for("city").get(reverse("org:citypolicy_edit", args=[policy.pk])).content.decode()
    assert 'name="funds_idle_days"' in page


def test_a_rule_cannot_apply_before_its_policy(world, sources):
    policy = policy_of(world, "淄博")
    rule = FundingRule.objects.get(section__policy=policy)
    rule.effective_from = datetime.date(2019, 1, 1)

    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "effective_from" in refused.value.message_dict


def test_a_policy_saved_without_idle_days_keeps_the_usual_90(world):
    from org.policy import citypolicy_create

    form = FundingPolicyForm({"funds_idle_days": ""})
    assert form.is_valid()
    policy = citypolicy_create(
        actor=world["city"], city=world.city, title="芒市老旧小区改造工作实施方案", document_number="芒政办发〔2020〕28号",
        effective_from=datetime.date(2020, 4, 3), built_before=datetime.date(2000, 12, 31), **form.cleaned_data,
    )  # fmt: skip

    assert FundingPolicy.objects.get(policy=policy).funds_idle_days == 90
