"""The printable approval form (审批表): a PDF with the request's subject, flow and submitter, every
stage with its organisations, opinions, names and dates (and what a stage recorded), to whoever
may read the request; 404 to anyone else."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from approvals.models import Record, Stage
from approvals.services import request_approve, request_resubmit, request_return, request_submit
from org.models import Organisation
from org.roles import STREET_CLERK

from .conftest import at, fresh, make_flow

K = Organisation.Kind
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STAGES = [
    {"name": "街道审核", "actors": [K.STREET_OFFICE], "role": STREET_CLERK},
    {"name": "联合审查", "actors": [K.CITY_BUREAU, K.FINANCE], "mode": Stage.Mode.ALL},
    {"name": "市住建局批复", "actors": [K.CITY_BUREAU], "record": Record.DOCUMENT_NUMBER},
]


@pytest.fixture
def acceptance_flow(world, subject_registered):
    return make_flow(world.city, STAGES)


def form_url(request):
    return reverse("approvals:request_form_pdf", args=[request.pk])


def text_of(response, tmp_path):
    path = tmp_path / "form.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return "".join(text.split())  # a cell's text wraps onto several lines


@pytest.fixture
def decided(world, acceptance_flow):
    """A request returned once by the street office, resubmitted with a file, approved there and by
    the city housing bureau in the joint review; the finance bureau is still awaited."""
    request = request_submit(
        subject=world.community_a,
        flow_code="project_approval",
        actor=world["district"],
        comment="请予审核",
        attachments=[SimpleUploadedFile("改造方案.pdf", PDF)],
    )
    request_return(request=request, actor=world["clerk_a"], reason="请补充施工图", **at(request))
    request_resubmit(
        request=fresh(request),
        actor=world["district"],
        comment="已补充施工图",
        attachments=[SimpleUploadedFile("施工图.pdf", PDF + b"2")],
    )
    request_approve(request=request, actor=world["clerk_a"], opinion="同意上报", **at(request))
    request_approve(request=request, actor=world["city"], opinion="方案可行", **at(request))
    return fresh(request)


def test_the_form_prints_every_stage_with_its_opinion_name_and_date(
    world, decided, client_for, tmp_path, needs_poppler
):
    response = client_for("finance").get(form_url(decided))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    text = text_of(response, tmp_path)
    for expected in (
        "淄博市",
        "测试流程审批表",
        "行政区划：华光路社区",
        "张店区住房和城乡建设局",  # the submitting organisation
        "审批中（联合审查，第2轮）",
        "改造方案.pdf",
        "施工图.pdf",
        "街道审核",
        "张店区车站街道办事处",
        "请补充施工图",
        "退回修改",
        "同意上报",
        "张丽",  # the street clerk's name, family name first
        "方案可行",
        "淄博市财政局",
        "待审",
        "市住建局批复",
        "未开始",
        "已补充施工图",
        "重新提交",
        timezone.localtime(decided.submitted_at).strftime("%Y-%m-%d"),  # Asia/Shanghai, as printed
    ):
        assert expected in text, expected


def test_the_form_prints_the_approval_document_number(world, decided, needs_poppler, client_for, tmp_path):
    request_approve(request=decided, actor=world["finance"], opinion="资金来源落实", **at(decided))
    request_approve(
        request=decided, actor=world["city"], opinion="同意实施", record="淄建改批〔2026〕12号", **at(decided)
    )
    text = text_of(client_for("clerk_a").get(form_url(decided)), tmp_path)
    assert "批复文号：淄建改批〔2026〕12号" in text
    assert "已通过" in text and "办结日期" in text


def test_the_form_is_chinese_with_an_embedded_cjk_font(decided, client_for, tmp_path, needs_poppler):
    path = tmp_path / "form.pdf"
    path.write_bytes(b"".join(client_for("district").get(form_url(decided)).streaming_content))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts


def test_the_form_is_404_outside_the_requests_area(decided, client_for):
    assert client_for("clerk_b").get(form_url(decided)).status_code == 404
    assert client_for("anonymous").get(form_url(decided)).status_code == 302


def test_the_request_page_links_to_the_form(decided, client_for):
    html = client_for("leader").get(decided.get_absolute_url()).content.decode()
    assert form_url(decided) in html and "打印审批表" in html


def test_a_form_that_cannot_be_made_sends_the_reader_back_with_a_message(decided, client_for, monkeypatch):
    from approvals import views
    from core.pdf import PdfTimeout

    def too_slow(*args, **kwargs):
        raise PdfTimeout("took too long")

    monkeypatch.setattr(views, "approval_form_pdf", too_slow)
    response = client_for("city").get(form_url(decided), follow=True)
    assert response.redirect_chain[-1][0] == decided.get_absolute_url()
    assert "审批表暂时无法生成" in response.content.decode()
