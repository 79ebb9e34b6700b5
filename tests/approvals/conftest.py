"""A subject of our own (the org Region: a community goes through a flow) and a small test flow of
the demo city: the street office (a street clerk), then a joint review (会签) of the city housing
bureau and the finance bureau, then the city housing bureau's approval."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from approvals import registry
from approvals.models import ApprovalRequest, Flow, Stage, Step
from approvals.services import flow_create, flowversion_publish, request_submit, stage_add
from org.models import Organisation, Region
from org.roles import LEADER, STREET_CLERK
from tests.factories import make_user

K = Organisation.Kind


@pytest.fixture
def decisions():
    """Every on_decided call: (request pk, subject, outcome, actor, whether a transaction is open)."""
    return []


@pytest.fixture
def subject_registered(decisions):
    from django.db import connection

    def on_decided(*, request, subject, outcome, actor):
        decisions.append((request.pk, subject, outcome, actor, connection.in_atomic_block))

    registry.register_subject(
        Region,
        flows=Flow.Code.values,
        region_path=lambda region: region.path,
        facts=lambda region: {
            "name": region.name,
            "level": region.level,
            "code": region.code,
            # What the seeded declaration's street stage asks (a project's area: a street, or a district).
            "area_level": "街道" if region.level >= Region.Level.STREET else "区县",
        },
        on_decided=on_decided,
        label="行政区划",
    )
    yield
    registry.unregister_subject(Region)


def make_flow(city, stages, code=Flow.Code.PROJECT_APPROVAL):
    """A published flow of ``city``: stages as dicts of stage_add's arguments."""
    flow = flow_create(actor=None, city=city, code=code, name="测试流程")
    version = flow.versions.get()
    for stage in stages:
        stage_add(actor=None, version=version, **stage)
    flowversion_publish(actor=None, version=version)
    return flow


TEST_STAGES = [
    {"name": "街道审核", "actors": [K.STREET_OFFICE], "role": STREET_CLERK},
    {"name": "联合审查", "actors": [K.CITY_BUREAU, K.FINANCE], "mode": Stage.Mode.ALL},
    {"name": "市批复", "actors": [K.CITY_BUREAU]},
]


@pytest.fixture
def flow(world, subject_registered):
    return make_flow(world.city, TEST_STAGES)


@pytest.fixture
def people(world):
    """The world's personas plus a second street clerk and a clerk's colleague without the role."""
    office = world["clerk_a"].organisation
    return {
        **world.personas,
        "clerk_a2": make_user("clerk_a2", office, STREET_CLERK),
        "colleague": make_user("colleague_a", office, LEADER),
    }


def submit(subject, actor, flow_code=Flow.Code.PROJECT_APPROVAL, comment="请审核"):
    return request_submit(subject=subject, flow_code=flow_code, actor=actor, comment=comment)


def fresh(request):
    return ApprovalRequest.objects.select_related("current_stage").get(pk=request.pk)


def at(request):
    """expected_stage / expected_round as the reviewer saw the request."""
    request = fresh(request)
    return {"expected_stage": request.current_stage, "expected_round": request.round}


def state_of(request):
    request = fresh(request)
    return (
        request.state,
        request.current_stage_id,
        request.round,
        Step.objects.filter(request=request).count(),
    )


def refusal(call, request, **kwargs):
    """The English message of a refused call, after checking that the request did not change."""
    before = state_of(request)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            call(request=request, **kwargs)
        message = " ".join(error.value.messages)
    assert state_of(request) == before
    return message
