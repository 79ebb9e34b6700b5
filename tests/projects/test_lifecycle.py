"""The project lifecycle: every stage × every step × every persona, a full walk, the guards, and two
people taking the same step at once (PostgreSQL)."""

import datetime
import re
import threading
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

from core.models import AuditEntry
from org.models import User
from projects.lifecycle import services as project_services
from projects.lifecycle.services import project_transition
from projects.lifecycle.transitions import TRANSITIONS
from projects.models import Compound, Project, ProjectCompound
from tests.factories import compound_in

S = Project.Stage
STAGES = list(S)
ADVANCE = "projects.advance_project"
APPROVE = "projects.approve_project"

# The rules, written out by hand so the code is checked against them rather than against itself.
STEPS = {
    "finish_survey": (S.SURVEY, S.DESIGN, ADVANCE),
    "finish_design": (S.DESIGN, S.DECLARATION, ADVANCE),
    "declare": (S.DECLARATION, S.REVIEW, ADVANCE),
    "approve": (S.REVIEW, S.PROCUREMENT, APPROVE),
    "start_construction": (S.PROCUREMENT, S.CONSTRUCTION, ADVANCE),
    "complete_construction": (S.CONSTRUCTION, S.ACCEPTANCE, ADVANCE),
    "accept": (S.ACCEPTANCE, S.HANDOVER, APPROVE),
    "hand_over": (S.HANDOVER, S.AUDIT, ADVANCE),
    "record_audit": (S.AUDIT, S.CLOSED, APPROVE),
}
# Street offices and districts run projects; the city bureau also approves, accepts and audits.
HOLDS = {ADVANCE: {"clerk_a", "clerk_b", "district", "city"}, APPROVE: {"city"}}
# Who can see a project of 车站街道: clerk_b works in another street, sysadmin has no view_project.
SEES = {"clerk_a", "district", "city", "finance", "leader", "auditor"}
ACTORS = ("clerk_a", "clerk_b", "district", "city", "finance", "leader", "auditor", "sysadmin")

DAY = datetime.date(2026, 4, 15)
VALID_INPUTS = {
    "finish_survey": {"survey_completed_on": DAY},
    "finish_design": {"design_completed_on": DAY},
    "declare": {"declared_on": DAY},
    "approve": {"approved_on": DAY, "approval_body": "淄博市住房和城乡建设局", "approval_number": "淄建〔2026〕12号"},
    "start_construction": {"started_on": DAY, "permit_number": "370303202604150101"},
    "complete_construction": {"completed_on": DAY},
    "accept": {"accepted_on": DAY},
    "hand_over": {"handed_over_on": DAY, "management_entity": "华光路社区物业服务中心"},
    "record_audit": {"audited_on": DAY},
}  # fmt: skip
# What a step may change; a refused step must leave all of it as it was.
FACTS = (
    "stage", "pool", "plan_year", "contractor", "survey_completed_on", "design_completed_on", "declared_on",
    "approved_on", "approval_body", "approval_number", "permit_number", "permit_exempt", "started_on",
    "completed_on", "accepted_on", "handed_over_on", "management_entity", "audited_on",
)  # fmt: skip


def project_in(community, *, stage=S.SURVEY, compounds=None, **fields):
    """A project of the street holding ``community``, saved directly and put at ``stage``, with the
    facts the guards ask for (plan year, contractor) unless ``fields`` say otherwise."""
    if compounds is None:
        compounds = [compound_in(community)]
    values = {
        "name": "华光路片区老旧小区改造项目", "plan_year": 2026, "contractor": "淄博城市建设集团",
        "city": compounds[0].city if compounds else community.parent.parent.parent,
        "region": community.parent,
    }  # fmt: skip
    values.update(fields)
    project = Project.objects.create(**values)
    ProjectCompound.objects.bulk_create([ProjectCompound(project=project, compound=c) for c in compounds])
    Project.objects.filter(pk=project.pk).update(stage=stage)
    project.refresh_from_db()
    return project


def transitions_of(project):
    entries = AuditEntry.objects.filter(
        action=AuditEntry.Action.TRANSITION, content_type=ContentType.objects.get_for_model(Project)
    )
    return entries.filter(object_id=str(project.pk)).order_by("id")


def state_of(project):
    state = Project.objects.filter(pk=project.pk).values(*FACTS).get()
    state["compound pools"] = sorted(Compound.objects.filter(projects=project).values_list("pool", flat=True))
    state["transition entries"] = transitions_of(project).count()
    return state


def expected(stage, action, persona):
    """Outside the project's scope or without the step's permission: denied (403/404), whatever
    the stage; with both, the step moves the project from its stage and is refused elsewhere."""
    source, _target, permission = STEPS[action]
    if persona not in SEES or persona not in HOLDS[permission]:
        return "denied"
    if stage == source:
        return "moved"
    return "refused"


def attempt(actor, project, action, **inputs):
    try:
        project_transition(actor=actor, project=project, action=action, **inputs)
    except PermissionDenied:
        return "denied"
    except ValidationError:
        return "refused"
    return "moved"


def test_the_table_moves_one_stage_at_a_time_in_order():
    assert [(t.action, t.source, t.target, t.permission) for t in TRANSITIONS] == [
        (action, *rule) for action, rule in STEPS.items()
    ]
    assert [t.source for t in TRANSITIONS] + [S.CLOSED] == STAGES


def test_personas_hold_the_permissions_the_table_assumes(world):
    for persona in ACTORS:
        user = world[persona]
        assert user.has_perm("projects.view_project") == (persona != "sysadmin"), persona
        for permission, holders in HOLDS.items():
            assert user.has_perm(permission) == (persona in holders), (persona, permission)


@pytest.mark.parametrize("action", list(STEPS))
def test_a_step_succeeds_only_from_its_stage_for_a_permitted_persona_who_sees_the_project(world, action):
    """Every stage × every persona for one step; each attempt is rolled back before the next."""
    _source, target, _permission = STEPS[action]
    inputs = VALID_INPUTS[action]
    mismatches = []
    for stage in STAGES:
        project = project_in(world.community_a, stage=stage)
        before = state_of(project)
        for persona in ACTORS:
            with transaction.atomic():
                got = attempt(world[persona], project, action, **inputs)
                after = state_of(project)
                transaction.set_rollback(True)
            case = f"{stage} × {action} × {persona}"
            want = expected(stage, action, persona)
            if got != want:
                mismatches.append(f"{case}: expected {want}, got {got}")
            elif got != "moved" and after != before:
                changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
                mismatches.append(f"{case}: refused but changed {changed}")
            elif got == "moved":
                recorded = {**before, "stage": target, **inputs, "transition entries": 1}
                recorded["pool"] = {"declare": "planning", "approve": "implementation"}.get(
                    action, before["pool"]
                )
                pools = {"approve": "implementation", "accept": "renovated"}
                if action in pools:
                    recorded["compound pools"] = [pools[action]]
                if after != recorded:
                    wrong = {k: (recorded[k], after[k]) for k in after if recorded[k] != after[k]}
                    mismatches.append(f"{case}: moved but recorded {wrong} (expected, got)")
    assert not mismatches, "\n".join(mismatches)


# --- A whole life --------------------------------------------------------------------------------

WALK = (
    ("clerk_a", "finish_survey", {"survey_completed_on": datetime.date(2026, 1, 10)}),
    ("clerk_a", "finish_design", {"design_completed_on": datetime.date(2026, 2, 5)}),
    ("district", "declare", {"declared_on": datetime.date(2026, 2, 20)}),
    ("city", "approve", {"approved_on": datetime.date(2026, 3, 18), "approval_body": "淄博市住房和城乡建设局",
                         "approval_number": "淄建〔2026〕12号"}),
    ("clerk_a", "start_construction", {"started_on": datetime.date(2026, 4, 15),
                                       "permit_number": "370303202604150101"}),
    ("clerk_a", "complete_construction", {"completed_on": datetime.date(2026, 10, 30)}),
    ("city", "accept", {"accepted_on": datetime.date(2026, 11, 10)}),
    ("district", "hand_over", {"handed_over_on": datetime.date(2026, 11, 15),
                               "management_entity": "华光路社区物业服务中心"}),
    ("city", "record_audit", {"audited_on": datetime.date(2026, 11, 18)}),
)  # fmt: skip


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_project_walks_from_survey_to_closed_recording_each_fact(world, language):
    compounds = [compound_in(world.community_a), compound_in(world.community_a)]
    project = project_in(world.community_a, compounds=compounds)
    with translation.override(language):
        for persona, action, inputs in WALK:
            source = project.stage
            project = project_transition(actor=world[persona], project=project, action=action, **inputs)
            assert project.stage == STEPS[action][1]
            entry = transitions_of(project).last()
            assert entry.actor == world[persona]
            assert f"{S(source).label} → {S(project.stage).label}" in entry.summary, entry.summary
            if language == "zh-hans":
                assert not re.search("[A-Za-z]", entry.summary), f"untranslated: {entry.summary}"
            pools = set(Compound.objects.filter(projects=project).values_list("pool", flat=True))
            if action == "approve":
                assert pools == {Compound.Pool.IMPLEMENTATION}
            if action == "accept":
                assert pools == {Compound.Pool.RENOVATED}

    project.refresh_from_db()
    assert project.stage == S.CLOSED
    assert project.started_on == datetime.date(2026, 4, 15)  # 开工
    assert project.completed_on == datetime.date(2026, 10, 30)  # 完工
    assert (project.approval_body, project.approval_number) == ("淄博市住房和城乡建设局", "淄建〔2026〕12号")
    assert project.permit_number == "370303202604150101" and not project.permit_exempt
    assert project.management_entity == "华光路社区物业服务中心"
    assert project.pool == Project.Pool.IMPLEMENTATION
    entries = list(transitions_of(project))
    assert [e.action for e in entries] == ["transition"] * len(WALK)
    assert entries[0].changes == {"survey_completed_on": "2026-01-10"}
    assert entries[0].region_path == world.street_a.path


def test_the_chinese_summary_names_the_step_and_both_stages(world):
    project = project_in(world.community_a)
    with translation.override("zh-hans"):
        project_transition(
            actor=world["clerk_a"], project=project, action="finish_survey", survey_completed_on=DAY
        )
    assert transitions_of(project).get().summary == "完成需求调查：需求调查 → 初步方案及预算"


def test_the_english_summary_names_the_step_and_both_stages(world):
    project = project_in(world.community_a, stage=S.REVIEW)
    with translation.override("en"):
        project_transition(actor=world["city"], project=project, action="approve", **VALID_INPUTS["approve"])
    summary = transitions_of(project).get().summary
    assert "Record the approval" in summary
    assert "joint review and approval" in summary
    assert "bidding and construction permit" in summary


# --- Guards and inputs ---------------------------------------------------------------------------


def refusal(actor, project, action, **inputs):
    """The messages of a refused step, in English, after checking that nothing changed."""
    before = state_of(project)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            project_transition(actor=actor, project=project, action=action, **inputs)
        message = " ".join(error.value.messages)  # lazy messages are rendered in the language active now
    assert state_of(project) == before
    return message


def test_declaring_without_a_plan_year_is_refused_naming_it(world):
    project = project_in(world.community_a, stage=S.DECLARATION, plan_year=None)
    assert "plan year" in refusal(world["clerk_a"], project, "declare", **VALID_INPUTS["declare"])


def test_starting_construction_without_a_contractor_is_refused(world):
    project = project_in(world.community_a, stage=S.PROCUREMENT, contractor="")
    message = refusal(world["clerk_a"], project, "start_construction", **VALID_INPUTS["start_construction"])
    assert "contractor" in message


def test_starting_construction_without_a_permit_number_is_refused_unless_exempt(world):
    project = project_in(world.community_a, stage=S.PROCUREMENT)
    message = refusal(world["clerk_a"], project, "start_construction", started_on=DAY)
    assert "construction permit number" in message
    assert "permit_number" not in message

    project = project_transition(
        actor=world["clerk_a"],
        project=project,
        action="start_construction",
        started_on=DAY,
        permit_exempt=True,
    )
    assert project.stage == S.CONSTRUCTION
    assert project.permit_exempt and project.permit_number == ""


def test_finishing_the_survey_of_a_project_without_compounds_is_refused(world):
    project = project_in(world.community_a, compounds=[])
    assert "no compound" in refusal(
        world["clerk_a"], project, "finish_survey", **VALID_INPUTS["finish_survey"]
    )


def test_every_required_input_left_out_is_refused_naming_the_field(world):
    mismatches = []
    for transition in TRANSITIONS:
        source, _target, _permission = STEPS[transition.action]
        actor = world["city"]
        for name in transition.required:
            project = project_in(world.community_a, stage=source)
            with translation.override("en"):
                label = str(Project._meta.get_field(name).verbose_name)
            for missing in (None, ""):
                inputs = {**VALID_INPUTS[transition.action], name: missing}
                if missing is None:
                    del inputs[name]
                try:
                    message = refusal(actor, project, transition.action, **inputs)
                except (AssertionError, pytest.fail.Exception) as error:
                    mismatches.append(f"{transition.action} without {name} ({missing!r}): {error}")
                    continue
                if f"“{label}” is required" not in message:
                    mismatches.append(f"{transition.action} without {name} ({missing!r}): {message}")
    assert not mismatches, "\n".join(mismatches)


def test_approving_without_a_document_number_is_refused_naming_it(world):
    project = project_in(world.community_a, stage=S.REVIEW)
    inputs = {**VALID_INPUTS["approve"]}
    del inputs["approval_number"]
    assert "approval document number" in refusal(world["city"], project, "approve", **inputs)


def test_approving_a_project_still_in_design_is_refused(world):
    project = project_in(world.community_a, stage=S.DESIGN)
    message = refusal(world["city"], project, "approve", **VALID_INPUTS["approve"])
    assert "preliminary plan and budget" in message


def test_an_unknown_step_is_refused(world):
    project = project_in(world.community_a)
    assert "Unknown step" in refusal(world["city"], project, "demolish")


# --- Two people at once (PostgreSQL row locks) ---------------------------------------------------


def test_two_people_taking_the_same_step_at_once_move_the_project_one_stage(
    needs_postgresql, transactional_db, world, monkeypatch
):
    project = project_in(world.community_a, stage=S.REVIEW)
    # Hold the row a moment after reading it: without the lock both would see "review" and both move.
    real_blockers = project_services.blockers

    def slow_blockers(*args, **kwargs):
        reasons = real_blockers(*args, **kwargs)
        time.sleep(0.3)
        return reasons

    monkeypatch.setattr(project_services, "blockers", slow_blockers)
    barrier = threading.Barrier(2)
    outcomes = []

    def take_the_step(persona):
        try:
            actor = User.objects.get(pk=world[persona].pk)
            stale = Project.objects.get(pk=project.pk)
            barrier.wait(timeout=10)
            outcomes.append(attempt(actor, stale, "approve", **VALID_INPUTS["approve"]))
        except Exception as error:  # reported below instead of dying silently in the thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=take_the_step, args=("city",)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["moved", "refused"]
    project.refresh_from_db()
    assert project.stage == S.PROCUREMENT
    assert transitions_of(project).count() == 1


def test_a_step_dated_in_the_future_or_before_the_step_before_is_refused(world):
    project = project_in(world.community_a, stage=S.CONSTRUCTION, started_on=datetime.date(2026, 4, 15))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for day in (tomorrow, datetime.date(2026, 4, 1)):
        with pytest.raises(ValidationError):
            project_transition(actor=world["clerk_a"], project=project, action="complete_construction",
                               completed_on=day)  # fmt: skip
        project.refresh_from_db()
        assert project.stage == Project.Stage.CONSTRUCTION and project.completed_on is None
