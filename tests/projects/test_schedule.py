"""Deadlines from the city's calendar: 芒市 dates the survey by October of the year before, the design
by December, bidding by March of the plan year, acceptance by January of the year after, and the
handover within three months of acceptance; 汾阳 wants the plan declared by the end of August."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.lifecycle.schedule import deadlines, next_deadline, schedule_refresh, schedules_recompute
from projects.lifecycle.services import project_create, project_transition, project_update
from projects.models import Milestone, Project, ProjectPolicy
from tests.factories import city_policy, compound_in, finding_in, project_in

S = Project.Stage
M = Milestone

MANGSHI = {
    "survey": {"kind": "year_before", "value": 10},
    "design": {"kind": "year_before", "value": 12},
    "bidding": {"kind": "plan_year", "value": 3},
    "acceptance": {"kind": "year_after", "value": 1},
    "handover": {"kind": "months_after", "value": 3},
}
FENYANG = {"declaration": {"kind": "year_before", "value": 8}}


def this_year():
    return timezone.localdate().year


def calendar(rules):
    """Project rules holding only a calendar, for reading deadlines without the database."""
    return ProjectPolicy(deadlines=rules)


def dates(project, rules):
    return {d.milestone.value: d.due_on for d in deadlines(project, calendar(rules))}


@pytest.fixture
def mangshi(world):
    return city_policy(
        world.city, title="芒市城镇老旧小区改造工作实施方案", document_number="芒政办发〔2021〕35号",
        effective_from=datetime.date(2021, 1, 1), built_before=datetime.date(2000, 12, 31), deadlines=MANGSHI,
    )  # fmt: skip


def saved_with_schedule(project):
    schedule_refresh(project)
    project.save()
    return project


# --- Reading the calendar ------------------------------------------------------------------------


def test_mangshi_dates_each_milestone_at_the_end_of_its_month():
    assert dates(Project(plan_year=2026), MANGSHI) == {
        "survey": datetime.date(2025, 10, 31),
        "design": datetime.date(2025, 12, 31),
        "bidding": datetime.date(2026, 3, 31),
        "acceptance": datetime.date(2027, 1, 31),
        "handover": datetime.date(2027, 4, 30),  # three months after acceptance is due
    }


def test_milestones_the_calendar_does_not_date_are_left_out_in_milestone_order():
    found = deadlines(Project(plan_year=2026), calendar(MANGSHI))
    assert [d.milestone for d in found] == [M.SURVEY, M.DESIGN, M.BIDDING, M.ACCEPTANCE, M.HANDOVER]


def test_fenyang_wants_the_plan_declared_by_the_end_of_august_of_the_year_before():
    assert dates(Project(plan_year=2025), FENYANG) == {"declaration": datetime.date(2024, 8, 31)}


def test_february_ends_on_the_29th_in_a_leap_year():
    rule = {"bidding": {"kind": "plan_year", "value": 2}}
    assert dates(Project(plan_year=2028), rule) == {"bidding": datetime.date(2028, 2, 29)}
    assert dates(Project(plan_year=2027), rule) == {"bidding": datetime.date(2027, 2, 28)}


def test_the_handover_is_counted_from_the_day_acceptance_was_reached():
    project = Project(plan_year=2026, accepted_on=datetime.date(2026, 11, 20))
    assert dates(project, MANGSHI)["handover"] == datetime.date(2027, 2, 20)


def test_months_counted_from_the_end_of_a_month_stop_at_the_end_of_a_shorter_one():
    assert dates(Project(plan_year=2026, accepted_on=datetime.date(2026, 11, 30)), MANGSHI)["handover"] == (
        datetime.date(2027, 2, 28)
    )
    assert dates(Project(plan_year=2027, accepted_on=datetime.date(2027, 11, 30)), MANGSHI)["handover"] == (
        datetime.date(2028, 2, 29)
    )
    rule = {**MANGSHI, "handover": {"kind": "months_after", "value": 14}}
    assert dates(Project(plan_year=2026, accepted_on=datetime.date(2026, 12, 31)), rule)["handover"] == (
        datetime.date(2028, 2, 29)
    )


def test_a_months_after_deadline_waits_for_an_undated_milestone_before_it():
    rules = {"handover": {"kind": "months_after", "value": 3}}  # acceptance itself has no deadline
    (handover,) = deadlines(Project(plan_year=2026), calendar(rules))
    assert handover.due_on is None and not handover.overdue
    (handover,) = deadlines(Project(plan_year=2026, accepted_on=datetime.date(2026, 12, 10)), calendar(rules))
    assert handover.due_on == datetime.date(2027, 3, 10)


def test_without_a_plan_year_only_months_after_a_reached_milestone_are_dated():
    project = Project(plan_year=None, accepted_on=datetime.date(2026, 12, 10))
    assert dates(project, MANGSHI) == {
        "survey": None, "design": None, "bidding": None, "acceptance": None,
        "handover": datetime.date(2027, 3, 10),
    }  # fmt: skip


def test_a_city_without_a_policy_or_calendar_sets_no_deadlines():
    assert deadlines(Project(plan_year=2026), None) == []
    assert deadlines(Project(plan_year=2026), calendar({})) == []


def test_a_milestone_reached_after_its_deadline_is_late_and_one_not_reached_in_time_is_overdue():
    year = this_year() - 2
    project = Project(
        plan_year=year,
        survey_completed_on=datetime.date(year - 1, 9, 30),  # on time
        design_completed_on=datetime.date(year, 1, 15),  # due by December of the year before
    )
    survey, design, bidding, *_later = deadlines(project, calendar(MANGSHI))
    assert (survey.late, survey.overdue) == (False, False)
    assert (design.late, design.overdue) == (True, False)
    assert (bidding.late, bidding.overdue) == (False, True)


def test_nothing_is_overdue_before_its_deadline():
    found = deadlines(Project(plan_year=this_year() + 2), calendar(MANGSHI))
    assert not any(d.overdue or d.late for d in found)


def test_the_next_deadline_is_the_first_dated_milestone_not_reached():
    project = Project(plan_year=2026, survey_completed_on=datetime.date(2025, 10, 8))
    upcoming = next_deadline(project, calendar(MANGSHI))
    assert (upcoming.milestone, upcoming.due_on) == (M.DESIGN, datetime.date(2025, 12, 31))
    project.design_completed_on = project.started_on = datetime.date(2026, 3, 1)
    upcoming = next_deadline(project, calendar(MANGSHI))
    assert (upcoming.milestone, upcoming.due_on) == (M.ACCEPTANCE, datetime.date(2027, 1, 31))


# --- Kept on the project -------------------------------------------------------------------------


def test_a_new_project_carries_its_first_deadline(world, mangshi):
    year = this_year() + 1
    project = project_create(
        actor=world["clerk_a"],
        compounds=[compound_in(world.community_a)],
        name="华光路小区改造",
        plan_year=year,
    )
    project.refresh_from_db()
    assert (project.next_milestone, project.next_due_on) == ("survey", datetime.date(year - 1, 10, 31))


def test_a_new_project_without_a_plan_year_has_no_deadline_yet(world, mangshi):
    project = project_create(
        actor=world["clerk_a"], compounds=[compound_in(world.community_a)], name="储备项目", plan_year=None
    )
    assert (project.next_milestone, project.next_due_on) == ("", None)
    assert not project.is_overdue


def test_changing_the_plan_year_moves_the_deadline(world, mangshi):
    project = project_create(
        actor=world["clerk_a"],
        compounds=[compound_in(world.community_a)],
        name="华光路小区改造",
        plan_year=2027,
    )
    project = project_update(actor=world["clerk_a"], instance=project, plan_year=2028)
    project.refresh_from_db()
    assert project.next_due_on == datetime.date(2027, 10, 31)


def test_each_step_moves_the_next_deadline_on_and_the_last_one_clears_it(world, mangshi):
    project = saved_with_schedule(
        project_in(compound_in(world.community_a), plan_year=2026, contractor="淄博城建")
    )
    d = datetime.date
    walk = (  # who, step, what it records, then (next milestone, due by)
        ("clerk_a", "finish_survey", {"survey_completed_on": d(2025, 10, 20)}, ("design", "2025-12-31")),
        ("clerk_a", "finish_design", {"design_completed_on": d(2025, 12, 15)}, ("bidding", "2026-03-31")),
        ("district", "declare", {"declared_on": d(2026, 1, 10)}, ("bidding", "2026-03-31")),
        ("city", "approve", {"approved_on": d(2026, 2, 10), "approval_body": "芒市住房和城乡建设局",
                             "approval_number": "芒建〔2026〕3号"}, ("bidding", "2026-03-31")),
        ("clerk_a", "start_construction", {"started_on": d(2026, 3, 20), "permit_exempt": True},
         ("acceptance", "2027-01-31")),
        ("clerk_a", "complete_construction", {"completed_on": d(2026, 10, 1)}, ("acceptance", "2027-01-31")),
        ("city", "accept", {"accepted_on": d(2026, 10, 20)}, ("handover", "2027-01-20")),
        ("district", "hand_over", {"handed_over_on": d(2026, 11, 1), "management_entity": "华光路社区"},
         ("", None)),
    )  # fmt: skip
    for persona, action, inputs, (milestone, due) in walk:
        project = project_transition(actor=world[persona], project=project, action=action, **inputs)
        project.refresh_from_db()
        got = (project.next_milestone, project.next_due_on and project.next_due_on.isoformat())
        assert got == (milestone, due), action


def test_a_new_calendar_moves_every_project_of_the_city_once(world, mangshi):
    dated = saved_with_schedule(project_in(compound_in(world.community_a), plan_year=2026))
    undated = saved_with_schedule(project_in(compound_in(world.community_b), plan_year=None))
    assert dated.next_due_on == datetime.date(2025, 10, 31)

    mangshi.deadlines = {**MANGSHI, "survey": {"kind": "year_before", "value": 9}}
    mangshi.save()
    assert schedules_recompute(city=world.city) == 1
    assert schedules_recompute(city=world.city) == 0  # safe to run twice

    dated.refresh_from_db()
    undated.refresh_from_db()
    assert (dated.next_milestone, dated.next_due_on) == ("survey", datetime.date(2025, 9, 30))
    assert (undated.next_milestone, undated.next_due_on) == ("", None)


def test_a_city_whose_policy_is_gone_has_no_deadlines_left(world, mangshi):
    project = saved_with_schedule(project_in(compound_in(world.community_a), plan_year=2026))
    mangshi.delete()
    assert schedules_recompute(city=world.city) == 1
    project.refresh_from_db()
    assert (project.next_milestone, project.next_due_on) == ("", None)


# --- Pages ---------------------------------------------------------------------------------------


def test_the_project_page_flags_a_missed_deadline_and_shows_the_calendar(world, client_for, mangshi):
    year = this_year() - 2
    project = saved_with_schedule(
        project_in(
            compound_in(world.community_a), plan_year=year, survey_completed_on=datetime.date(year - 1, 10, 1)
        )
    )
    assert project.is_overdue and project.next_milestone == "design"

    response = client_for("clerk_a").get(project.get_absolute_url())
    page = response.content.decode()
    assert 'id="overdue-flag"' in page
    assert f"{year - 1}-12-31" in page.split('id="overdue-flag"')[1].split("</div>")[0]
    table = page.split('id="deadlines"')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("</tr>")[:-1]
    assert len(rows) == 5
    assert [f"{year - 1}-10-31" in rows[0], f"{year - 1}-10-01" in rows[0]] == [True, True]
    assert "badge text-bg-success" in rows[0]  # survey reached on time
    assert all('class="table-danger"' in r for r in rows[1:])  # every later milestone missed
    assert f"{year + 1}-04-30" in rows[4]  # handover: three months after acceptance was due


def test_a_project_within_its_deadlines_is_not_flagged(world, client_for, mangshi):
    project = saved_with_schedule(project_in(compound_in(world.community_a), plan_year=this_year() + 2))
    page = client_for("clerk_a").get(project.get_absolute_url()).content.decode()
    assert 'id="overdue-flag"' not in page
    assert (
        'id="deadlines"' in page
        and "table-danger" not in page.split('id="deadlines"')[1].split("</table>")[0]
    )


def test_a_city_without_a_calendar_shows_no_deadline_table(world, client_for):
    project = saved_with_schedule(project_in(compound_in(world.community_a), plan_year=2020))
    response = client_for("clerk_a").get(project.get_absolute_url())
    assert response.context["deadlines"] == []
    page = response.content.decode()
    assert 'id="overdue-flag"' not in page
    assert "<table" not in page.split('id="deadlines"')[1].split('id="project-items"')[0]


def test_the_project_list_filters_missed_deadlines_and_overdue_rectification(world, client_for, mangshi):
    today = timezone.localdate()
    late = saved_with_schedule(
        project_in(compound_in(world.community_a), plan_year=today.year - 1, name="误期项目")
    )
    unrectified = saved_with_schedule(
        project_in(compound_in(world.community_a), plan_year=today.year + 2, name="整改逾期项目")
    )
    finding_in(unrectified, deadline=today - datetime.timedelta(days=1))
    rectified = saved_with_schedule(
        project_in(compound_in(world.community_a), plan_year=today.year + 2, name="按期整改项目")
    )
    finding_in(rectified, deadline=today - datetime.timedelta(days=5), closed_on=today, closure_note="已清理")
    finding_in(rectified, deadline=today + datetime.timedelta(days=5))
    assert late.is_overdue and not unrectified.is_overdue

    client = client_for("district")

    def listed(**params):
        response = client.get(reverse("projects:project_list"), params)
        return sorted(p.name for p in response.context["object_list"])

    assert listed(overdue="deadline") == ["误期项目"]
    assert listed(overdue="findings") == ["整改逾期项目"]
    assert listed(overdue="any") == ["整改逾期项目", "误期项目"]
    assert listed() == ["按期整改项目", "整改逾期项目", "误期项目"]


def test_months_after_the_end_of_a_month_end_at_the_end_of_a_month():
    from projects.lifecycle.schedule import add_months

    assert add_months(datetime.date(2026, 2, 28), 3) == datetime.date(2026, 5, 31)
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 3, 15), 3) == datetime.date(2026, 6, 15)
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
