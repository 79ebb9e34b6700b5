"""Complaints recorded, handed on, answered and closed through their services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEntry
from org.models import Organisation
from residents.complaints import services
from residents.models import Complaint, ResidentPolicy
from tests.factories import city_policy, compound_in, project_in
from tests.residents.permissions.complaints import complaint_in

TODAY = timezone.localdate()


def record(world, persona="clerk_a", **fields):
    values = {
        "channel": Complaint.Channel.HOTLINE,
        "category": Complaint.Category.CONSTRUCTION_NUISANCE,
        "content": "夜间施工噪音扰民",
        "received_on": TODAY,
        "complainant_name": "李秀英",
        "complainant_phone": "13912345678",
    }
    if "compound" not in fields and "project" not in fields:
        values["compound"] = compound_in(world.community_a)
    values.update(fields)
    return services.complaint_record(actor=world[persona], **values)


def street_office(world):
    return Organisation.objects.get(region=world.street_a)


def test_complaints_are_numbered_per_city_and_year_one_after_another(world):
    first = record(world)
    second = record(world)
    last_year = record(world, received_on=TODAY.replace(year=TODAY.year - 1, month=12, day=30))
    assert first.number == f"淄博投诉〔{TODAY.year}〕0001"
    assert second.number == f"淄博投诉〔{TODAY.year}〕0002"
    assert last_year.number == f"淄博投诉〔{TODAY.year - 1}〕0001"


def test_a_complaint_is_due_fifteen_days_after_it_was_received_without_a_policy(world):
    complaint = record(world, received_on=TODAY - datetime.timedelta(days=2))
    assert complaint.deadline == TODAY + datetime.timedelta(days=13)
    assert complaint.status == Complaint.Status.RECEIVED


def test_the_city_policy_sets_the_days_to_answer(world):
    ResidentPolicy.objects.create(policy=city_policy(world.city).policy, complaint_days=7)
    complaint = record(world)
    assert complaint.deadline == TODAY + datetime.timedelta(days=7)


def test_a_complaint_about_a_compound_lies_in_its_community(world):
    complaint = record(world)
    assert complaint.region == world.community_a


def test_a_complaint_about_a_project_lies_in_the_projects_area(world):
    project = project_in(compound_in(world.community_a), compound_in(world.community_b))
    complaint = record(world, "district", project=project)
    assert complaint.region == project.region == world.district_a


def test_a_compound_outside_the_project_is_refused(world):
    project = project_in(compound_in(world.community_a))
    with pytest.raises(ValidationError) as refused:
        record(world, compound=compound_in(world.community_a), project=project)
    assert "project" in refused.value.message_dict


def test_a_clerk_cannot_record_a_complaint_about_another_streets_compound(world):
    with pytest.raises(ValidationError) as refused:
        record(world, "clerk_b", compound=compound_in(world.community_a))
    assert "compound" in refused.value.message_dict


def test_a_complaint_names_a_compound_or_a_project(world):
    with pytest.raises(ValidationError) as refused:
        record(world, compound=None)
    assert "compound" in refused.value.message_dict


@pytest.mark.parametrize(
    "phone", ["0533-2181234", "05332181234", "2181234", "0533-2181234-801", "400-123-4567"]
)
def test_a_landline_is_a_phone_number_too(world, phone):
    assert record(world, complainant_phone=phone).complainant_phone == phone


def test_a_phone_with_spaces_is_kept_without_them(world):
    assert record(world, complainant_phone="139 1234 5678").complainant_phone == "13912345678"


@pytest.mark.parametrize("phone", ["12345", "abc", "2345678901234", "139123456789"])
def test_a_phone_that_is_no_phone_number_is_refused(world, phone):
    with pytest.raises(ValidationError) as refused:
        record(world, complainant_phone=phone)
    assert "complainant_phone" in refused.value.message_dict


def test_a_complaint_received_tomorrow_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        record(world, received_on=TODAY + datetime.timedelta(days=1))
    assert "received_on" in refused.value.message_dict


def test_a_complaint_goes_from_received_to_closed_with_one_audit_entry_per_step(world):
    complaint = record(world)
    clerk = world["clerk_a"]
    services.complaint_assign(actor=clerk, complaint=complaint, handler=street_office(world))
    services.complaint_answer(actor=clerk, complaint=complaint, reply="已协调施工单位停止夜间施工")
    done = services.complaint_close(actor=clerk, complaint=complaint, satisfaction="partly")
    assert done.status == Complaint.Status.CLOSED
    assert done.answered_on == TODAY and done.closed_on == TODAY
    assert done.get_satisfaction_display() == "基本满意"
    actions = list(
        AuditEntry.objects.filter(object_id=str(complaint.pk), content_type__model="complaint")
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "transition", "transition", "transition"]


def test_each_step_sent_twice_does_one_thing(world):
    complaint = record(world)
    clerk = world["clerk_a"]
    for _ in range(2):
        services.complaint_assign(actor=clerk, complaint=complaint, handler=street_office(world))
    for _ in range(2):
        services.complaint_answer(actor=clerk, complaint=complaint, reply="已处理")
    for _ in range(2):
        services.complaint_close(actor=clerk, complaint=complaint, satisfaction="satisfied")
    assert AuditEntry.objects.filter(object_id=str(complaint.pk), action="transition").count() == 3


def test_a_complaint_not_yet_handed_on_cannot_be_answered(world):
    complaint = record(world)
    with pytest.raises(ValidationError) as refused:
        services.complaint_answer(actor=world["clerk_a"], complaint=complaint, reply="已处理")
    assert refused.value.messages == ["只有已交办的投诉才能答复。"]


def test_an_unanswered_complaint_cannot_be_closed(world):
    complaint = complaint_in(community=world.community_a, status=Complaint.Status.ASSIGNED)
    with pytest.raises(ValidationError) as refused:
        services.complaint_close(actor=world["clerk_a"], complaint=complaint, satisfaction="satisfied")
    assert refused.value.messages == ["只有已答复的投诉才能办结。"]


def test_an_answered_complaint_is_not_handed_on_again(world):
    complaint = complaint_in(community=world.community_a, status=Complaint.Status.ANSWERED)
    with pytest.raises(ValidationError):
        services.complaint_assign(actor=world["clerk_a"], complaint=complaint, handler=street_office(world))


def test_a_complaint_is_handed_only_to_an_organisation_of_the_users_area(world):
    complaint = complaint_in(community=world.community_a)
    other_street = Organisation.objects.get(region=world.street_b)
    with pytest.raises(ValidationError) as refused:
        services.complaint_assign(actor=world["clerk_a"], complaint=complaint, handler=other_street)
    assert "handler" in refused.value.message_dict


def test_the_audit_log_keeps_the_complainant_masked(world):
    complaint = record(world)
    entry = AuditEntry.objects.get(
        object_id=str(complaint.pk), action="create", content_type__model="complaint"
    )
    assert entry.changes["complainant_name"] == "李**"
    assert entry.changes["complainant_phone"] == "139****5678"
    assert "13912345678" not in str(entry.changes)
