"""A city's policy as data, beyond eligibility: its prerequisites (咸宁's 六个前置) and its deadline
calendar (芒市: survey by October of the year before, design by December, bidding by March,
acceptance by January of the year after, handover within three months), kept valid by the model and
entered through one row per milestone; a change re-dates every project of the city in the background."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Job
from core.templatetags.portal import bootstrap
from org.forms import CityPolicyForm
from org.models import CityPolicy
from org.policy import citypolicy_delete, citypolicy_update
from projects.lifecycle.jobs import SCHEDULE_RECOMPUTE_JOB
from projects.lifecycle.schedule import schedule_refresh
from projects.models import Milestone, Prerequisite, ProjectPolicy
from projects.policy import DeadlineField, ProjectPolicyForm
from projects.registry.jobs import ELIGIBILITY_RECOMPUTE_JOB
from tests.factories import city_policy, compound_in, project_in
from tests.helpers import wait_for

MANGSHI = {
    "survey": {"kind": "year_before", "value": 10},
    "design": {"kind": "year_before", "value": 12},
    "bidding": {"kind": "plan_year", "value": 3},
    "acceptance": {"kind": "year_after", "value": 1},
    "handover": {"kind": "months_after", "value": 3},
}
XIANNING = [p.value for p in Prerequisite]


def projects_section(policy_form):
    """The projects' section of the policy form (each app adds its own section)."""
    return {section.key: form for section, form in policy_form.sections}["projects"]


def policy_fields(world, **changes):
    fields = {
        "city": world.city, "title": "芒市城镇老旧小区改造工作实施方案", "document_number": "芒政办发〔2021〕35号",
        "effective_from": datetime.date(2021, 1, 1), "built_before": datetime.date(2000, 12, 31),
    }  # fmt: skip
    fields.update(changes)
    return fields


def form_data(world, calendar=MANGSHI, prerequisites=(), block=False, **changes):
    """The policy form as the browser posts it: every milestone row, empty where the city sets none."""
    data = {
        "city": world.city.pk, "title": "芒市城镇老旧小区改造工作实施方案", "document_number": "芒政办发〔2021〕35号",
        "effective_from": "2021-01-01", "built_before": "2000-12-31", "exclude_shanty_town_areas": "on",
        "exclude_self_built_housing": "on", "prerequisites": list(prerequisites),
    }  # fmt: skip
    if block:
        data["prerequisites_block_plan"] = "on"
    for milestone in Milestone:
        rule = calendar.get(milestone.value) or {}
        data[f"deadline_{milestone.value}_0"] = rule.get("kind", "")
        data[f"deadline_{milestone.value}_1"] = rule.get("value", "")
    data.update(changes)
    return data


def saved_policy(world, **rules):
    """芒市's policy saved directly (no recomputation); returns the document."""
    fields = policy_fields(world, **rules)
    return city_policy(fields.pop("city"), **fields).policy


def clean_errors(**fields):
    policy = ProjectPolicy(**fields)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        policy.clean()
    return {field: " ".join(str(m) for m in messages) for field, messages in error.value.message_dict.items()}


# --- The model keeps the calendar valid ----------------------------------------------------------


def test_mangshis_calendar_and_xiannings_prerequisites_are_valid(world):
    ProjectPolicy(
        built_before=datetime.date(2000, 12, 31), deadlines=MANGSHI, prerequisites=XIANNING
    ).full_clean(exclude=["policy"])


def test_an_unknown_prerequisite_is_refused_naming_it():
    errors = clean_errors(prerequisites=["convention", "free_parking"])
    assert list(errors) == ["prerequisites"] and "free_parking" in errors["prerequisites"]


@pytest.mark.parametrize(
    "deadlines, expected",
    [
        ({"groundbreaking": {"kind": "plan_year", "value": 3}}, "“groundbreaking” is not understood"),
        ({"bidding": {"kind": "quarter", "value": 1}}, "is not understood"),
        ({"bidding": {"kind": "plan_year", "value": 13}}, "month must be 1 to 12"),
        ({"survey": {"kind": "year_before", "value": 0}}, "month must be 1 to 12"),
        ({"bidding": {"kind": "plan_year", "value": "3"}}, "month must be 1 to 12"),
        ({"handover": {"kind": "months_after", "value": 37}}, "1 to 36 months"),
        ({"handover": {"kind": "months_after", "value": 0}}, "1 to 36 months"),
        ({"survey": {"kind": "months_after", "value": 3}}, "cannot follow an earlier milestone"),
    ],
    ids=[
        "unknown milestone", "unknown kind", "month 13", "month 0", "month as text", "37 months", "0 months",
        "the first milestone after another",
    ],
)  # fmt: skip
def test_a_calendar_row_that_cannot_be_read_is_refused_naming_the_milestone(deadlines, expected):
    errors = clean_errors(deadlines=deadlines)
    assert list(errors) == ["deadlines"] and expected in errors["deadlines"], errors
    milestone = next(iter(deadlines))
    if milestone in Milestone.values:
        with translation.override("en"):
            assert str(Milestone(milestone).label) in errors["deadlines"]


def test_every_bad_row_is_named_at_once():
    errors = clean_errors(
        deadlines={
            "design": {"kind": "year_before", "value": 14},
            "handover": {"kind": "months_after", "value": 40},
        }
    )
    with translation.override("en"):
        assert str(Milestone.DESIGN.label) in errors["deadlines"]
        assert str(Milestone.HANDOVER.label) in errors["deadlines"]


def test_the_policy_page_reads_the_calendar_in_words(world, client_for):
    policy = saved_policy(world, deadlines=MANGSHI, prerequisites=XIANNING)
    client = client_for("city")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(policy.get_absolute_url()).content.decode()
    calendar = page.split('id="policy-calendar"')[1]
    assert "by the end of month 10 of the year before the plan year" in calendar
    assert "within 3 months of the milestone before it" in calendar
    assert page.split('id="policy-prerequisites"')[1].count('class="list-group-item"') == 6


# --- The form: one row per milestone -------------------------------------------------------------


def test_the_form_offers_every_prerequisite_and_one_calendar_row_per_milestone(world):
    form = projects_section(CityPolicyForm(user=world["city"]))
    assert isinstance(form, ProjectPolicyForm)
    rows = [name for name, field in form.fields.items() if isinstance(field, DeadlineField)]
    assert rows == [f"deadline_{m.value}" for m in Milestone]
    assert [value for value, _label in form.fields["prerequisites"].choices] == XIANNING
    html = str(form["deadline_handover"])
    assert 'name="deadline_handover_0"' in html and 'name="deadline_handover_1"' in html


def test_the_form_reads_mangshis_calendar_and_leaves_out_the_empty_rows(world):
    form = CityPolicyForm(form_data(world, prerequisites=XIANNING, block=True), user=world["city"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deadlines"] == MANGSHI
    assert form.cleaned_data["prerequisites"] == XIANNING
    assert form.cleaned_data["prerequisites_block_plan"] is True
    assert not any(name.startswith("deadline_") for name in form.cleaned_data)


def test_a_calendar_row_with_a_kind_but_no_month_is_refused_on_that_row(world):
    data = form_data(world, deadline_bidding_1="")
    form = CityPolicyForm(data, user=world["city"])
    assert not form.is_valid()
    assert list(form.errors) == ["deadline_bidding"]


def test_editing_a_policy_shows_its_calendar_and_prerequisites(world):
    policy = saved_policy(world, deadlines=MANGSHI, prerequisites=["convention", "contribution"])
    form = projects_section(CityPolicyForm(instance=policy, user=world["city"]))
    html = str(form["deadline_bidding"])
    assert '<option value="plan_year" selected>' in html and 'value="3"' in html
    assert '<option value="" selected>' in str(form["deadline_approval"])
    prerequisites = str(form["prerequisites"])
    assert prerequisites.count("checked") == 2 and 'value="convention"' in prerequisites


# --- Saving through the page starts the recomputations -------------------------------------------


# transactional_db: the worker of CI is another process and must see the test's rows.
def schedule_recomputed():
    return Job.objects.filter(kind=SCHEDULE_RECOMPUTE_JOB, status=Job.Status.SUCCEEDED).exists()


def test_city_staff_save_a_calendar_and_the_citys_projects_are_dated(
    transactional_db, world, client_for, jobs_run, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year + 1
    project = project_in(compound_in(world.community_a), plan_year=year)
    assert project.next_due_on is None

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("city").post(
            reverse("org:citypolicy_add"), form_data(world, prerequisites=XIANNING, block=True)
        )

    policy = CityPolicy.objects.get()
    assert response.status_code == 302 and response["Location"] == policy.get_absolute_url()
    rules = policy.project_rules
    assert (rules.deadlines, rules.prerequisites, rules.prerequisites_block_plan) == (
        MANGSHI,
        XIANNING,
        True,
    )
    assert wait_for(schedule_recomputed)  # by a real worker in CI, in-process elsewhere
    jobs = {job.kind: job for job in Job.objects.all()}
    assert set(jobs) == {ELIGIBILITY_RECOMPUTE_JOB, SCHEDULE_RECOMPUTE_JOB}
    schedule_job = jobs[SCHEDULE_RECOMPUTE_JOB]
    assert (schedule_job.params, schedule_job.created_by) == ({"city": world.city.pk}, world["city"])
    assert schedule_job.status == Job.Status.SUCCEEDED and schedule_job.result["projects"] == 1
    project.refresh_from_db()
    assert (project.next_milestone, project.next_due_on) == ("survey", datetime.date(year - 1, 10, 31))


def test_a_calendar_the_model_refuses_is_shown_on_the_form_and_nothing_is_started(world, client_for):
    data = form_data(world, calendar={**MANGSHI, "bidding": {"kind": "plan_year", "value": 13}})
    response = client_for("city").post(reverse("org:citypolicy_add"), data)
    assert response.status_code == 200
    rules_form = projects_section(response.context["form"])
    assert list(rules_form.errors) == ["deadline_bidding"]  # at the row where month 13 was typed
    assert 'aria-invalid="true"' in bootstrap(rules_form["deadline_bidding"])
    assert not CityPolicy.objects.exists() and not Job.objects.exists()


def test_changing_the_calendar_re_dates_the_projects(
    transactional_db, world, jobs_run, django_capture_on_commit_callbacks
):
    policy = saved_policy(world, deadlines=MANGSHI)
    project = project_in(compound_in(world.community_a), plan_year=2027)
    schedule_refresh(project)
    project.save()
    assert project.next_due_on == datetime.date(2026, 10, 31)

    with django_capture_on_commit_callbacks(execute=True):
        citypolicy_update(
            actor=world["city"], instance=policy,
            **policy_fields(world, deadlines={**MANGSHI, "survey": {"kind": "year_before", "value": 6}}),
        )  # fmt: skip

    assert wait_for(schedule_recomputed)
    project.refresh_from_db()
    assert project.next_due_on == datetime.date(2026, 6, 30)
    assert Job.objects.filter(kind=SCHEDULE_RECOMPUTE_JOB, status=Job.Status.SUCCEEDED).count() == 1


def test_deleting_the_policy_clears_the_projects_deadlines(
    transactional_db, world, jobs_run, django_capture_on_commit_callbacks
):
    policy = saved_policy(world, deadlines=MANGSHI)
    project = project_in(compound_in(world.community_a), plan_year=2027)
    schedule_refresh(project)
    project.save()

    with django_capture_on_commit_callbacks(execute=True):
        citypolicy_delete(actor=world["city"], instance=policy)

    assert wait_for(schedule_recomputed)
    project.refresh_from_db()
    assert (project.next_milestone, project.next_due_on) == ("", None)
