"""The delegation page: every user of an organisation lets a colleague of the same organisation
decide for them over some days, sees what they gave and received, and ends a delegation early; the
delegate then finds the delegator's requests in their inbox, and no longer once it ended (the test
flow of conftest: its street stage is for street clerks)."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals.models import Delegation, Step
from approvals.services import delegation_create
from core.models import AuditEntry
from tests.factories import PERSONAS

from .conftest import fresh, submit

DELEGATIONS = reverse("approvals:delegation_list")
INBOX = reverse("approvals:request_inbox")
TOKEN = re.compile(r'name="submission_token" value="([0-9a-f]{32})"')


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def form(delegate, starts_on=None, ends_on=None, reason="年休假"):
    return {
        "delegate": str(getattr(delegate, "pk", delegate)),
        "starts_on": (starts_on or today()).isoformat(),
        "ends_on": (ends_on or days(4)).isoformat(),
        "reason": reason,
    }


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def end(delegation):
    return reverse("approvals:delegation_end", args=[delegation.pk])


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_every_user_of_an_organisation_opens_the_delegation_page(world, persona, client_for):
    response = client_for(persona).get(DELEGATIONS)
    assert response.status_code == 200
    assert "委托代办" in response.content.decode()


def test_the_drop_down_offers_only_colleagues_of_the_same_organisation(world, people, client_for):
    response = client_for("clerk_a").get(DELEGATIONS)
    offered = list(response.context["form"].fields["delegate"].queryset)
    assert set(offered) == {people["clerk_a2"], people["colleague"]}
    html = response.content.decode()
    assert "请选择…" in html and 'type="date"' in html
    assert str(people["clerk_b"]) not in html


def test_delegating_to_a_colleague_lists_it_for_both(world, people, client_for):
    colleague = people["colleague"]
    response = client_for("clerk_a").post(DELEGATIONS, form(colleague), follow=True)
    delegation = Delegation.objects.get()
    assert (delegation.delegator, delegation.delegate, delegation.ends_on) == (
        world["clerk_a"],
        colleague,
        days(4),
    )
    assert f"已委托：{today():%Y-%m-%d} 至 {days(4):%Y-%m-%d}" in " ".join(messages_of(response))
    assert [d.pk for d in response.context["given"]] == [delegation.pk]
    assert "生效中" in response.content.decode() and "年休假" in response.content.decode()
    assert AuditEntry.objects.filter(object_id=str(delegation.pk), action="create").count() == 1
    theirs = Client()
    theirs.force_login(colleague)
    received = theirs.get(DELEGATIONS)
    assert [d.pk for d in received.context["received"]] == [delegation.pk]
    assert not received.context["given"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"delegate": ""}, "delegate", "受托人：请选择代您审批的同事"),
        ({"starts_on": ""}, "starts_on", "开始日期：请填写委托的第一天"),
        ({"ends_on": ""}, "ends_on", "结束日期：请填写委托的最后一天"),
        ({"ends_on": "2026/12/01"}, "ends_on", "结束日期：请按“年-月-日”填写"),
        ({"starts_on": "2026-01-05"}, "starts_on", "开始日期：不能早于今天"),
        ({"ends_on": "same day before"}, "ends_on", "结束日期：请按“年-月-日”填写"),
        ({"reason": "长" * 201}, "reason", "事由：最多 200 个字"),
    ],
)
def test_a_refused_delegation_is_shown_again_with_a_chinese_message_naming_the_field(
    world, people, client_for, data, field, message
):
    response = client_for("clerk_a").post(DELEGATIONS, {**form(people["colleague"]), **data})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert not Delegation.objects.exists()


def test_the_last_day_before_the_first_is_refused_on_the_last_day(world, people, client_for):
    response = client_for("clerk_a").post(DELEGATIONS, form(people["colleague"], days(3), days(1)))
    assert "结束日期：早于开始日期" in " ".join(response.context["form"].errors["ends_on"])
    assert not Delegation.objects.exists()


def test_a_user_of_another_organisation_is_refused_as_delegate(world, people, client_for):
    response = client_for("clerk_a").post(DELEGATIONS, form(world["clerk_b"]))
    assert "受托人：只能选择本单位的同事" in " ".join(response.context["form"].errors["delegate"])
    assert not Delegation.objects.exists()


def test_a_double_click_on_delegate_makes_one_delegation(world, people, client_for):
    client = client_for("clerk_a")
    token = TOKEN.search(client.get(DELEGATIONS).content.decode())[1]
    data = {**form(people["colleague"]), "submission_token": token}
    first, second = client.post(DELEGATIONS, data), client.post(DELEGATIONS, data)
    assert first.status_code == second.status_code == 302
    assert Delegation.objects.count() == 1


def test_the_delegate_sees_the_request_in_their_inbox_and_decides_on_behalf(
    world, flow, people, client_for, client
):
    request = submit(world.community_a, world["district"])
    colleague = people["colleague"]  # of clerk A's office, without the street clerk's role
    client.force_login(colleague)
    assert request not in client.get(INBOX).context["object_list"]

    client_for("clerk_a").post(DELEGATIONS, form(colleague))
    client.force_login(colleague)
    assert [r.pk for r in client.get(INBOX).context["object_list"]] == [request.pk]
    seen = {"expected_stage": fresh(request).current_stage_id, "expected_round": 1}
    client.post(reverse("approvals:request_approve", args=[request.pk]), {**seen, "opinion": "代为审核同意"})
    step = Step.objects.get(request=request, action=Step.Action.APPROVE)
    assert (step.actor, step.on_behalf_of) == (colleague, world["clerk_a"])


def test_once_ended_the_delegate_no_longer_sees_the_request(world, flow, people, client_for, client):
    request = submit(world.community_a, world["district"])
    colleague = people["colleague"]
    delegation = delegation_create(
        actor=world["clerk_a"], delegate=colleague, starts_on=days(-3), ends_on=days(3)
    )
    client.force_login(colleague)
    assert [r.pk for r in client.get(INBOX).context["object_list"]] == [request.pk]

    response = client_for("clerk_a").post(end(delegation), follow=True)
    assert "已提前结束：自今天起由您本人审批" in " ".join(messages_of(response))
    delegation.refresh_from_db()
    assert delegation.ends_on == days(-1)  # kept on record, ending yesterday
    assert "已结束" in response.content.decode()
    client.force_login(colleague)
    assert not client.get(INBOX).context["object_list"]


def test_a_delegation_not_yet_begun_is_withdrawn(world, people, client_for):
    delegation = delegation_create(
        actor=world["clerk_a"], delegate=people["colleague"], starts_on=days(2), ends_on=days(5)
    )
    response = client_for("clerk_a").post(end(delegation), follow=True)
    assert "的委托已撤销" in " ".join(messages_of(response))
    assert not Delegation.objects.exists()
    assert AuditEntry.objects.filter(object_id=str(delegation.pk), summary="撤销委托").count() == 1


def test_an_ended_delegation_is_not_ended_again(world, people, client_for):
    delegation = Delegation.objects.create(
        delegator=world["clerk_a"], delegate=people["colleague"], starts_on=days(-9), ends_on=days(-2)
    )
    response = client_for("clerk_a").post(end(delegation), follow=True)
    assert "该委托已经结束" in " ".join(messages_of(response))
    delegation.refresh_from_db()
    assert delegation.ends_on == days(-2)


@pytest.mark.parametrize("persona", ["clerk_b", "district", "city", "sysadmin"])
def test_only_the_delegating_user_ends_a_delegation_others_get_404(world, people, client_for, persona):
    delegation = delegation_create(
        actor=world["clerk_a"], delegate=people["colleague"], starts_on=today(), ends_on=days(3)
    )
    assert client_for(persona).post(end(delegation)).status_code == 404
    assert Delegation.objects.get().ends_on == days(3)


def test_the_delegate_cannot_end_it_either(world, people, client):
    delegation = delegation_create(
        actor=world["clerk_a"], delegate=people["colleague"], starts_on=today(), ends_on=days(3)
    )
    client.force_login(people["colleague"])
    assert client.post(end(delegation)).status_code == 404
    assert Delegation.objects.get().ends_on == days(3)


def test_the_inbox_tabs_lead_to_the_delegation_page(world, client_for):
    assert DELEGATIONS in client_for("clerk_a").get(INBOX).content.decode()
