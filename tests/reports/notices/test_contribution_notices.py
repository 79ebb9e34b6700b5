"""居民出资通知书: one notice per household of a project, issued as a batch, each its own PDF and all
of them in one combined PDF, with the head's name masked for an issuer who may not read it."""

import datetime
import re
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import Notice
from reports.notices.contributions import KIND, combined_pdf
from reports.notices.rendering import notice_pdf
from reports.notices.services import notices_issue_batch
from residents.models import Contribution
from tests.factories import compound_in, project_in
from tests.residents.factories import household_in


def text_of(data):
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode())


@pytest.fixture
def project(world):
    compound = compound_in(world.community_a, name="华光路小区")
    project = project_in(compound, name="华光路小区改造")
    for name, due, paid in (("王建国", "1500", "0"), ("李秀英", "2000", "500")):
        household = household_in(compound, head_name=name)
        Contribution.objects.create(
            project=project, household=household, due=Decimal(due), paid=Decimal(paid),
            paid_on=datetime.date(2026, 5, 1) if paid != "0" else None, receipt_number="R-9" if paid != "0" else "",
            basis="单元楼 1,500 元/户，依据芒政办发〔2020〕28号",
        )  # fmt: skip
    household_in(compound, head_name="赵无欠")  # nothing due: no notice
    return project


def test_district_staff_issue_one_notice_per_household_with_the_names_masked(world, issuers, project):
    subjects = list(KIND.eligible(Contribution.objects.filter(project=project)).order_by("pk"))
    notices_issue_batch(kind=KIND, subjects=subjects, issuer=issuers["district"], user=world["district"])
    notices = list(Notice.objects.filter(kind="contribution").order_by("sequence"))
    assert [n.sequence for n in notices] == [1, 2]
    assert notices[0].addressee.startswith("华光路小区") and "王" not in notices[0].addressee
    text = text_of(notice_pdf(notices[0]))
    assert "居民出资通知书" in text and "1,500元" in text and "壹仟伍佰元整" in text
    assert "王*" in text and "王建国" not in text
    assert "芒政办发〔2020〕28号" in text and "不众筹不改造" in text
    second = text_of(notice_pdf(notices[1]))
    assert "已缴纳500元" in second and "尚需缴纳1,500元" in second


def test_all_notices_of_a_project_print_as_one_pdf(world, issuers, project):
    subjects = list(KIND.eligible(Contribution.objects.filter(project=project)).order_by("pk"))
    notices_issue_batch(kind=KIND, subjects=subjects, issuer=issuers["district"], user=world["district"])
    text = text_of(combined_pdf(list(Notice.objects.filter(kind="contribution").order_by("sequence"))))
    assert text.count("居民出资通知书") == 2 and "王*" in text and "李*" in text


def test_the_batch_page_issues_notices_to_households_without_one(world, issuers, project, client_for):
    client = client_for("district")
    url = reverse("reports:contribution_notices", args=[project.pk])
    page = client.get(url).content.decode()
    assert "华光路小区" in page and 'id="contribution-notices-issue"' in page
    response = client.post(
        url, {"issuer": issuers["district"].pk, "contact": "王明 0533-1234567", "note": ""}
    )
    assert response.status_code == 302
    assert Notice.objects.filter(kind="contribution").count() == 2
    client.post(url, {"issuer": issuers["district"].pk, "contact": "", "note": ""})
    assert Notice.objects.filter(kind="contribution").count() == 2  # nobody left without one
    pdf = client_for("clerk_a").get(reverse("reports:contribution_notices_pdf", args=[project.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_each_notice_of_the_combined_pdf_numbers_its_pages_from_one(world, issuers, project):
    subjects = list(KIND.eligible(Contribution.objects.filter(project=project)).order_by("pk"))
    notices_issue_batch(kind=KIND, subjects=subjects, issuer=issuers["district"], user=world["district"])
    notices = list(Notice.objects.filter(kind="contribution").order_by("sequence"))
    single = text_of(notice_pdf(notices[0]))
    combined = text_of(combined_pdf(notices))
    assert combined.count("—1—") == 2 * single.count("—1—") == 2
