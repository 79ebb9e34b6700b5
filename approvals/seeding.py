"""The four flows every city starts with (汾阳 四 and its 附件; 咸宁 二(二); 芒市 五). Who acts is given
by organisation kind, so the same definition finds each subject's own street office and district
bureau, and the city's departments.

Not every desk of the seeds has a kind of its own (``Organisation.Kind``): the city government's
consent is given here by the city's leading group for old compound renovation (领导小组, which the
city government chairs), and the residents' representatives at acceptance are no organisation: their
presence is recorded in the acceptance opinion."""

from django.conf import settings
from django.db import transaction
from django.utils import translation

from org.models import Organisation

from .models import Flow, Stage
from .services import flow_create, flowversion_publish, stage_add

K = Organisation.Kind
JOINT_REVIEW = (K.CITY_BUREAU, K.DEVELOPMENT_REFORM, K.FINANCE, K.NATURAL_RESOURCES, K.ADMIN_APPROVAL)

# code → stages: (name, acting kinds, mode, deadline in working days)
CITY_FLOWS = {
    Flow.Code.PLAN_DECLARATION: [
        ("街道办事处审核", [K.STREET_OFFICE], Stage.Mode.SINGLE, 5),
        ("区县住建部门审核", [K.DISTRICT_BUREAU], Stage.Mode.SINGLE, 10),
        ("市改造办审查", [K.CITY_BUREAU], Stage.Mode.SINGLE, 10),
        ("市政府同意", [K.LEADING_GROUP], Stage.Mode.SINGLE, 10),
    ],
    Flow.Code.PROJECT_APPROVAL: [
        ("联合审查", list(JOINT_REVIEW), Stage.Mode.ALL, 10),
        ("市住建局批复", [K.CITY_BUREAU], Stage.Mode.SINGLE, 5),
    ],
    Flow.Code.COMPLETION_ACCEPTANCE: [
        ("联合验收（居民代表参加）", [K.DISTRICT_BUREAU, K.STREET_OFFICE], Stage.Mode.ALL, 15),
        ("市住建局确认", [K.CITY_BUREAU], Stage.Mode.SINGLE, 10),
    ],
    Flow.Code.DISBURSEMENT: [
        ("财政部门审核", [K.FINANCE], Stage.Mode.SINGLE, 5),
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
            for name, kinds, mode, days in stages:
                stage_add(
                    actor=actor, version=version, name=name, actors=kinds, mode=mode, deadline_days=days
                )
            flowversion_publish(actor=actor, version=version)
            created.append(flow)
    return created
