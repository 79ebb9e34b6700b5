"""The inbox pages, the request's page and its action forms, as each role sees them (the test
subject of conftest: a community goes through street office → 会签 of the city housing bureau and
finance → the city housing bureau)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import ApprovalRequest, Step
from approvals.selectors import inbox_count
from approvals.services import request_approve, request_return
from org.models import Region
from tests.factories import make_user
from tests.helpers import assert_list_queries_constant

from .conftest import at, fresh, state_of, submit

INBOX = reverse("approvals:request_inbox")


def page(request):
    return reverse("approvals:request_detail", args=[request.pk])


def action(request, name):
    return reverse(f"approvals:request_{name}", args=[request.pk])


def seen(request):
    request = fresh(request)
    return {"expected_stage": request.current_stage_id, "expected_round": request.round}


def new_communities(street, n):
    made = []
    number = 700
    while len(made) < n:
        number += 1
        code = f"{street.code}{number}"  # 12 characters, as a community's code
        if Region.objects.filter(code=code).exists():
            continue
        made.append(
            Region.objects.create(
                code=code, name=f"页面社区{number}", level=5, parent=street, path=f"{street.path}{code}/"
            )
        )
    return made


def to_joint_review(world, subject):
    request = submit(subject, world["district"])
    request_approve(request=request, actor=world["clerk_a"], **at(request))
    return request


# --- The lists --------------------------------------------------------------------------------


def test_the_inbox_shows_subject_flow_stage_submitter_and_deadline(world, flow, client_for):
    request = submit(world.community_a, world["district"])
    html = client_for("clerk_a").get(INBOX).content.decode()
    assert "行政区划" in html and "华光路社区" in html
    assert "测试流程" in html and "街道审核" in html
    assert "张店区住房和城乡建设局" in html
    assert fresh(request).due_on.strftime("%Y-%m-%d") in html
    assert page(request) in html
    assert "待办" in html and "已办" in html and "我发起的" in html


def test_an_overdue_request_reads_as_overdue_in_red(world, flow, client_for):
    late = submit(world.community_a, world["district"])
    ApprovalRequest.objects.filter(pk=late.pk).update(due_on=datetime.date(2026, 1, 5))
    html = client_for("clerk_a").get(INBOX).content.decode()
    assert '<span class="badge text-bg-danger">已逾期</span>' in html
    assert "已逾期" not in client_for("clerk_b").get(INBOX).content.decode()


def test_the_inbox_sorts_by_deadline_either_way(world, flow, client_for):
    first = to_joint_review(world, world.community_a)
    second = to_joint_review(world, new_communities(world.street_a, 1)[0])
    ApprovalRequest.objects.filter(pk=second.pk).update(due_on=datetime.date(2026, 1, 5))
    client = client_for("finance")
    soonest = [r.pk for r in client.get(INBOX, {"sort": "due_on"}).context["object_list"]]
    latest = [r.pk for r in client.get(INBOX, {"sort": "-due_on"}).context["object_list"]]
    assert soonest == [second.pk, first.pk]
    assert latest == [first.pk, second.pk]


def test_done_and_sent_list_what_the_user_decided_and_sent(world, flow, client_for):
    request = to_joint_review(world, world.community_a)
    done = client_for("clerk_a").get(reverse("approvals:request_done")).content.decode()
    assert page(request) in done and "联合审查" in done
    sent = client_for("district").get(reverse("approvals:request_sent")).content.decode()
    assert page(request) in sent
    assert page(request) not in client_for("clerk_a").get(reverse("approvals:request_sent")).content.decode()
    assert page(request) not in client_for("finance").get(reverse("approvals:request_done")).content.decode()


@pytest.mark.parametrize(
    ("url_name", "persona"),
    [("request_inbox", "clerk_a"), ("request_done", "clerk_a"), ("request_sent", "district")],
)
def test_each_list_costs_the_same_queries_for_1_and_20_requests(world, flow, client_for, url_name, persona):
    def add_rows(n):
        for community in new_communities(world.street_a, n):
            request = submit(community, world["district"])
            if url_name == "request_done":
                request_approve(request=request, actor=world["clerk_a"], **at(request))

    assert_list_queries_constant(client_for(persona), reverse(f"approvals:{url_name}"), add_rows)


@pytest.mark.parametrize("sort", ["", "due_on", "-due_on"])
def test_a_city_departments_inbox_costs_the_same_queries_for_1_and_20_requests_of_several_streets(
    world, flow, client_for, sort
):
    """The finance bureau at the joint review (会签), requests of two streets, half of them overdue,
    sorted by deadline either way, with the menu's 待办 count (bench/bench_approvals_inbox.py times
    the same page with 2,000)."""
    clerk_of = {world.street_a.pk: world["clerk_a"], world.street_b.pk: world["clerk_b"]}

    def add_rows(n):
        for street, count in ((world.street_a, n - n // 2), (world.street_b, n // 2)):
            for i, community in enumerate(new_communities(street, count)):
                request = submit(community, world["district"])
                request_approve(request=request, actor=clerk_of[street.pk], **at(request))
                if i % 2:
                    ApprovalRequest.objects.filter(pk=request.pk).update(due_on=datetime.date(2026, 1, 5))

    client = client_for("finance")
    assert_list_queries_constant(client, INBOX, add_rows, sort=sort)
    response = client.get(INBOX, {"sort": sort})
    assert len(response.context["object_list"]) == 20
    assert 'data-menu-badge>20<span class="visually-hidden">等待中</span>' in response.content.decode()
    assert '<span class="badge text-bg-danger">已逾期</span>' in response.content.decode()


# --- The navigation ---------------------------------------------------------------------------


def test_the_menu_shows_the_inbox_count(world, flow, client_for):
    submit(world.community_a, world["district"])
    submit(new_communities(world.street_a, 1)[0], world["district"])
    html = client_for("clerk_a").get(reverse("password_change")).content.decode()
    assert 'href="/approvals/"' in html
    assert 'data-menu-badge>2<span class="visually-hidden">等待中</span>' in html
    assert "data-menu-badge" not in client_for("clerk_b").get(reverse("password_change")).content.decode()


def test_the_inbox_count_costs_one_query(world, flow):
    submit(world.community_a, world["district"])
    clerk = world["clerk_a"]
    inbox_count(clerk)  # the user's scope and roles, known once a request has asked
    with CaptureQueriesContext(connection) as captured:
        assert inbox_count(clerk) == 1
    assert len(captured) == 1


def test_the_menu_count_costs_one_query_of_the_requests_on_any_page(world, flow, client_for):
    for community in new_communities(world.street_a, 3):
        submit(community, world["district"])
    client = client_for("clerk_a")
    client.get(reverse("password_change"))
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("password_change")).content.decode()
    assert 'data-menu-badge>3<span class="visually-hidden">等待中</span>' in html
    counting = [q["sql"] for q in captured if "approvals_approvalrequest" in q["sql"]]
    assert len(counting) == 1, counting


def test_a_user_without_the_approvals_permission_gets_a_menu_without_the_inbox(world, client):
    nobody = make_user("no_role", world["clerk_a"].organisation)
    client.force_login(nobody)
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert 'href="/approvals/"' not in response.content.decode()
    assert client.get(INBOX).status_code == 403


# --- The request's page -----------------------------------------------------------------------


def test_the_page_shows_stages_timeline_and_who_is_still_awaited_in_a_joint_review(world, flow, client_for):
    request = to_joint_review(world, world.community_a)
    request_approve(request=request, actor=world["city"], opinion="同意，请财政局会签", **at(request))
    html = client_for("finance").get(page(request)).content.decode()
    for text in ("街道审核", "联合审查", "市批复", "请审核", "同意，请财政局会签", "淄博市住房和城乡建设局"):
        assert text in html
    awaited = html[html.index('id="awaited"') :]
    awaited = awaited[: awaited.index("</ul>")]
    assert "淄博市财政局" in awaited and "待审" in awaited
    assert "淄博市住房和城乡建设局" in awaited and "已通过" in awaited
    assert 'id="form-approve"' in html


def test_only_the_forms_the_user_may_use_are_shown(world, flow, client_for):
    request = submit(world.community_a, world["district"])
    reviewer = client_for("clerk_a").get(page(request)).context["action_forms"]
    assert set(reviewer) == {"approve", "return", "reject"}
    assert set(client_for("district").get(page(request)).context["action_forms"]) == {"withdraw"}
    assert client_for("finance").get(page(request)).context["action_forms"] == {}
    request_approve(request=request, actor=world["clerk_a"], **at(request))
    # After the first decision the submitter can no longer withdraw.
    assert client_for("district").get(page(request)).context["action_forms"] == {}


def test_a_request_out_of_scope_is_404_and_without_permission_403(world, flow, client_for, client):
    request = submit(world.community_a, world["district"])
    assert client_for("clerk_b").get(page(request)).status_code == 404
    assert client_for("clerk_b").post(action(request, "approve"), seen(request)).status_code == 404
    nobody = make_user("no_role_a", world["clerk_a"].organisation)
    client.force_login(nobody)
    assert client.get(page(request)).status_code == 403
    assert client.post(action(request, "approve"), seen(request)).status_code == 403


# --- The actions, end to end ------------------------------------------------------------------


def test_approving_from_the_page_moves_the_request_on(world, flow, client_for):
    request = submit(world.community_a, world["district"])
    response = client_for("clerk_a").post(action(request, "approve"), {**seen(request), "opinion": "同意"})
    assert response.status_code == 302 and response.url == page(request)
    assert fresh(request).current_stage.name == "联合审查"
    step = Step.objects.get(request=request, action="approve")
    assert (step.actor, step.opinion) == (world["clerk_a"], "同意")


def test_a_joint_review_completes_only_when_every_department_approved(world, flow, client_for):
    request = to_joint_review(world, world.community_a)
    client_for("city").post(action(request, "approve"), seen(request))
    assert fresh(request).current_stage.name == "联合审查"
    client_for("finance").post(action(request, "approve"), seen(request))
    assert fresh(request).current_stage.name == "市批复"
    client_for("city").post(action(request, "approve"), seen(request))
    assert fresh(request).state == ApprovalRequest.State.APPROVED
    html = client_for("district").get(page(request)).content.decode()
    assert "已通过" in html


def test_return_resubmit_and_the_reviewer_sees_what_changed(world, flow, client_for):
    request = submit(world.community_a, world["district"])
    client = client_for("clerk_a")
    response = client.post(action(request, "return"), {**seen(request), "opinion": "名称有误"})
    assert response.status_code == 302
    assert fresh(request).state == ApprovalRequest.State.RETURNED
    assert set(client_for("district").get(page(request)).context["action_forms"]) == {"resubmit"}
    Region.objects.filter(pk=world.community_a.pk).update(name="华光路新社区")
    client_for("district").post(action(request, "resubmit"), {"opinion": "已更正名称"})
    assert (fresh(request).state, fresh(request).round) == (ApprovalRequest.State.PENDING, 2)
    html = client_for("clerk_a").get(page(request)).content.decode()
    changes = html[html.index('id="changes"') :]
    assert "与上一轮相比的变化" in changes
    assert "<del>华光路社区</del>" in changes and "<ins>华光路新社区</ins>" in changes
    assert "名称" in changes  # the fact reads as the model field's label, not its key
    assert "名称有误" in html and "已更正名称" in html


def test_a_return_without_a_reason_is_shown_again_and_changes_nothing(world, flow, client_for):
    request = submit(world.community_a, world["district"])
    before = state_of(request)
    response = client_for("clerk_a").post(action(request, "return"), {**seen(request), "opinion": "  "})
    assert response.status_code == 200
    assert response.context["action_forms"]["return"].errors["opinion"]
    assert state_of(request) == before


def test_rejecting_needs_a_reason_and_ends_the_request(world, flow, client_for):
    request = submit(world.community_a, world["district"])
    client = client_for("clerk_a")
    assert client.post(action(request, "reject"), seen(request)).status_code == 200
    client.post(action(request, "reject"), {**seen(request), "opinion": "不符合条件"})
    assert fresh(request).state == ApprovalRequest.State.REJECTED
    assert client.get(page(request)).context["action_forms"] == {}


def test_the_submitter_withdraws_before_the_first_decision(world, flow, client_for):
    request = submit(world.community_a, world["district"])
    client_for("district").post(action(request, "withdraw"), {"opinion": "暂缓申报"})
    assert fresh(request).state == ApprovalRequest.State.WITHDRAWN
    assert list(client_for("clerk_a").get(INBOX).context["object_list"]) == []


def test_an_action_on_a_request_that_moved_on_is_refused_with_the_engines_message(world, flow, client_for):
    request = submit(world.community_a, world["district"])
    stale = seen(request)
    request_return(request=request, actor=world["clerk_a"], reason="缺材料", **at(request))
    client_for("district").post(action(request, "resubmit"), {"opinion": "补齐"})
    before = state_of(request)
    response = client_for("clerk_a").post(
        action(request, "approve"), {**stale, "opinion": "同意"}, follow=True
    )
    assert state_of(request) == before
    text = response.content.decode()
    assert "该申请在您打开后已经有了进展" in text and "第2轮" in text
