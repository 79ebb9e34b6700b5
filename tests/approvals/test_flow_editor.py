"""The flow editor: a city's administrators (city bureau staff, the system administrator) list their
city's flows, open a version, start a new one as a draft copy, add / edit / delete / move its stages
and publish it; nobody else may, another city's flows are 404, and a running request keeps the
version it started with (the test subject of conftest: a community of the demo city)."""

import re
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from approvals import services
from approvals.models import ApprovalRequest, Flow, FlowVersion, Stage
from approvals.services import (
    flowversion_create,
    flowversion_discard,
    flowversion_publish,
    request_approve,
    stage_add,
    stage_delete,
    stage_move,
    stage_update,
)
from core.models import AuditEntry
from org.models import Organisation, Region
from org.roles import DEPT_REVIEWER, STREET_CLERK
from tests.factories import PERSONAS, make_user
from tests.helpers import assert_list_queries_constant, queries_of

from .conftest import TEST_STAGES, at, fresh, make_flow, submit

K = Organisation.Kind
FLOWS = reverse("approvals:flow_list")
TOKEN = re.compile(r'name="submission_token" value="([0-9a-f]{32})"')


def detail(flow, number=None):
    url = reverse("approvals:flow_detail", args=[flow.pk])
    return f"{url}?version={number}" if number else url


def latest(flow):
    return flow.versions.order_by("-number").first()


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def stage_data(**fields):
    """A stage form as the page sends it: the street office, decided by one, 5 working days."""
    data = {
        "name": "街道初审", "kinds": [K.STREET_OFFICE], "organisations": [], "mode": Stage.Mode.SINGLE,
        "role": "", "condition": "", "deadline_days": "5", "record": "",
    }  # fmt: skip
    data.update(fields)
    return data


@pytest.fixture
def draft(flow):
    """A draft version 2 of the conftest flow (a copy of its three stages)."""
    return flowversion_create(actor=None, flow=flow)


def names(version):
    return list(version.stages.order_by("order").values_list("name", flat=True))


# --- Who may ----------------------------------------------------------------------------------


EDITORS = {"city", "sysadmin"}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_only_city_staff_and_the_system_administrator_open_and_edit_flows(
    world, flow, draft, persona, client_for
):
    client = client_for(persona)
    stage = draft.stages.first()
    may = persona in EDITORS
    assert client.get(FLOWS).status_code == (200 if may else 403)
    assert client.get(detail(flow)).status_code == (200 if may else 403)
    assert client.get(reverse("approvals:stage_add", args=[draft.pk])).status_code == (200 if may else 403)
    assert client.get(reverse("approvals:stage_edit", args=[stage.pk])).status_code == (200 if may else 403)
    if not may:
        for name, pk in (
            ("flowversion_publish", draft.pk),
            ("flowversion_discard", draft.pk),
            ("stage_delete", stage.pk),
            ("stage_move", stage.pk),
        ):
            assert client.post(reverse(f"approvals:{name}", args=[pk])).status_code == 403
        assert client.post(reverse("approvals:flowversion_create", args=[flow.pk])).status_code == 403
        assert FlowVersion.objects.get(pk=draft.pk).published_at is None
        assert Stage.objects.filter(pk=stage.pk).exists()


def test_the_menu_has_the_flow_editor_only_for_those_who_may_edit_flows(world, client_for):
    assert reverse("approvals:flow_list") in client_for("city").get("/").content.decode()
    assert reverse("approvals:flow_list") not in client_for("district").get("/").content.decode()


def test_another_citys_flows_are_404(world, flow, client_for):
    other_city = Region.objects.create(
        code="370400", name="枣庄市", level=Region.Level.CITY, parent=world.city.parent, path="370000/370400/"
    )
    other = make_flow(other_city, [{"name": "财政审核", "actors": [K.FINANCE]}])
    other_draft = flowversion_create(actor=None, flow=other)
    stage = other_draft.stages.get()
    client = client_for("city")
    assert client.get(detail(other)).status_code == 404
    assert [f.pk for f in client.get(FLOWS).context["object_list"]] == [flow.pk]
    assert client.post(reverse("approvals:flowversion_create", args=[other.pk])).status_code == 404
    assert client.post(reverse("approvals:flowversion_publish", args=[other_draft.pk])).status_code == 404
    assert client.get(reverse("approvals:stage_add", args=[other_draft.pk])).status_code == 404
    assert client.get(reverse("approvals:stage_edit", args=[stage.pk])).status_code == 404
    assert client.post(reverse("approvals:stage_delete", args=[stage.pk])).status_code == 404
    assert (
        client.post(reverse("approvals:stage_move", args=[stage.pk]), {"direction": "up"}).status_code == 404
    )
    assert FlowVersion.objects.get(pk=other_draft.pk).published_at is None
    assert other_draft.stages.count() == 1


# --- The list and the page --------------------------------------------------------------------


def test_the_list_shows_the_version_in_force_its_stages_a_draft_and_the_requests_running(
    world, flow, client_for
):
    submit(world.community_a, world["district"])
    flowversion_create(actor=None, flow=flow)
    response = client_for("city").get(FLOWS)
    row = response.context["object_list"][0]
    assert (row.published_number, row.published_stages, row.draft_number, row.running) == (1, 3, 2, 1)
    html = response.content.decode()
    assert "测试流程" in html and "第1版" in html and "第2版（草稿）" in html


def test_the_flow_list_costs_the_same_queries_for_1_and_20_flows(world, subject_registered, client):
    superuser = make_user("flow_admin", None, is_staff=True)
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    cities = []

    def add_rows(n):
        for _i in range(n):
            if not cities or Flow.objects.filter(city=cities[-1]).count() == len(Flow.Code.values):
                number = 371000 + len(cities) * 100
                cities.append(
                    Region.objects.create(
                        code=str(number),
                        name=f"测试市{number}",
                        level=Region.Level.CITY,
                        parent=world.city.parent,
                        path=f"370000/{number}/",
                    )
                )
            city = cities[-1]
            used = set(Flow.objects.filter(city=city).values_list("code", flat=True))
            code = next(c for c in Flow.Code.values if c not in used)
            made = make_flow(city, [{"name": "财政审核", "actors": [K.FINANCE]}], code=code)
            flowversion_create(actor=None, flow=made)

    assert_list_queries_constant(client, FLOWS, add_rows)


def test_the_city_staffs_flow_list_costs_the_same_queries_for_1_and_4_flows(
    world, subject_registered, client_for
):
    client = client_for("city")
    codes = list(Flow.Code.values)
    make_flow(world.city, TEST_STAGES, code=codes[0])
    queries_of(client, FLOWS)  # warm caches: content types, session
    one = queries_of(client, FLOWS)
    for code in codes[1:]:
        made = make_flow(world.city, TEST_STAGES, code=code)
        flowversion_create(actor=None, flow=made)
    assert queries_of(client, FLOWS) == one


def test_the_page_shows_each_stage_with_who_acts_how_when_and_if(world, subject_registered, client_for):
    finance = Organisation.objects.get(name="淄博市财政局")
    made = make_flow(
        world.city,
        [
            {"name": "街道审核", "actors": [K.STREET_OFFICE], "role": STREET_CLERK, "submitter_passes": True},
            {
                "name": "联合审查", "actors": [K.CITY_BUREAU, finance], "mode": Stage.Mode.ALL,
                "condition": "amount >= 500000", "deadline_days": 10, "record": "document_number",
            },
        ],
    )  # fmt: skip
    html = client_for("city").get(detail(made)).content.decode()
    for text in (
        "街道审核", "街道办事处（镇政府）", "单一单位审批", "街道办事员", "5个工作日",
        "联合审查", "市住房和城乡建设局", "淄博市财政局", "会签（各单位均须同意）",
        "amount &gt;= 500000", "10个工作日", "批复文号", "现行", "本单位提交即视为通过",
    ):  # fmt: skip
        assert text in html, text


def test_the_version_selector_shows_an_older_version_as_it_was(world, flow, client_for):
    draft = flowversion_create(actor=None, flow=flow)
    stage_delete(actor=None, instance=draft.stages.get(order=1))
    flowversion_publish(actor=None, version=draft)
    client = client_for("city")
    assert [s.name for s in client.get(detail(flow)).context["stages"]] == ["联合审查", "市批复"]
    old = client.get(detail(flow, 1))
    assert old.context["shown"].number == 1
    assert [s.name for s in old.context["stages"]] == ["街道审核", "联合审查", "市批复"]
    assert "已停用" in old.content.decode()
    assert client.get(detail(flow), {"version": "abc"}).context["shown"].number == 2


def test_the_page_says_plainly_which_version_running_requests_keep(world, flow, client_for):
    submit(world.community_a, world["district"])
    html = client_for("city").get(detail(flow)).content.decode()
    assert "运行中的1件申请仍按第1版办理" in html


# --- Editing a draft --------------------------------------------------------------------------


def test_new_version_is_a_draft_copy_of_the_version_in_force(world, flow, client_for):
    response = client_for("city").post(reverse("approvals:flowversion_create", args=[flow.pk]), follow=True)
    version = latest(flow)
    assert version.number == 2 and not version.is_published()
    assert names(version) == ["街道审核", "联合审查", "市批复"]
    assert response.redirect_chain[-1][0] == version.get_absolute_url()
    assert "第2版是现行版本的草稿副本" in " ".join(messages_of(response))
    assert flow.current_version().number == 1


def test_a_double_click_on_new_version_makes_one_draft(world, flow, client_for):
    client = client_for("city")
    token = TOKEN.search(client.get(detail(flow)).content.decode())[1]
    url = reverse("approvals:flowversion_create", args=[flow.pk])
    first = client.post(url, {"submission_token": token})
    second = client.post(url, {"submission_token": token})
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert flow.versions.count() == 2
    # Without the page's token (another tab), the service says a draft is already there.
    third = client.post(url, follow=True)
    assert "第2版仍是草稿" in " ".join(messages_of(third))
    assert flow.versions.count() == 2


def test_adding_a_stage_by_kind_and_by_named_organisation(world, draft, client_for):
    finance = Organisation.objects.get(name="淄博市财政局")
    client = client_for("city")
    form = client.get(reverse("approvals:stage_add", args=[draft.pk]))
    assert finance.pk in [
        pk for _group, options in form.context["form"].fields["organisations"].choices for pk, _n in options
    ]
    response = client.post(
        reverse("approvals:stage_add", args=[draft.pk]),
        stage_data(
            name="资金审核",
            kinds=[K.CITY_BUREAU],
            organisations=[str(finance.pk)],
            mode=Stage.Mode.ALL,
            role=DEPT_REVIEWER,
            condition="amount >= 500000",
            deadline_days="7",
            record="document_number",
        ),
    )
    stage = draft.stages.get(name="资金审核")
    assert response.status_code == 302 and response["Location"] == stage.get_absolute_url()
    assert stage.order == 4
    assert (stage.mode, stage.role, stage.condition, stage.deadline_days, stage.record) == (
        Stage.Mode.ALL, DEPT_REVIEWER, "amount >= 500000", 7, "document_number",
    )  # fmt: skip
    assert {(a.kind, a.organisation_id) for a in stage.actors.all()} == {
        (K.CITY_BUREAU, None),
        ("", finance.pk),
    }


def test_the_organisations_offered_are_those_of_the_flows_city(world, draft, client_for):
    other_city = Region.objects.create(
        code="370400", name="枣庄市", level=Region.Level.CITY, parent=world.city.parent, path="370000/370400/"
    )
    elsewhere = Organisation.objects.create(name="枣庄市财政局", kind=K.FINANCE, region=other_city)
    client = client_for("city")
    response = client.post(
        reverse("approvals:stage_add", args=[draft.pk]),
        stage_data(kinds=[], organisations=[str(elsewhere.pk)]),
    )
    assert response.status_code == 200
    assert f"指定的单位：{elsewhere.pk} 不是本市的单位" in " ".join(
        response.context["form"].errors["organisations"]
    )
    assert elsewhere.name not in client.get(reverse("approvals:stage_add", args=[draft.pk])).content.decode()
    assert draft.stages.count() == 3


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"condition": "amount >> 5"}, "condition", "条件“amount >> 5”格式不正确"),
        ({"condition": 'amount > "多"'}, "condition", "比较的是文字"),
        ({"kinds": [], "organisations": []}, "kinds", "审批单位：请至少选择一类单位或一个指定单位"),
        (
            {"kinds": [K.CITY_BUREAU, K.FINANCE]},
            "mode",
            "审批方式：单一单位审批的环节只能指定一个单位，现选了2个",
        ),
        ({"name": ""}, "name", "请填写环节名称"),
        ({"deadline_days": "0"}, "deadline_days", "办理时限至少为1个工作日"),
        ({"deadline_days": "abc"}, "deadline_days", "办理时限为整数个工作日"),
    ],
)
def test_a_stage_the_form_refuses_is_shown_again_with_a_chinese_message_naming_the_problem(
    world, draft, client_for, fields, field, message
):
    response = client_for("city").post(reverse("approvals:stage_add", args=[draft.pk]), stage_data(**fields))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors, errors
    assert message in response.content.decode().replace("&quot;", '"').replace("&gt;", ">")
    assert draft.stages.count() == 3


def test_editing_a_stage_changes_its_fields_and_who_acts(world, draft, client_for):
    stage = draft.stages.get(order=2)
    client = client_for("city")
    form = client.get(reverse("approvals:stage_edit", args=[stage.pk])).context["form"]
    assert set(form.initial["kinds"]) == {K.CITY_BUREAU, K.FINANCE}
    response = client.post(
        reverse("approvals:stage_edit", args=[stage.pk]),
        stage_data(
            name="联合审查（扩大）",
            kinds=[K.CITY_BUREAU, K.FINANCE, K.NATURAL_RESOURCES],
            mode=Stage.Mode.ANY,
            deadline_days="8",
        ),
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert (stage.name, stage.mode, stage.deadline_days, stage.order) == (
        "联合审查（扩大）",
        Stage.Mode.ANY,
        8,
        2,
    )
    assert sorted(a.kind for a in stage.actors.all()) == sorted(
        [K.CITY_BUREAU, K.FINANCE, K.NATURAL_RESOURCES]
    )
    # The version in force is untouched.
    assert fresh_stage_names(flow_of(draft), 1) == ["街道审核", "联合审查", "市批复"]


def flow_of(version):
    return Flow.objects.get(pk=version.flow_id)


def fresh_stage_names(flow, number):
    return names(flow.versions.get(number=number))


def test_deleting_a_stage_moves_the_later_ones_up(world, draft, client_for):
    response = client_for("city").post(
        reverse("approvals:stage_delete", args=[draft.stages.get(order=1).pk]), follow=True
    )
    assert "环节“街道审核”已删除" in " ".join(messages_of(response))
    assert list(draft.stages.order_by("order").values_list("order", "name")) == [
        (1, "联合审查"),
        (2, "市批复"),
    ]


def test_moving_a_stage_up_and_down(world, draft, client_for):
    client = client_for("city")
    last = draft.stages.get(order=3)
    client.post(reverse("approvals:stage_move", args=[last.pk]), {"direction": "up"})
    assert names(draft) == ["街道审核", "市批复", "联合审查"]
    client.post(reverse("approvals:stage_move", args=[last.pk]), {"direction": "down"})
    assert names(draft) == ["街道审核", "联合审查", "市批复"]
    refused = client.post(reverse("approvals:stage_move", args=[last.pk]), {"direction": "down"}, follow=True)
    assert "“市批复”已经是最后一个环节" in " ".join(messages_of(refused))
    junk = client.post(
        reverse("approvals:stage_move", args=[last.pk]), {"direction": "sideways"}, follow=True
    )
    assert "请将环节上移或下移" in " ".join(messages_of(junk))
    assert names(draft) == ["街道审核", "联合审查", "市批复"]


def test_a_published_version_is_not_edited(world, flow, client_for):
    version = flow.versions.get()
    stage = version.stages.get(order=1)
    client = client_for("city")
    shown = client.get(reverse("approvals:stage_edit", args=[stage.pk]), follow=True)
    assert "街道审核已不能修改" in " ".join(messages_of(shown))
    assert client.get(reverse("approvals:stage_add", args=[version.pk])).status_code == 302
    refused = client.post(reverse("approvals:stage_delete", args=[stage.pk]), follow=True)
    assert "已发布，不能再修改" in " ".join(messages_of(refused))
    client.post(reverse("approvals:stage_move", args=[stage.pk]), {"direction": "down"})
    posted = client.post(reverse("approvals:stage_edit", args=[stage.pk]), stage_data(name="改名"))
    assert posted.status_code == 200 and "已发布，不能再修改" in posted.content.decode()
    assert names(version) == ["街道审核", "联合审查", "市批复"]
    html = client.get(detail(flow)).content.decode()
    assert reverse("approvals:stage_edit", args=[stage.pk]) not in html
    assert reverse("approvals:flowversion_create", args=[flow.pk]) in html


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (
            lambda draft: [stage_delete(actor=None, instance=s) for s in list(draft.stages.all())],
            "没有任何审批环节",
        ),
        (lambda draft: draft.stages.get(order=1).actors.all().delete(), "“街道审核”环节没有指定审批单位"),
        (
            lambda draft: draft.stages.filter(order=2).update(mode=Stage.Mode.SINGLE),
            "“联合审查”环节由一个单位审批，却指定了2个单位",
        ),
    ],
)
def test_publishing_refusals_are_shown_and_change_nothing(world, flow, draft, client_for, prepare, message):
    prepare(draft)
    response = client_for("city").post(reverse("approvals:flowversion_publish", args=[draft.pk]), follow=True)
    assert message in " ".join(messages_of(response))
    assert message in response.content.decode()
    assert FlowVersion.objects.get(pk=draft.pk).published_at is None
    assert flow.current_version().number == 1


def test_publishing_a_draft_makes_it_the_version_in_force_once_for_a_double_click(
    world, flow, draft, client_for
):
    client = client_for("city")
    token = TOKEN.search(client.get(detail(flow, 2)).content.decode())[1]
    url = reverse("approvals:flowversion_publish", args=[draft.pk])
    first = client.post(url, {"submission_token": token}, follow=True)
    assert "第2版已发布" in " ".join(messages_of(first))
    second = client.post(url, {"submission_token": token}, follow=True)
    assert "此表单已经提交过" in " ".join(messages_of(second))
    assert AuditEntry.objects.filter(object_id=str(draft.pk), summary="已发布").count() == 1
    assert flow.current_version().number == 2
    again = client.post(url, follow=True)  # another tab, without the token: the service refuses
    assert "已经发布" in " ".join(messages_of(again))


def test_discarding_a_draft_leaves_the_version_in_force(world, flow, draft, client_for):
    response = client_for("city").post(reverse("approvals:flowversion_discard", args=[draft.pk]), follow=True)
    assert "草稿第2版已放弃" in " ".join(messages_of(response))
    assert list(flow.versions.values_list("number", flat=True)) == [1]
    refused = client_for("city").post(
        reverse("approvals:flowversion_discard", args=[flow.versions.get().pk]), follow=True
    )
    assert "已发布，不能再修改" in " ".join(messages_of(refused))
    assert flow.versions.count() == 1


def test_each_edit_is_one_transaction_with_one_audit_entry(world, flow, draft):
    user = world["city"]

    def entries():
        return AuditEntry.objects.count()

    before = entries()
    stage = stage_add(actor=user, version=draft, name="新增", actors=[K.FINANCE])
    stage_update(actor=user, instance=stage, name="新增环节", actors=[K.FINANCE], deadline_days=3)
    stage_move(actor=user, stage=stage, direction="up")
    stage_delete(actor=user, instance=stage)
    flowversion_discard(actor=user, version=draft)
    assert entries() - before == 5
    summaries = list(AuditEntry.objects.order_by("-id").values_list("summary", flat=True)[:5])
    assert summaries[::-1] == [
        "新增环节：新增", "修改环节：新增环节", "移动环节：新增环节，现为第3个", "删除环节：新增环节", "放弃草稿",
    ]  # fmt: skip


# --- A running request keeps its version ------------------------------------------------------


def test_a_running_request_keeps_its_version_and_a_new_request_takes_the_new_one(world, flow, client_for):
    running = submit(world.community_a, world["district"])
    client = client_for("city")
    client.post(reverse("approvals:flowversion_create", args=[flow.pk]))
    draft = latest(flow)
    # Version 2: no street review; the city bureau alone, then the finance bureau.
    client.post(reverse("approvals:stage_delete", args=[draft.stages.get(order=1).pk]))
    client.post(
        reverse("approvals:stage_edit", args=[draft.stages.get(order=1).pk]),
        stage_data(name="市住建局审查", kinds=[K.CITY_BUREAU]),
    )
    client.post(
        reverse("approvals:stage_add", args=[draft.pk]), stage_data(name="财政复核", kinds=[K.FINANCE])
    )
    client.post(reverse("approvals:flowversion_publish", args=[draft.pk]))
    assert flow.current_version() == draft
    assert names(draft) == ["市住建局审查", "市批复", "财政复核"]

    running = fresh(running)
    assert running.flow_version.number == 1 and running.current_stage.name == "街道审核"
    assert "运行中的1件申请仍按第1版办理" in client.get(detail(flow)).content.decode()
    # It goes on through version 1's stages: the street office, then the joint review.
    request_approve(request=running, actor=world["clerk_a"], **at(running))
    assert fresh(running).current_stage.name == "联合审查"
    assert fresh(running).current_stage.version.number == 1

    community = Region.objects.create(
        code=f"{world.street_b.code}901", name="新版社区", level=Region.Level.COMMUNITY,
        parent=world.street_b, path=f"{world.street_b.path}{world.street_b.code}901/",
    )  # fmt: skip
    new = fresh(submit(community, world["district"]))
    assert new.flow_version == draft and new.current_stage.name == "市住建局审查"
    assert ApprovalRequest.objects.filter(flow=flow, flow_version__number=1).count() == 1


# --- Two tabs at once (PostgreSQL row locks) ----------------------------------------------------


def _at_once(monkeypatch, *calls):
    """Run ``calls`` in threads released together; each lingers inside its transaction after its
    checks, so without the version's (or flow's) row lock both would pass them."""
    real = services.audit_record

    def slow(*args, **kwargs):
        entry = real(*args, **kwargs)
        time.sleep(0.3)
        return entry

    monkeypatch.setattr(services, "audit_record", slow)
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # reported below instead of dying silently in the thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_two_new_versions_at_once_make_one_draft(
    needs_postgresql, transactional_db, world, flow, monkeypatch
):
    def create():
        flowversion_create(actor=None, flow=Flow.objects.get(pk=flow.pk))

    assert _at_once(monkeypatch, create, create) == ["done", "refused"]
    assert list(flow.versions.values_list("number", flat=True)) == [1, 2]


def test_two_publications_at_once_publish_once(needs_postgresql, transactional_db, world, flow, monkeypatch):
    draft = flowversion_create(actor=None, flow=flow)

    def publish():
        flowversion_publish(actor=None, version=FlowVersion.objects.get(pk=draft.pk))

    assert _at_once(monkeypatch, publish, publish) == ["done", "refused"]
    assert AuditEntry.objects.filter(object_id=str(draft.pk), summary="已发布").count() == 1
