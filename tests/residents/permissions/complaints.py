"""Permission rows of residents.complaints (see tests/residents/permissions/__init__.py), and the
small factory of complaints their tests share.

Street clerks keep the complaints of their street, district and city staff those of their area;
leaders and auditors read; reviewers and the system administrator have no business with them. A
step's empty form is shown again on the complaint's page (200) to whoever may take it."""

import datetime
from itertools import count

from django.utils import timezone

from residents.models import Complaint
from tests.factories import compound_in

_numbers = count(1)

# Persona order:   anon  clerk_a clerk_b district city finance leader auditor sysadmin
READERS = (302, 200, 200, 200, 200, 403, 200, 200, 403)
READERS_OF_A = (302, 200, 404, 200, 200, 403, 200, 200, 403)
KEEPERS = (302, 200, 200, 200, 200, 403, 403, 403, 403)
KEEPERS_OF_A = (302, 200, 404, 200, 200, 403, 403, 403, 403)

ROWS = {
    ("residents:complaint_list", None, "get"): READERS,
    ("residents:complaint_stats", None, "get"): READERS,
    ("residents:complaint_add", None, "get"): KEEPERS,
    ("residents:complaint_add", None, "post"): KEEPERS,
    ("residents:complaint_detail", "complaints_a", "get"): READERS_OF_A,
    ("residents:complaint_assign", "complaints_a", "post"): KEEPERS_OF_A,
    ("residents:complaint_answer", "complaints_assigned_a", "post"): KEEPERS_OF_A,
    ("residents:complaint_close", "complaints_answered_a", "post"): KEEPERS_OF_A,
}


def complaint_in(compound=None, *, community=None, status=Complaint.Status.RECEIVED, **fields):
    """A complaint about ``compound`` (or a new compound of ``community``) saved directly, at
    ``status`` with what that status implies filled in."""
    compound = compound or compound_in(community)
    today = timezone.localdate()
    received_on = fields.pop("received_on", today - datetime.timedelta(days=3))
    values = {
        "number": f"测试投诉〔{received_on.year}〕{next(_numbers):04d}",
        "channel": Complaint.Channel.HOTLINE,
        "category": Complaint.Category.CONSTRUCTION_NUISANCE,
        "compound": compound,
        "region": compound.community,
        "complainant_name": "李秀英",
        "complainant_phone": "13912345678",
        "content": "夜间施工噪音扰民",
        "received_on": received_on,
        "deadline": received_on + datetime.timedelta(days=15),
        "status": status,
    }
    if status != Complaint.Status.RECEIVED:
        from org.models import Organisation

        values["handler"] = Organisation.objects.filter(region=compound.community.parent).first()
    if status in (Complaint.Status.ANSWERED, Complaint.Status.CLOSED):
        values.update(reply="已协调施工单位调整作业时间", answered_on=today)
    if status == Complaint.Status.CLOSED:
        values.update(satisfaction=Complaint.Satisfaction.SATISFIED, closed_on=today)
    values.update(fields)
    return Complaint.objects.create(**values)


def objects(world):
    return {
        "complaints_a": lambda: complaint_in(community=world.community_a),
        "complaints_assigned_a": lambda: complaint_in(
            community=world.community_a, status=Complaint.Status.ASSIGNED
        ),
        "complaints_answered_a": lambda: complaint_in(
            community=world.community_a, status=Complaint.Status.ANSWERED
        ),
    }
