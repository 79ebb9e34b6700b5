"""The four flows every city starts with (汾阳 四 and its 附件; 咸宁 二(二); 芒市 五). Who acts is given
by organisation kind, so the same definition finds each subject's own street office and district
bureau, and the city's departments.

Not every desk of the seeds has a kind of its own (``Organisation.Kind``): the city government's
consent is given here by the city's leading group for old compound renovation (领导小组, which the
city government chairs); the joint acceptance is convened by the district bureau, and the residents'
representatives present, who are no organisation, are written down with its approval
(``Record.REPRESENTATIVES``)."""

from django.conf import settings
from django.db import transaction
from django.utils import translation

from org.models import Organisation

from .models import Flow, Record, Stage
from .services import flow_create, flowversion_publish, stage_add

K = Organisation.Kind
JOINT_REVIEW = (K.CITY_BUREAU, K.DEVELOPMENT_REFORM, K.FINANCE, K.NATURAL_RESOURCES, K.ADMIN_APPROVAL)

R = Record
# A street office reviews only what lies in its street: a bundle across streets is a district's
# project and starts at the district (the subject registers the fact ``area_level``).
IN_A_STREET = 'area_level == "街道"'

# code → stages: (name, acting kinds, mode, deadline in working days, condition, recorded on approval,
# passed when the stage's organisation is the submitter's own)
CITY_FLOWS = {
    Flow.Code.PLAN_DECLARATION: [
        ("街道办事处审核", [K.STREET_OFFICE], Stage.Mode.SINGLE, 5, IN_A_STREET, "", True),
        ("区县住建部门审核", [K.DISTRICT_BUREAU], Stage.Mode.SINGLE, 10, "", "", True),
        ("市改造办审查", [K.CITY_BUREAU], Stage.Mode.SINGLE, 10, "", "", False),
        ("市政府同意", [K.LEADING_GROUP], Stage.Mode.SINGLE, 10, "", "", False),
    ],
    Flow.Code.PROJECT_APPROVAL: [
        ("联合审查", list(JOINT_REVIEW), Stage.Mode.ALL, 10, "", "", False),
        ("市住建局批复", [K.CITY_BUREAU], Stage.Mode.SINGLE, 5, "", R.DOCUMENT_NUMBER, False),
    ],
    Flow.Code.COMPLETION_ACCEPTANCE: [
        (
            "联合验收（居民代表参加）",
            [K.DISTRICT_BUREAU],
            Stage.Mode.SINGLE,
            15,
            "",
            R.REPRESENTATIVES,
            False,
        ),
        ("市住建局确认", [K.CITY_BUREAU], Stage.Mode.SINGLE, 10, "", "", False),
    ],
    Flow.Code.DISBURSEMENT: [
        ("财政部门审核", [K.FINANCE], Stage.Mode.SINGLE, 5, "", R.VOUCHER_NUMBER, False),
    ],
}


def seed_city_flows(city, *, actor=None):
    """Create the four flows of ``city`` with one published version each; a flow the city already
    has is left as it is. Returns the flows created."""
    created = []
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        existing = set(Flow.objects.filter(city=city).values_list("code", flat=True))
        for code, stages in CITY_FLOWS.items():
            if code in existing:
                continue
            flow = flow_create(actor=actor, city=city, code=code, name=str(Flow.Code(code).label))
            version = flow.versions.get()
            for name, kinds, mode, days, condition, record, submitter_passes in stages:
                stage_add(
                    actor=actor, version=version, name=name, actors=kinds, mode=mode, deadline_days=days,
                    condition=condition, record=record, submitter_passes=submitter_passes,
                )  # fmt: skip
            flowversion_publish(actor=actor, version=version)
            created.append(flow)
    return created
