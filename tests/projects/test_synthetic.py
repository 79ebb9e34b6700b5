"""Synthetic data for load tests (generate_synthetic) and the demo city's compounds (seed_demo)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone

from org.models import CityPolicy, Organisation, Region
from projects.models import (
    Building,
    Compound,
    Finding,
    Inspection,
    ProgressReport,
    Project,
    ProjectCompound,
    ProjectItem,
    ProjectPolicy,
)


def generate(*args):
    out = StringIO()
    call_command("generate_synthetic", "--scale", "district", *args, stdout=out)
    return out.getvalue()


def synthetic_compounds():
    return Compound.objects.filter(city__path__startswith="379900/")


def first_names(count=20):
    return list(synthetic_compounds().order_by("code").values_list("name", flat=True)[:count])


def test_district_scale_has_about_a_thousand_compounds_of_realistic_size(db):
    output = generate("--seed", "3")
    compounds = synthetic_compounds()
    figures = compounds.aggregate(
        n=Count("pk"), households=Avg("household_count"), buildings=Avg("building_count")
    )
    assert 900 <= figures["n"] <= 1100
    assert 140 <= figures["households"] <= 200
    assert 4 <= figures["buildings"] <= 6
    assert Building.objects.filter(compound__in=compounds).count() == sum(c.building_count for c in compounds)
    assert f"{figures['n']} compounds" in output


def test_district_scale_is_one_district_with_its_bureaus_and_a_policy(db):
    generate("--seed", "3")
    regions = Region.objects.filter(path__startswith="379900/")
    assert regions.filter(level=Region.Level.CITY).count() == 1
    assert regions.filter(level=Region.Level.DISTRICT).count() == 1
    assert 80 <= regions.filter(level=Region.Level.COMMUNITY).count() <= 140
    kinds = set(Organisation.objects.filter(region__in=regions).values_list("kind", flat=True))
    assert {
        Organisation.Kind.CITY_BUREAU,
        Organisation.Kind.DISTRICT_BUREAU,
        Organisation.Kind.STREET_OFFICE,
    } <= kinds
    assert CityPolicy.objects.filter(city__in=regions).count() == 1
    assert ProjectPolicy.objects.filter(policy__city__in=regions).count() == 1


def test_some_compounds_are_ineligible_and_every_verdict_follows_the_policy(db):
    from projects.registry.eligibility import verdict

    generate("--seed", "3")
    compounds = list(synthetic_compounds().select_related("city"))
    policy = ProjectPolicy.in_force(compounds[0].city)
    assert all(c.eligibility == verdict(c, policy) for c in compounds)
    eligible = sum(c.is_eligible for c in compounds)
    assert 0.6 * len(compounds) < eligible < len(compounds)


def test_the_same_seed_gives_the_same_compounds_and_replace_starts_afresh(db):
    generate("--seed", "7")
    names, count = first_names(), synthetic_compounds().count()
    generate("--seed", "7", "--replace")
    assert first_names() == names
    assert synthetic_compounds().count() == count
    assert Region.objects.filter(code="379900").count() == 1


def test_another_seed_gives_other_compounds(db):
    generate("--seed", "7")
    names = first_names()
    generate("--seed", "8", "--replace")
    assert first_names() != names


def test_it_refuses_to_add_a_second_synthetic_province_without_replace(db):
    generate("--seed", "1")
    with pytest.raises(CommandError, match="--replace"):
        generate("--seed", "1")


def test_it_leaves_the_demo_city_alone(db):
    seed_demo()
    zibo = Compound.objects.filter(city__code="370300").count()
    generate("--seed", "1")
    generate("--seed", "2", "--replace")
    assert Compound.objects.filter(city__code="370300").count() == zibo


def test_it_refuses_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        generate("--seed", "1")


# --- the demo city ----------------------------------------------------------------------------


def seed_demo():
    out = StringIO()
    call_command("seed_demo", password="Demo#2026zb", stdout=out)
    return out.getvalue()


def test_seed_demo_gives_zibo_about_three_hundred_compounds_and_its_policy(db):
    seed_demo()
    compounds = Compound.objects.filter(city__code="370300")
    assert 250 <= compounds.count() <= 350
    assert (
        compounds.values("community").distinct().count()
        == Region.objects.filter(path__startswith="370000/370300/", level=Region.Level.COMMUNITY).count()
    )
    assert Building.objects.filter(compound__in=compounds).exists()
    policy = ProjectPolicy.objects.get(policy__city__code="370300")
    assert policy.policy.document_number == "淄政办字〔2020〕49号"
    assert policy.built_before.isoformat() == "2005-12-31"
    assert policy.exclude_shanty_town_areas and policy.exclude_self_built_housing


def test_the_demo_clerk_finds_named_compounds_in_her_street(db):
    seed_demo()
    names = set(Compound.objects.filter(community__parent__name="车站街道").values_list("name", flat=True))
    assert {"华光路小区", "共青团路纺织厂宿舍"} <= names
    assert Compound.objects.get(name="华光路小区").code == "ZB-370303-0001"


def test_seed_demo_twice_changes_no_compound(db):
    seed_demo()
    before = (
        list(Compound.objects.order_by("code").values_list("code", "name", "household_count")),
        Building.objects.count(),
        CityPolicy.objects.count(),
        ProjectPolicy.objects.count(),
    )
    seed_demo()
    after = (
        list(Compound.objects.order_by("code").values_list("code", "name", "household_count")),
        Building.objects.count(),
        CityPolicy.objects.count(),
        ProjectPolicy.objects.count(),
    )
    assert after == before


# --- projects ---------------------------------------------------------------------------------


def synthetic_projects():
    return Project.objects.filter(city__path__startswith="379900/")


def test_about_a_third_of_the_compounds_have_projects_in_every_stage_of_one_to_four_neighbours(db):
    generate("--seed", "3")
    projects = synthetic_projects()
    assert set(projects.values_list("stage", flat=True)) == set(Project.Stage.values)
    in_projects = ProjectCompound.objects.filter(project__in=projects)
    share = in_projects.count() / synthetic_compounds().count()
    assert 0.2 <= share <= 0.4
    assert in_projects.values("compound").distinct().count() == in_projects.count()  # one project each
    sizes = set(projects.annotate(n=Count("compounds")).values_list("n", flat=True))
    assert sizes == {1, 2, 3, 4}
    assert len(set(projects.values_list("plan_year", flat=True))) >= 4
    assert not in_projects.exclude(compound__eligibility=Compound.Eligibility.ELIGIBLE).exists()


def test_a_project_lies_in_the_street_of_its_compounds_or_the_district_of_a_bundle_across_streets(db):
    from projects.lifecycle.services import smallest_common_region

    generate("--seed", "3")
    projects = synthetic_projects().select_related("region", "city").prefetch_related("compounds__community")
    levels = {Region.Level.STREET: 0, Region.Level.DISTRICT: 0}
    for project in projects:
        assert project.region == smallest_common_region(list(project.compounds.all())), project
        assert project.city.level == Region.Level.CITY and project.region.path.startswith(project.city.path)
        levels[project.region.level] += 1
    assert levels[Region.Level.DISTRICT] >= 1 and levels[Region.Level.STREET] > 0.8 * len(projects)


def test_every_project_has_the_facts_of_its_stage_and_none_of_later_ones(db):
    from projects.lifecycle.transitions import FACT_DATES as FACTS

    generate("--seed", "3")
    today = timezone.localdate()
    for project in synthetic_projects():
        reached = project.stage_index  # a project at the n-th stage has taken n steps
        dates = [getattr(project, name) for name in FACTS]
        assert all(dates[:reached]) and not any(dates[reached:]), (project.stage, dates)
        assert dates[:reached] == sorted(dates[:reached]) and all(d <= today for d in dates[:reached])
        approved, started = reached > 3, reached > 4
        assert bool(project.approval_body and project.approval_number) == approved
        assert project.pool == ("implementation" if approved else "planning" if reached == 3 else "reserve")
        if started:
            assert project.contractor and (project.permit_number or project.permit_exempt)
        assert bool(project.management_entity) == (reached > 7)
        if approved:
            assert project.plan_year in (project.approved_on.year, project.approved_on.year + 1)


def test_compounds_of_approved_projects_are_in_implementation_and_of_accepted_ones_renovated(db):
    generate("--seed", "3")
    links = ProjectCompound.objects.filter(project__in=synthetic_projects())
    renovated = links.filter(project__accepted_on__isnull=False)
    building = links.filter(project__approved_on__isnull=False, project__accepted_on__isnull=True)
    assert renovated.exists() and building.exists()
    assert set(renovated.values_list("compound__pool", flat=True)) == {Compound.Pool.RENOVATED}
    assert set(building.values_list("compound__pool", flat=True)) == {Compound.Pool.IMPLEMENTATION}


def test_projects_have_mostly_basic_items_with_costs_fitting_their_stage(db):
    generate("--seed", "3")
    projects = synthetic_projects()
    counts = set(projects.annotate(n=Count("items")).values_list("n", flat=True))
    assert counts <= set(range(3, 11))
    items = ProjectItem.objects.filter(project__in=projects)
    assert items.filter(item__category__code="basic").count() > 0.7 * items.count()
    assert not items.filter(bid_price__gt=F("estimated_cost")).exists()
    assert not items.filter(quantity__lte=0).exists()
    started = Q(project__started_on__isnull=False)
    completed = Q(project__completed_on__isnull=False)
    assert not items.filter(project__stage="survey", estimated_cost__isnull=False).exists()
    assert not items.filter(~Q(project__stage="survey"), estimated_cost__isnull=True).exists()
    assert not items.filter(started, bid_price__isnull=True).exists()
    assert not items.filter(~started, bid_price__isnull=False).exists()
    assert not items.filter(completed, ~Q(actual_cost__gt=0) | ~Q(progress=100)).exists()
    assert not items.filter(~completed, actual_cost__isnull=False).exists()
    # A typical project costs ¥1,000–50,000 per household.
    per_household = [
        float(p.estimated) / p.households
        for p in projects.exclude(stage="survey").annotate(
            estimated=Sum("items__estimated_cost"), households=Sum("compounds__household_count")
        )
    ]
    per_household.sort()
    assert 1000 < per_household[len(per_household) // 2] < 50000


def test_projects_under_construction_or_later_report_progress_and_are_inspected(db):
    generate("--seed", "3")
    projects = synthetic_projects()
    reports = ProgressReport.objects.filter(project__in=projects)
    assert not reports.filter(project__started_on__isnull=True).exists()
    # Monthly or so from the start: only a project started in the last weeks may have none yet.
    six_weeks_ago = timezone.localdate() - datetime.timedelta(days=42)
    assert not projects.filter(started_on__lt=six_weeks_ago, progress_reports__isnull=True).exists()
    assert not reports.filter(reported_on__lt=F("project__started_on")).exists()
    assert not reports.filter(reported_on__gt=timezone.localdate()).exists()
    completed = projects.filter(completed_on__isnull=False)
    assert reports.filter(project__in=completed, percent=100).values("project").distinct().count() == (
        completed.count()
    )
    findings = Finding.objects.filter(inspection__project__in=projects)
    assert not Inspection.objects.filter(project__in=projects, project__started_on__isnull=True).exists()
    assert findings.filter(severity=Finding.Severity.CRITICAL).exists()
    assert findings.filter(closed_on__isnull=False).exists()
    assert findings.overdue().exists()  # open past their deadline
    assert findings.exclude(requested_item=None).exists()
    assert not findings.filter(closed_on__isnull=False, closure_note="").exists()
    # Acceptance needs every critical finding closed by then.
    assert not findings.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=F("inspection__project__accepted_on")),
        severity=Finding.Severity.CRITICAL,
        inspection__project__accepted_on__isnull=False,
    ).exists()


def test_the_city_calendar_makes_some_projects_overdue_and_the_list_flags_them(db, client):
    from org.roles import CITY_STAFF
    from projects.lifecycle.schedule import next_deadline
    from tests.factories import make_user

    generate("--seed", "3")
    city = Region.objects.get(path__startswith="379900/", level=Region.Level.CITY)
    policy = ProjectPolicy.in_force(city)
    assert policy.deadlines["survey"] == {"kind": "year_before", "value": 10}
    assert policy.deadlines["handover"] == {"kind": "months_after", "value": 3}
    projects = synthetic_projects()
    for project in projects:
        upcoming = next_deadline(project, policy)
        assert (project.next_milestone, project.next_due_on) == (
            (upcoming.milestone, upcoming.due_on) if upcoming else ("", None)
        )
    overdue = projects.filter(next_due_on__lt=timezone.localdate())
    assert 0 < overdue.count() < projects.count() / 2
    bureau = Organisation.objects.get(region=city, kind=Organisation.Kind.CITY_BUREAU)
    client.force_login(make_user("synthetic_city", bureau, CITY_STAFF))
    response = client.get("/projects/", {"overdue": "deadline", "per_page": 100})
    assert response.status_code == 200
    assert response.context["totals"]["projects"] == overdue.count()
    assert response.content.decode().count("⚠") >= min(overdue.count(), 100)


def project_snapshot():
    """What generate_synthetic made, in an order that does not depend on primary keys."""
    projects = synthetic_projects()
    rows = {
        "projects": projects.values_list("code", "name", "stage", "plan_year", "started_on", "next_due_on"),
        "compounds": ProjectCompound.objects.filter(project__in=projects).values_list(
            "project__code", "compound__code"
        ),
        "items": ProjectItem.objects.filter(project__in=projects).values_list(
            "project__code", "item__code", "quantity", "estimated_cost", "bid_price"
        ),
        "reports": ProgressReport.objects.filter(project__in=projects).values_list(
            "project__code", "reported_on", "percent", "investment_to_date"
        ),
        "findings": Finding.objects.filter(inspection__project__in=projects).values_list(
            "inspection__project__code", "inspection__inspected_on", "description", "deadline", "closed_on"
        ),
    }
    return {what: sorted(values, key=repr) for what, values in rows.items()}


def test_the_same_seed_gives_the_same_projects_and_replace_deletes_them_before_the_compounds(db):
    generate("--seed", "7")
    before = project_snapshot()
    assert before["projects"] and before["findings"]
    output = generate("--seed", "7", "--replace")
    assert f"Deleted: {len(before['projects'])} projects" in output
    assert project_snapshot() == before
    assert Project.objects.count() == len(before["projects"])  # nothing left over from the first run
    assert ProjectItem.objects.count() == len(before["items"])
    generate("--seed", "8", "--replace")
    assert project_snapshot()["projects"] != before["projects"]
