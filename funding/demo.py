"""Funding's part of the demo city (seed_demo runs it after projects'): 淄博's funding rule
(淄政办字〔2020〕49号: 40 % of the basic items' contract price, for projects in the provincial plan)
in the demo policy's funding section, and one project whose proposed city subsidy was accepted.

The three seeds' rules are data in fixtures/funding_rules.json; ``install_rules`` writes one city's
into a policy (the demo: 淄博's; the tests: 芒市's and 咸宁's). Safe to run again."""

import json
from decimal import Decimal

from django.conf import settings

from org.models import CityPolicy, Region, User
from projects.models import ItemCategory, Project, RenovationItem

from .demo_money import seed_money
from .models import FundingPolicy, FundingRule, FundingSource
from .rules import State, proposal_accept, proposals_for

RULES_FIXTURE = settings.BASE_DIR / "fixtures" / "funding_rules.json"
# The demo project whose proposed subsidy is accepted: under construction, so its items have
# contract prices and its plan is approved.
ACCEPTED_PROJECT = "科苑街道加装电梯及管网改造"


def city_rules(name):
    """One city's policy and rules as fixtures/funding_rules.json writes them."""
    return json.loads(RULES_FIXTURE.read_text(encoding="utf-8"))[name]


def install_rules(policy, spec):
    """``spec``'s funding section and rules in ``policy`` (saved directly, as demo data is); a rule
    of a source the section already has is left as it is. Returns the section."""
    section, _created = FundingPolicy.objects.get_or_create(
        policy=policy, defaults={"funds_idle_days": spec.get("funds_idle_days", 90)}
    )
    for data in spec["rules"]:
        source = FundingSource.objects.get(code=data["source"])
        if FundingRule.objects.filter(section=section, source=source).exists():
            continue
        rule = FundingRule(
            section=section,
            kind=data["kind"],
            source=source,
            category=ItemCategory.objects.get(code=data["category"]) if data.get("category") else None,
            percentage=Decimal(data["percentage"]) if data.get("percentage") else None,
            provincial_plan_only=data.get("provincial_plan_only", False),
            per_household_unit_building=_yuan(data.get("per_household_unit_building")),
            per_household_other=_yuan(data.get("per_household_other")),
            document_number=data.get("document_number", ""),
            note=data.get("note", ""),
        )
        rule.full_clean()
        rule.save()
        rule.items.set(RenovationItem.objects.filter(code__in=data.get("items", ())))
    return section


def _yuan(text):
    return Decimal(text) if text else None


def seed(context):
    city = context.shared.get("city") or Region.objects.get(code="370300")
    seed_rules(context, city)
    entries = seed_money(city)
    if entries:
        context.stdout.write(f"{city.name}: funding plans, receipts and {entries} disbursements")


def seed_rules(context, city):
    """淄博's rule in the demo policy, and its proposal accepted for ACCEPTED_PROJECT."""
    spec = city_rules("淄博")
    policy = CityPolicy.objects.filter(city=city, document_number=spec["document_number"]).first()
    if policy is None:
        return
    install_rules(policy, spec)
    project = Project.objects.filter(city=city, name=ACCEPTED_PROJECT).first()
    admin = User.objects.filter(username="city_admin").first()
    if project is None or admin is None:
        return
    for proposal in proposals_for(project):
        if proposal.state in (State.OPEN, State.CHANGED):
            proposal_accept(actor=admin, project=project, rule=proposal.rule.pk, basis=proposal.basis)
            context.stdout.write(f"{city.name}: {project.name}, {proposal.basis}")
