"""A project's money page (资金): who reads it and what each persona may do there; every form with
its errors, the over-plan confirmation and the double submit; the residents' share a street clerk
reads; constant queries."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import ApprovalRequest
from funding.models import Disbursement, FundingPlanLine, FundReceipt
from projects.models import ProgressReport, ProjectItem
from tests.factories import compound_in, project_in, renovation_item
from tests.helpers import assert_list_queries_constant

from .conftest import wan
from .factories import disbursement_in, plan_line_in, receipt_in

TODAY = timezone.localdate().isoformat()
TOKEN = re.compile(r'name="submission_token" value="([0-9a-f]{32})"')
KEY = re.compile(r'name="request_key" value="([0-9a-f]{32})"')


def page_url(project):
    return reverse("funding:project_funding", args=[project.pk])


def page(client, project):
    response = client.get(page_url(project))
    assert response.status_code == 200
    return response


def forms_of(response):
    return {name for name in ("plan_form", "receipt_form", "disbursement_form") if response.context.get(name)}


@pytest.fixture
def released(world, funded, sources):
    """40 万 of the city budget released (voucher 记-2026-0001), 10 万 of residents' cash received."""
    plan_line_in(funded, source="residents_cash", amount=wan(20))
    receipt_in(funded, world["finance"], source="residents_cash", amount=wan(10))
    return disbursement_in(funded, world["district"], amount=wan(40), voucher_number="记-2026-0001")


# --- Who reads the page and which forms they get -------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("finance", {"receipt_form"}),
        ("district", {"plan_form", "disbursement_form"}),
        ("city", {"plan_form", "disbursement_form"}),
        ("clerk_a", {"disbursement_form"}),
        ("leader", set()),
        ("auditor", set()),
    ],
)
def test_each_persona_gets_the_forms_of_what_they_may_do(
    world, funded, released, client_for, persona, expected
):
    response = page(client_for(persona), funded)
    assert forms_of(response) == expected
    reversible = [row for row in response.context["money"].disbursements if row.reverse_form]
    assert bool(reversible) == (persona == "finance")
    receipts_with_form = [row for row in response.context["money"].receipts if row.reverse_form]
    assert bool(receipts_with_form) == (persona == "finance")
    content = response.content.decode()
    assert ("登记到位资金" in content) == (persona == "finance")
    assert ("申请拨付" in content) == ("disbursement_form" in expected)


def test_nobody_outside_the_project_learns_of_its_money(world, funded, client_for):
    assert client_for("clerk_b").get(page_url(funded)).status_code == 404
    assert client_for("sysadmin").get(page_url(funded)).status_code == 403
    assert client_for("anonymous").get(page_url(funded)).status_code == 302
    other_district = project_in(compound_in(world.community_b))
    assert client_for("clerk_a").get(page_url(other_district)).status_code == 404


def test_the_page_shows_per_source_figures_rates_and_totals(world, funded, released, client_for):
    money = page(client_for("leader"), funded).context["money"]
    city = next(row for row in money.by_source if row.source.code == "city_budget")
    assert (city.planned, city.received, city.released, city.requested, city.available) == (
        wan(100), wan(60), wan(40), 0, wan(20),
    )  # fmt: skip
    assert (str(city.receive_rate), str(city.release_rate)) == ("60.0", "66.7")
    assert (money.total.planned, money.total.received, money.total.released) == (wan(120), wan(70), wan(40))
    content = page(client_for("leader"), funded).content.decode()
    assert 'id="money-chart"' in content and "<script" not in content.split('id="money-chart"')[1][:3000]
    assert "到位率" in content and "拨付率" in content and "66.7%" in content


def test_a_street_clerk_reads_only_the_residents_share_and_totals_of_it(world, funded, released, client_for):
    response = page(client_for("clerk_a"), funded)
    money = response.context["money"]
    assert [row.source.code for row in money.by_source] == ["residents_cash"]
    assert (money.total.planned, money.total.received, money.total.released) == (wan(20), wan(10), 0)
    assert [r.source.code for r in money.receipts] == ["residents_cash"]
    assert money.disbursements == []
    content = response.content.decode()
    assert "市级财政资金" not in content and "记-2026-0001" not in content
    assert "您只能看到本项目资金中的居民出资部分" in content
    offered = response.context["disbursement_form"].fields["source"].queryset
    assert {source.category for source in offered} == {"residents"}


def test_completed_investment_weighs_each_items_cost_by_its_progress(world, funded, client_for):
    ProjectItem.objects.create(
        project=funded, item=renovation_item(), quantity=1, estimated_cost=wan(50), bid_price=wan(40),
        progress=50, payer="government",
    )  # fmt: skip
    ProjectItem.objects.create(
        project=funded, item=renovation_item(), quantity=1, estimated_cost=wan(30), actual_cost=wan(20),
        progress=100, payer="government",
    )  # fmt: skip
    money = page(client_for("district"), funded).context["money"]
    assert money.completed_investment == wan(40)  # 40 × 50 % + 20 × 100 %


def test_the_project_page_links_to_the_money_page_for_its_readers(world, funded, client_for):
    url = reverse("projects:project_detail", args=[funded.pk])
    for persona in ("finance", "district", "clerk_a", "leader"):
        assert page_url(funded) in client_for(persona).get(url).content.decode(), persona


# --- The plan -------------------------------------------------------------------------------------


def test_a_plan_line_is_typed_in_wan_and_reads_back_as_typed(world, funded, sources, client_for):
    client = client_for("district")
    url = reverse("funding:fundingplanline_add", args=[funded.pk])
    data = {"source": sources["central_subsidy"].pk, "year": "2027", "amount": "30.5", "note": "中央预算内"}
    response = client.post(url, data)
    assert response.status_code == 302 and response.url.endswith("#plan")
    line = FundingPlanLine.objects.get(project=funded, source=sources["central_subsidy"])
    assert (line.year, str(line.amount), line.note) == (2027, "305000.00", "中央预算内")
    response = page(client, funded)
    assert 'value="30.5"' in response.content.decode()  # its edit box
    matrix = response.content.decode().split('id="plan-matrix"')[1].split("</table>")[0]
    assert "2027" in matrix and "30.50" in matrix and "130.50" in matrix  # the total of every year


def test_a_plan_line_with_errors_is_shown_again_naming_the_field(world, funded, sources, client_for):
    client = client_for("district")
    url = reverse("funding:fundingplanline_add", args=[funded.pk])
    response = client.post(url, {"source": sources["city_budget"].pk, "year": "2026", "amount": "-3"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "计划金额：金额须大于零。" in content and 'id="plan-add" open' in content
    response = client.post(url, {"source": sources["city_budget"].pk, "year": "2026", "amount": "5"})
    assert "2026 年度已有市级财政资金的计划，请修改那一条。" in response.content.decode()
    response = client.post(url, {"source": sources["city_budget"].pk, "year": "2026", "amount": "abc"})
    assert "计划金额：“abc”不是数字。" in response.content.decode()
    assert FundingPlanLine.objects.filter(project=funded).count() == 1


def test_a_plan_line_is_changed_and_deleted_by_those_who_plan(world, funded, sources, client_for):
    line = FundingPlanLine.objects.get(project=funded)
    edit = reverse("funding:fundingplanline_edit", args=[line.pk])
    assert client_for("finance").post(edit, {"amount": "80"}).status_code == 403
    response = client_for("city").post(edit, {"amount": "80", "note": "调减"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.amount, line.note) == (wan(80), "调减")
    response = client_for("city").post(edit, {"amount": ""})
    assert response.status_code == 200 and "计划金额：这个字段是必填项。" in response.content.decode()
    delete = reverse("funding:fundingplanline_delete", args=[line.pk])
    assert client_for("leader").post(delete).status_code == 403
    assert client_for("district").post(delete).status_code == 302
    assert not FundingPlanLine.objects.filter(pk=line.pk).exists()


# --- Receipts -------------------------------------------------------------------------------------


def receipt_data(sources, amount="20", **extra):
    return {
        "received_on": TODAY, "source": sources["city_budget"].pk, "amount": amount,
        "document_number": "淄财建〔2026〕9号", "account": "国库专户", "note": "", **extra,
    }  # fmt: skip


def test_the_finance_bureau_records_a_receipt_in_wan(world, funded, sources, client_for):
    response = client_for("finance").post(
        reverse("funding:fundreceipt_add", args=[funded.pk]), receipt_data(sources, "20")
    )
    assert response.status_code == 302 and response.url.endswith("#receipts")
    receipt = FundReceipt.objects.get(document_number="淄财建〔2026〕9号")
    assert (receipt.amount, receipt.account, receipt.recorded_by) == (wan(20), "国库专户", world["finance"])


def test_a_receipt_above_the_plan_asks_for_a_confirmation_and_records_once_confirmed(
    world, funded, sources, client_for
):
    client = client_for("finance")
    url = reverse("funding:fundreceipt_add", args=[funded.pk])
    response = client.post(url, receipt_data(sources, "50"))  # 60 + 50 > 100 planned
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="over-plan"' in content and "110.00 万元" in content and "确认登记" in content
    assert 'name="confirm_over_plan"' in content and 'value="50"' in content  # kept as typed
    assert not FundReceipt.objects.filter(amount=wan(50)).exists()
    response = client.post(url, receipt_data(sources, "50", confirm_over_plan="on"))
    assert response.status_code == 302
    assert FundReceipt.objects.filter(amount=wan(50)).count() == 1


def test_a_receipt_with_errors_names_each_field(world, funded, sources, client_for):
    response = client_for("finance").post(
        reverse("funding:fundreceipt_add", args=[funded.pk]),
        {"received_on": "2999-01-01", "source": "", "amount": "0"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "到位日期：日期不能晚于今天。" in content
    assert "资金来源：这个字段是必填项。" in content
    assert "金额：金额须大于零。" in content


def test_only_the_finance_bureau_records_receipts(world, funded, sources, client_for):
    url = reverse("funding:fundreceipt_add", args=[funded.pk])
    for persona in ("district", "city", "clerk_a", "leader"):
        assert client_for(persona).post(url, receipt_data(sources)).status_code == 403, persona
    assert FundReceipt.objects.filter(project=funded).count() == 1


# --- Disbursements --------------------------------------------------------------------------------


def request_data(sources, key, amount="15", **extra):
    return {
        "source": sources["city_budget"].pk, "amount": amount, "payee": "淄博建工集团有限公司",
        "purpose": "首期工程款", "note": "", "request_key": key, **extra,
    }  # fmt: skip


def test_district_staff_request_a_disbursement_that_goes_for_review(world, funded, sources, client_for):
    item = ProjectItem.objects.create(
        project=funded, item=renovation_item(name="雨污分流"), quantity=1, progress=30, payer="government"
    )
    report = ProgressReport.objects.create(
        project=funded, reported_on=timezone.localdate(), percent=30, investment_to_date=wan(30),
        reported_by=world["district"],
    )  # fmt: skip
    client = client_for("district")
    key = KEY.search(page(client, funded).content.decode()).group(1)
    response = client.post(
        reverse("funding:disbursement_add", args=[funded.pk]),
        request_data(sources, key, items=[item.pk], progress_report=report.pk),
    )
    assert response.status_code == 302 and response.url.endswith("#disbursements")
    disbursement = Disbursement.objects.get(project=funded)
    assert (disbursement.amount, disbursement.state, disbursement.progress_report) == (
        wan(15),
        "requested",
        report,
    )
    assert list(disbursement.items.all()) == [item]
    request = ApprovalRequest.objects.get(object_id=str(disbursement.pk), flow__code="disbursement")
    response = page(client, funded)
    content = response.content.decode()
    assert request.get_absolute_url() in content and "雨污分流" in content
    assert response.context["money"].total.available == wan(45)


def test_the_same_request_sent_twice_is_recorded_once(world, funded, sources, client_for):
    client = client_for("district")
    content = page(client, funded).content.decode()
    form = content.split('id="disbursement-form"')[1].split("</form>")[0]
    key, token = KEY.search(form).group(1), TOKEN.search(form).group(1)
    url = reverse("funding:disbursement_add", args=[funded.pk])
    first = client.post(url, request_data(sources, key, submission_token=token))
    again = client.post(url, request_data(sources, key, submission_token=token))  # a double click
    resent = client.post(url, request_data(sources, key))  # the same form sent again without its token
    assert (first.status_code, again.status_code, resent.status_code) == (302, 302, 302)
    assert Disbursement.objects.filter(project=funded).count() == 1
    assert ApprovalRequest.objects.filter(flow__code="disbursement").count() == 1
    # Another rendering of the form is another request.
    other = KEY.search(page(client, funded).content.decode()).group(1)
    assert other != key
    client.post(url, request_data(sources, other))
    assert Disbursement.objects.filter(project=funded).count() == 2


def test_a_key_another_user_sent_is_not_theirs(world, funded, sources, client_for):
    key = "a" * 32
    client_for("district").post(
        reverse("funding:disbursement_add", args=[funded.pk]), request_data(sources, key)
    )
    client_for("city").post(reverse("funding:disbursement_add", args=[funded.pk]), request_data(sources, key))
    assert Disbursement.objects.filter(project=funded).count() == 2


def test_a_request_with_errors_is_shown_again_with_what_was_typed(world, funded, sources, client_for):
    client = client_for("district")
    url = reverse("funding:disbursement_add", args=[funded.pk])
    response = client.post(url, request_data(sources, "b" * 32, amount="70"))  # 60 received
    content = response.content.decode()
    assert response.status_code == 200 and 'id="disbursement-add" open' in content
    assert "金额：" in content and "可用" in content and 'value="70"' in content
    response = client.post(url, {"request_key": "junk", "amount": "x"})
    content = response.content.decode()
    assert "请从页面重新提交此表单。" in content and "收款单位：这个字段是必填项。" in content
    assert KEY.search(content)  # a fresh key to send the corrected form with
    assert not Disbursement.objects.exists()


def test_a_street_clerk_requests_only_from_the_residents_share(world, funded, sources, client_for):
    receipt_in(funded, world["finance"], source="residents_cash", amount=wan(10))
    client = client_for("clerk_a")
    url = reverse("funding:disbursement_add", args=[funded.pk])
    response = client.post(url, request_data(sources, "c" * 32))  # the city budget
    assert response.status_code == 200 and "资金来源：" in response.content.decode()
    assert not Disbursement.objects.exists()
    response = client.post(
        url, request_data(sources, "d" * 32, amount="5", source=sources["residents_cash"].pk)
    )
    assert response.status_code == 302
    assert Disbursement.objects.get().source == sources["residents_cash"]


def test_the_finance_bureau_leader_and_a_stranger_request_no_disbursement(world, funded, sources, client_for):
    url = reverse("funding:disbursement_add", args=[funded.pk])
    assert client_for("finance").post(url, request_data(sources, "e" * 32)).status_code == 403
    assert client_for("leader").post(url, request_data(sources, "e" * 32)).status_code == 403
    assert client_for("clerk_b").post(url, request_data(sources, "e" * 32)).status_code == 404


def form_on_page(client, project, form_id):
    """The submission token of the page's form ``form_id``, as a browser would send it."""
    content = page(client, project).content.decode()
    return TOKEN.search(content.split(f'id="{form_id}"')[1].split("</form>")[0]).group(1)


def test_a_receipt_or_a_plan_line_sent_twice_is_recorded_once(world, funded, sources, client_for):
    finance = client_for("finance")
    token = form_on_page(finance, funded, "receipt-form")
    url = reverse("funding:fundreceipt_add", args=[funded.pk])
    for _ in range(2):
        response = finance.post(url, receipt_data(sources, "5", submission_token=token))
        assert response.status_code == 302
    assert FundReceipt.objects.filter(project=funded, amount=wan(5)).count() == 1

    district = client_for("district")
    content = page(district, funded).content.decode()
    form = content.split('id="plan-add"')[1].split("</form>")[0]
    token = TOKEN.search(form).group(1)
    url = reverse("funding:fundingplanline_add", args=[funded.pk])
    data = {"source": sources["district_budget"].pk, "year": "2026", "amount": "8", "submission_token": token}
    assert [district.post(url, data).status_code for _ in range(2)] == [302, 302]
    assert FundingPlanLine.objects.filter(project=funded, source=sources["district_budget"]).count() == 1


# --- Reversals ------------------------------------------------------------------------------------


def test_a_receipt_is_reversed_with_a_reason_and_the_counter_entry_follows_it(
    world, funded, sources, client_for
):
    client = client_for("finance")
    late = receipt_in(funded, world["finance"], amount=wan(5), on=timezone.localdate())
    receipt = FundReceipt.objects.get(project=funded, document_number="淄财建〔2026〕8号")
    url = reverse("funding:fundreceipt_reverse", args=[receipt.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "冲销原因：这个字段是必填项。" in response.content.decode()
    response = client.post(url, {"reason": "重复登记"})
    assert response.status_code == 302
    counter = FundReceipt.objects.get(reverses=receipt)
    assert (counter.amount, counter.reason) == (-wan(60), "重复登记")
    rows = page(client, funded).context["money"].receipts
    assert [row.pk for row in rows] == [receipt.pk, counter.pk, late.pk]
    content = page(client, funded).content.decode()
    assert "-60.00" in content and "重复登记" in content
    again = client.post(url, {"reason": "再来一次"}, follow=True)  # the entry offers no reversal now
    assert "该记录已经冲销。" in again.content.decode()
    assert FundReceipt.objects.filter(reverses=receipt).count() == 1


def test_a_released_disbursement_is_reversed_by_the_finance_bureau_only(world, funded, released, client_for):
    url = reverse("funding:disbursement_reverse", args=[released.pk])
    assert client_for("district").post(url, {"reason": "退回"}).status_code == 403
    response = client_for("finance").post(url, {"reason": "收款单位退回"})
    assert response.status_code == 302
    counter = Disbursement.objects.get(reverses=released)
    assert (counter.amount, counter.state) == (-wan(40), "released")
    money = page(client_for("leader"), funded).context["money"]
    assert [row.pk for row in money.disbursements] == [released.pk, counter.pk]
    assert money.total.released == 0


def test_a_request_under_review_offers_no_reversal(world, funded, client_for):
    waiting = disbursement_in(funded, world["district"], amount=wan(5), state="requested")
    response = page(client_for("finance"), funded)
    assert [row.reverse_form for row in response.context["money"].disbursements] == [None]
    url = reverse("funding:disbursement_reverse", args=[waiting.pk])
    response = client_for("finance").post(url, {"reason": "错"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#disbursements")
    assert (
        "只有已拨付的资金可以冲销。" in response.content.decode()
    )  # the service's refusal, said on the page
    assert not Disbursement.objects.filter(reverses=waiting).exists()


# --- Queries --------------------------------------------------------------------------------------


def test_the_page_runs_the_same_queries_with_1_and_20_receipts_and_disbursements(world, funded, client_for):
    item = ProjectItem.objects.create(
        project=funded, item=renovation_item(), quantity=1, progress=10, payer="government"
    )

    def add_rows(n, source="city_budget"):
        for _ in range(n):
            receipt_in(funded, world["finance"], source=source, amount="100.00")
            paid = disbursement_in(funded, world["district"], source=source, amount="10.00")
            paid.items.add(item)
            counter = receipt_in(funded, world["finance"], source=source, amount="100.00")
            receipt_in(
                funded, world["finance"], source=source, amount="-100.00", reverses=counter, reason="错"
            )

    assert_list_queries_constant(client_for("finance"), page_url(funded), add_rows)
    # A street clerk's page reads the residents' rows with as many queries.
    assert_list_queries_constant(
        client_for("clerk_a"), page_url(funded), lambda n: add_rows(n, source="residents_cash")
    )


# --- Language -------------------------------------------------------------------------------------

WORDS = re.compile(r"[A-Za-z]{3,}")
TAGS = re.compile(r"<(script|style|title)\b.*?</\1>|<[^>]+>", re.S)


@pytest.mark.parametrize("persona", ["finance", "district", "clerk_a"])
def test_the_page_reads_chinese_with_every_section_and_form_shown(
    world, funded, released, client_for, persona
):
    waiting = disbursement_in(funded, world["district"], amount=wan(5), state="requested")
    waiting.items.add(
        ProjectItem.objects.create(
            project=funded, item=renovation_item(), quantity=1, progress=10, payer="government"
        )
    )
    client_for("finance").post(
        reverse("funding:fundreceipt_reverse", args=[FundReceipt.objects.filter(project=funded).first().pk]),
        {"reason": "重复登记"},
    )
    content = page(client_for(persona), funded).content.decode()
    main = content.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    english = [word for word in WORDS.findall(TAGS.sub(" ", main)) if word not in world.personas]  # usernames
    assert english == []
