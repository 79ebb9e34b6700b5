"""The complaint pages as their users meet them: the list, one complaint and its steps, the form
that records one, the exports and the statistics."""

import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEntry
from org.models import Organisation
from residents.models import Complaint
from tests.factories import compound_in
from tests.residents.permissions.complaints import complaint_in

TODAY = timezone.localdate()
LIST = reverse("residents:complaint_list")
STATS = reverse("residents:complaint_stats")


def sheet_rows(response):
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def test_a_street_clerk_reads_the_complainant_in_full_and_district_staff_masked(world, client_for):
    complaint_in(community=world.community_a)
    clerk_page = client_for("clerk_a").get(LIST).content.decode()
    assert "李秀英" in clerk_page and "13912345678" in clerk_page
    district_page = client_for("district").get(LIST).content.decode()
    assert "李**" in district_page and "139****5678" in district_page
    assert "李秀英" not in district_page and "13912345678" not in district_page


def test_leaders_and_auditors_read_complaints_masked(world, client_for):
    complaint = complaint_in(community=world.community_a)
    for persona in ("leader", "auditor"):
        page = client_for(persona).get(complaint.get_absolute_url()).content.decode()
        assert "139****5678" in page and "13912345678" not in page
        assert 'id="step-assign"' not in page


def test_a_clerk_does_not_see_another_streets_complaints(world, client_for):
    complaint = complaint_in(community=world.community_a)
    client = client_for("clerk_b")
    assert complaint.number not in client.get(LIST).content.decode()
    assert client.get(complaint.get_absolute_url()).status_code == 404


def test_an_overdue_complaint_is_flagged_with_its_days_overdue(world, client_for):
    complaint_in(community=world.community_a, received_on=TODAY - datetime.timedelta(days=20))
    page = client_for("district").get(LIST).content.decode()
    assert "已逾期 5 天" in page


def test_the_overdue_filter_lists_only_overdue_complaints(world, client_for):
    late = complaint_in(community=world.community_a, received_on=TODAY - datetime.timedelta(days=20))
    fresh = complaint_in(community=world.community_a)
    page = client_for("clerk_a").get(LIST, {"overdue": "true"}).content.decode()
    assert late.number in page and fresh.number not in page


def test_the_list_filters_by_status_channel_and_category(world, client_for):
    closed = complaint_in(community=world.community_a, status=Complaint.Status.CLOSED)
    other = complaint_in(community=world.community_a, channel=Complaint.Channel.LETTER)
    client = client_for("clerk_a")
    page = client.get(LIST, {"status": "closed"}).content.decode()
    assert closed.number in page and other.number not in page
    page = client.get(LIST, {"channel": "letter", "category": "nuisance"}).content.decode()
    assert other.number in page and closed.number not in page


def test_the_list_runs_as_many_queries_for_twenty_rows_as_for_one(world, client_for):
    client = client_for("district")
    complaint_in(community=world.community_a, status=Complaint.Status.ASSIGNED)
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        assert client.get(LIST).status_code == 200
    compound = compound_in(world.community_b)
    for index in range(19):
        status = (Complaint.Status.RECEIVED, Complaint.Status.ASSIGNED)[index % 2]
        complaint_in(compound, status=status)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(LIST)
    assert len(response.context["object_list"]) == 20
    assert len(twenty) == len(one)


def test_a_clerk_records_a_complaint_with_the_form(world, client_for):
    compound = compound_in(world.community_a)
    response = client_for("clerk_a").post(
        reverse("residents:complaint_add"),
        {
            "received_on": TODAY.isoformat(), "channel": "hotline", "category": "quality",
            "compound": compound.pk, "complainant_name": "赵大妈", "complainant_phone": "0533-2181234",
            "content": "楼道扶手松动",
        },
    )  # fmt: skip
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    assert complaint.number.startswith("淄博投诉〔") and complaint.region == world.community_a
    assert complaint.deadline == TODAY + datetime.timedelta(days=15)


def test_a_form_without_compound_or_project_says_so_in_chinese(world, client_for):
    response = client_for("clerk_a").post(
        reverse("residents:complaint_add"),
        {"received_on": TODAY.isoformat(), "channel": "visit", "category": "other", "content": "意见"},
    )
    assert response.status_code == 200
    assert "请填写投诉涉及的小区或项目。" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_complaint_is_handed_on_answered_and_closed_from_its_page(world, client_for):
    complaint = complaint_in(community=world.community_a)
    client = client_for("clerk_a")
    office = Organisation.objects.get(region=world.street_a)
    assign = reverse("residents:complaint_assign", args=[complaint.pk])
    assert client.post(assign, {"assign-handler": office.pk}).status_code == 302
    answer = reverse("residents:complaint_answer", args=[complaint.pk])
    assert client.post(answer, {"answer-reply": "已督促施工单位整改"}).status_code == 302
    close = reverse("residents:complaint_close", args=[complaint.pk])
    assert client.post(close, {"close-satisfaction": "satisfied"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED and complaint.handler == office
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "已办结" in page and "满意" in page and "已督促施工单位整改" in page
    assert len(client.get(complaint.get_absolute_url()).context["history"]) == 3  # the three steps


def test_a_step_that_no_longer_applies_says_why(world, client_for):
    complaint = complaint_in(community=world.community_a, status=Complaint.Status.CLOSED)
    client = client_for("clerk_a")
    response = client.post(
        reverse("residents:complaint_answer", args=[complaint.pk]), {"answer-reply": "再答复"}, follow=True
    )
    assert "该投诉已答复。" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.reply == "已协调施工单位调整作业时间"


def test_an_empty_reply_is_shown_again_with_its_message(world, client_for):
    complaint = complaint_in(community=world.community_a, status=Complaint.Status.ASSIGNED)
    response = client_for("clerk_a").post(reverse("residents:complaint_answer", args=[complaint.pk]), {})
    assert response.status_code == 200
    assert 'id="step-answer"' in response.content.decode()


def test_the_history_shows_the_complainant_masked_to_district_staff(world, client_for):
    compound = compound_in(world.community_a)
    client_for("clerk_a").post(
        reverse("residents:complaint_add"),
        {
            "received_on": TODAY.isoformat(), "channel": "phone", "category": "safety", "compound": compound.pk,
            "complainant_name": "赵大妈", "complainant_phone": "13800001111", "content": "井盖破损",
        },
    )  # fmt: skip
    complaint = Complaint.objects.get()
    page = client_for("district").get(complaint.get_absolute_url()).content.decode()
    assert "赵*" in page and "138****1111" in page
    assert "赵大妈" not in page and "13800001111" not in page


def test_the_export_is_masked_as_the_page_and_audited(world, client_for):
    complaint_in(community=world.community_a, complainant_name="=HYPERLINK()")
    response = client_for("district").get(LIST, {"export": "xlsx"})
    rows = sheet_rows(response)
    assert rows[0][0] == "投诉编号"
    assert rows[1][8] == "139****5678"
    assert "13912345678" not in str(rows)
    assert AuditEntry.objects.filter(action="export", content_type__model="complaint").exists()


def test_every_column_of_the_export_is_headed_in_chinese(world, client_for):
    complaint_in(community=world.community_a)
    header = sheet_rows(client_for("clerk_a").get(LIST, {"export": "xlsx"}))[0]
    assert "逾期天数" in header
    assert not [title for title in header if title and title.isascii()]


def test_the_clerks_export_holds_the_full_phone_number(world, client_for):
    complaint_in(community=world.community_a)
    rows = sheet_rows(client_for("clerk_a").get(LIST, {"export": "xlsx"}))
    assert rows[1][7] == "李秀英" and rows[1][8] == "13912345678"


def test_the_statistics_count_by_street_and_category_for_district_staff(world, client_for):
    complaint_in(community=world.community_a, received_on=TODAY - datetime.timedelta(days=20))
    complaint_in(community=world.community_a, status=Complaint.Status.CLOSED)
    complaint_in(community=world.community_b, category=Complaint.Category.SAFETY)
    response = client_for("district").get(STATS, {"year": "", "date_from": "", "date_to": ""})
    stats = response.context["stats"]
    rows = {row.name: row for row in stats.rows}
    assert rows["车站街道"].total == 2 and rows["车站街道"].overdue == 1
    assert rows["公园街道"].by_category == {"safety": 1}
    assert stats.total.total == 3
    assert rows["车站街道"].satisfaction_rate == 100.0
    assert rows["车站街道"].on_time_rate == 50.0  # one answered on time, one overdue
    assert "投诉统计" in response.content.decode()


def test_a_clerks_statistics_hold_only_their_street(world, client_for):
    complaint_in(community=world.community_a)
    complaint_in(community=world.community_b)
    stats = client_for("clerk_a").get(STATS).context["stats"]
    assert [row.name for row in stats.rows] == ["车站街道"] and stats.total.total == 1


def test_the_statistics_cover_the_chosen_period(world, client_for):
    complaint_in(community=world.community_a, received_on=datetime.date(TODAY.year - 1, 6, 1))
    complaint_in(community=world.community_a)
    client = client_for("city")
    assert client.get(STATS).context["stats"].total.total == 1  # this year
    assert client.get(STATS, {"year": str(TODAY.year - 1)}).context["stats"].total.total == 1
    every = client.get(STATS, {"year": "", "date_from": f"{TODAY.year - 1}-01-01"})
    assert every.context["stats"].total.total == 2


def test_the_statistics_export_to_xlsx(world, client_for):
    complaint_in(community=world.community_a)
    rows = sheet_rows(client_for("city").get(STATS, {"export": "xlsx"}))
    assert rows[0][0] == "区县" and rows[0][-1] == "满意率"
    assert rows[-1][0] == "合计"


def test_the_home_page_counts_the_overdue_complaints_of_the_users_area(world, client_for):
    complaint_in(community=world.community_a, received_on=TODAY - datetime.timedelta(days=30))
    complaint_in(community=world.community_a)
    assert client_for("clerk_a").get(reverse("reports:home")).context["overdue_complaints"] == 1
    assert client_for("clerk_b").get(reverse("reports:home")).context["overdue_complaints"] == 0
    assert "overdue_complaints" not in client_for("finance").get(reverse("reports:home")).context
