"""Inbox (待办), done (已办), sent (我发起的): scoped like every list, with a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import ApprovalRequest
from approvals.selectors import done_for, inbox_count, inbox_for, sent_by, timeline
from approvals.services import request_approve
from org.models import Region

from .conftest import at, fresh, submit


def communities(world, n):
    """``n`` communities under the demo city's streets (new ones beyond the world's two)."""
    made = [world.community_a, world.community_b]
    for i in range(len(made), n):
        street = world.street_a if i % 2 else world.street_b
        code = f"{street.code}{900 + i:03d}"
        made.append(
            Region.objects.create(
                code=code, name=f"测试社区{i}", level=5, parent=street, path=f"{street.path}{code}/"
            )
        )
    return made[:n]


def to_joint_review(world, subject):
    request = submit(subject, world["district"])
    clerk = world["clerk_a"] if subject.path.startswith(world.street_a.path) else world["clerk_b"]
    request_approve(request=request, actor=clerk, **at(request))
    return request


def test_a_city_reviewer_sees_in_the_inbox_what_waits_for_them_from_every_street(world, flow):
    a = to_joint_review(world, world.community_a)
    b = to_joint_review(world, world.community_b)
    waiting_at_street = submit(communities(world, 3)[2], world["district"])
    assert set(inbox_for(world["finance"])) == {a, b}
    assert waiting_at_street not in inbox_for(world["finance"])
    assert inbox_count(world["finance"]) == 2


def test_a_street_clerk_sees_only_their_own_streets_requests(world, flow):
    a = submit(world.community_a, world["district"])
    b = submit(world.community_b, world["district"])
    assert list(inbox_for(world["clerk_a"])) == [a]
    assert list(inbox_for(world["clerk_b"])) == [b]
    # Out of scope altogether: clerk B cannot reach A's request even in their sent or done lists.
    assert a not in ApprovalRequest.objects.restrict(world["clerk_b"])


def test_done_and_sent_list_what_the_user_decided_and_submitted(world, flow):
    a = submit(world.community_a, world["district"])
    request_approve(request=a, actor=world["clerk_a"], **at(a))
    assert list(done_for(world["clerk_a"])) == [a]
    assert list(done_for(world["clerk_b"])) == []
    assert list(sent_by(world["district"])) == [a]
    assert list(sent_by(world["clerk_a"])) == []
    assert [s.action for s in timeline(fresh(a))] == ["submit", "approve"]


def test_an_overdue_request_is_flagged_in_the_inbox(world, flow):
    late = submit(world.community_a, world["district"])
    on_time = submit(world.community_b, world["district"])
    ApprovalRequest.objects.filter(pk=late.pk).update(due_on=datetime.date(2026, 1, 5))
    assert [r.overdue for r in inbox_for(world["clerk_a"])] == [True]
    assert [r.overdue for r in inbox_for(world["clerk_b"])] == [False]
    assert on_time in inbox_for(world["clerk_b"])


def test_the_inbox_is_sorted_by_deadline(world, flow):
    first = to_joint_review(world, world.community_a)
    second = to_joint_review(world, world.community_b)
    ApprovalRequest.objects.filter(pk=second.pk).update(due_on=datetime.date(2026, 1, 5))
    assert list(inbox_for(world["finance"])) == [second, first]


def render(user, listing):
    """What an inbox page reads of each row."""
    return [
        (r.flow.name, r.current_stage.name if r.current_stage else "", r.submitter.username,
         r.submitter_organisation.name, r.content_type.model, r.overdue, r.due_on)
        for r in listing(user)
    ]  # fmt: skip


def queries(user, listing):
    with CaptureQueriesContext(connection) as captured:
        rows = render(user, listing)
    return len(captured), rows


@pytest.mark.parametrize("listing", [inbox_for, done_for, sent_by], ids=["inbox", "done", "sent"])
def test_a_list_costs_the_same_queries_for_1_and_20_requests(world, flow, listing):
    finance = world["finance"]
    subjects = communities(world, 20)
    for subject in subjects[:1]:
        request = to_joint_review(world, subject)
    if listing is done_for:
        request_approve(request=request, actor=finance, **at(request))
    inbox_count(finance)  # the user's scope and permissions, once per request
    user = world["district"] if listing is sent_by else finance
    render(user, listing)
    one, rows = queries(user, listing)
    assert len(rows) == 1

    for subject in subjects[1:]:
        request = to_joint_review(world, subject)
        if listing is done_for:
            request_approve(request=request, actor=finance, **at(request))
    twenty, rows = queries(user, listing)
    assert len(rows) == 20
    assert twenty == one


def test_the_inbox_count_costs_one_query(world, flow):
    to_joint_review(world, world.community_a)
    finance = world["finance"]
    inbox_count(finance)
    with CaptureQueriesContext(connection) as captured:
        assert inbox_count(finance) == 1
    assert len(captured) == 1


def test_the_administration_site_shows_approvals_to_superusers_only(
    world, flow, client_for, django_user_model
):
    submit(world.community_a, world["district"])
    assert client_for("sysadmin").get("/admin/approvals/approvalrequest/").status_code == 403
    admin = django_user_model.objects.create_superuser("root_h", password="x", organisation=None)
    client = client_for("anonymous")
    client.force_login(admin)
    page = client.get("/admin/approvals/approvalrequest/")
    assert page.status_code == 200
    assert "华光路社区" in page.content.decode()
