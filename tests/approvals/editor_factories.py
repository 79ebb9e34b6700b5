"""Objects of the flow editor and the delegation page, for the permission table and the junk sweep:
a city's published flow, a draft version of it, a stage of that draft, a delegation to a colleague.
Each call gives an object still usable after another persona's POST (published, deleted, ended)."""

from django.utils import timezone

from approvals.models import Delegation, Flow
from approvals.services import flow_create, flowversion_create, flowversion_publish, stage_add
from org.models import Organisation, User
from tests.factories import make_user

K = Organisation.Kind


def flow_in(city):
    """The city's completion-acceptance flow, with one published version of one stage."""
    flow = Flow.objects.filter(city=city, code=Flow.Code.COMPLETION_ACCEPTANCE).first()
    if flow is None:
        flow = flow_create(actor=None, city=city, code=Flow.Code.COMPLETION_ACCEPTANCE, name="竣工验收")
        version = flow.versions.get()
        stage_add(actor=None, version=version, name="市住建局确认", actors=[K.CITY_BUREAU])
        flowversion_publish(actor=None, version=version)
    return flow


def draft_in(city):
    """The flow's draft version: the one under way, or a new copy of the version in force."""
    flow = flow_in(city)
    latest = flow.versions.order_by("-number").first()
    return latest if not latest.is_published() else flowversion_create(actor=None, flow=flow)


def draft_stage_in(city):
    """A new stage at the end of the flow's draft."""
    return stage_add(actor=None, version=draft_in(city), name="财政审核", actors=[K.FINANCE])


def delegation_by(user):
    """``user`` lets a colleague of the same organisation decide for them from today."""
    colleague = User.objects.filter(username="delegate_colleague").first() or make_user(
        "delegate_colleague", user.organisation
    )
    today = timezone.localdate()
    return Delegation.objects.create(delegator=user, delegate=colleague, starts_on=today, ends_on=today)
