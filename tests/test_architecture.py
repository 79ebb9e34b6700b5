"""The house's rules that no import shows: lower layers name no word of the apps above them, and
the registries those apps fill do what they promise."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.job_kinds import _KINDS
from projects.lifecycle import transitions
from projects.lifecycle.services import project_transition
from projects.models import Project
from tests.factories import compound_in, project_in

# The apps in their order, lowest first: each may know the ones before it, never the ones after.
LAYERS = ("core", "org", "approvals", "projects", "funding", "residents", "reports")


def _strings(app):
    for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield path.relative_to(settings.BASE_DIR), node.value


@pytest.mark.parametrize("app", ["core", "org"])
def test_a_lower_layer_names_no_permission_or_job_of_an_app_above_it(app):
    above = LAYERS[LAYERS.index(app) + 1 :]
    jobs_above = {
        kind
        for kind, entry in _KINDS.items()
        if (entry.fn or entry.run_item).__module__.split(".")[0] in above
    }
    assert jobs_above, "the apps above register job kinds of their own"
    found = [
        f"{path}: {text!r}"
        for path, text in _strings(app)
        if ("." in text and text.split(".")[0] in above) or text in jobs_above
    ]
    assert not found, "\n".join(found)


@pytest.fixture
def registered():
    """Registers into the lifecycle's tables for one test, as another app would, then forgets."""
    added = []

    def register(table, action, fn):
        table(action, fn)
        added.append((action, fn))

    yield register
    for table in (
        transitions._GUARDS,
        transitions._INPUT_GUARDS,
        transitions._WARNINGS,
        transitions._EFFECTS,
    ):
        for action, fn in added:
            if fn in table[action]:
                table[action].remove(fn)


def test_a_guard_registered_from_another_app_blocks_its_step(world, registered):
    registered(transitions.register_guard, "finish_survey", lambda project: ["居民支持率不足三分之二。"])
    project = project_in(compound_in(world.community_a))
    step = transitions.next_transition(project)
    assert "居民支持率不足三分之二。" in transitions.blockers(step, project, world["clerk_a"])
    with pytest.raises(ValidationError):
        project_transition(
            actor=world["clerk_a"],
            project=project,
            action="finish_survey",
            survey_completed_on=timezone.localdate(project.created_at),
        )


def test_a_warning_is_shown_beside_its_step_and_blocks_nothing(world, registered, client_for):
    registered(transitions.register_warning, "finish_survey", lambda project: ["尚未完成入户调查的住户：3户"])
    project = project_in(compound_in(world.community_a))
    page = client_for("clerk_a").get(project.get_absolute_url()).content.decode()
    assert "尚未完成入户调查的住户：3户" in page.split('id="step-warnings"')[1]
    assert 'id="step-blockers"' not in page


def test_an_effect_runs_in_the_steps_transaction_and_can_refuse_it(world, registered):
    seen = []

    def record(*, actor, project, transition):
        seen.append((actor, project.stage, transition.action))

    registered(transitions.register_effect, "finish_survey", record)
    project = project_in(compound_in(world.community_a))
    day = timezone.localdate(project.created_at)
    project_transition(
        actor=world["clerk_a"], project=project, action="finish_survey", survey_completed_on=day
    )
    assert seen == [(world["clerk_a"], Project.Stage.DESIGN, "finish_survey")]

    def refuse(**kwargs):
        raise ValidationError("资金未到位。")

    registered(transitions.register_effect, "finish_design", refuse)
    with pytest.raises(ValidationError), transaction.atomic():
        project_transition(
            actor=world["clerk_a"], project=project, action="finish_design", design_completed_on=day
        )
    project.refresh_from_db()
    assert project.stage == Project.Stage.DESIGN  # the whole step went back


def test_registering_for_a_step_that_does_not_exist_fails_at_once():
    with pytest.raises(LookupError):
        transitions.register_guard("approve_funds", lambda project: [])


def test_a_policy_listener_is_told_of_every_change_of_its_city(world):
    import datetime

    from org import policy

    told = []

    def listener(*, actor, city_id):
        told.append((actor, city_id))

    policy.register_policy_listener(listener)
    try:
        document = policy.citypolicy_create(
            actor=world["city"], city=world.city, title="政策", document_number="X〔2021〕1号",
            effective_from=datetime.date(2021, 1, 1), built_before=datetime.date(2000, 12, 31),
        )  # fmt: skip
        policy.citypolicy_delete(actor=world["city"], instance=document)
    finally:
        policy._LISTENERS.remove(listener)
    assert told == [(world["city"], world.city.pk)] * 2


def test_saving_a_policy_unchanged_records_nothing_and_starts_nothing(
    world, django_capture_on_commit_callbacks
):
    import datetime

    from core.audit import history_for
    from core.models import Job
    from org import policy

    fields = {
        "city": world.city, "title": "政策", "document_number": "X〔2021〕1号",
        "effective_from": datetime.date(2021, 1, 1), "built_before": datetime.date(2000, 12, 31),
    }  # fmt: skip
    document = policy.citypolicy_create(actor=world["city"], **fields)
    entries, jobs = history_for(document).count(), Job.objects.count()
    policy.citypolicy_update(actor=world["city"], instance=document, **fields)  # a second click
    assert (history_for(document).count(), Job.objects.count()) == (entries, jobs)
