"""Each kind renders a real PDF whose text carries the number, title, issuer, date and the facts it
is about; rendering is idempotent (a stored notice is skipped)."""

import datetime
import subprocess

import pytest

from core.models import Job
from reports.models import Notice
from reports.notices import rendering
from reports.notices.services import notice_issue
from reports.notices.standard import (
    ACCEPTANCE,
    APPROVAL,
    CONSTRUCTION,
    DISBURSEMENT,
    PUBLICITY,
    public_url_for,
)

ON = datetime.date(2026, 11, 29)


def pdf_text(notice):
    notice.refresh_from_db()
    assert notice.is_rendered
    with notice.file.open("rb") as file:
        data = file.read()
    assert data.startswith(b"%PDF")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())  # CJK text may be spaced out by the layout


@pytest.fixture
def issued(world, eager_tasks, django_capture_on_commit_callbacks):
    """issued(kind, subject, issuer) → the notice, its render job run to its end in-process."""

    def issue(kind, subject, issuer, persona="city"):
        with django_capture_on_commit_callbacks(execute=True):
            notice = notice_issue(
                kind=kind, subject=subject, issuer=issuer, user=world[persona], issued_on=ON
            )
        notice.job.refresh_from_db()
        assert notice.job.status == Job.Status.SUCCEEDED, notice.job.message
        return notice

    return issue


def assert_official(text, notice, issuer):
    for expected in (notice.number, notice.title, issuer.header, issuer.signature, "2026年11月29日", "—1—"):
        assert "".join(expected.split()) in text, expected


def test_a_publicity_notice_prints_the_plan_and_its_money_and_no_qr_code_without_a_public_page(
    needs_poppler, issued, payment, building, issuers
):
    assert public_url_for(building) is None
    notice = issued(PUBLICITY, building, issuers["city"])
    text = pdf_text(notice)
    assert_official(text, notice, issuers["city"])
    for fact in (
        "华光路小区（华光路12号）",
        "雨污分流改造850米",
        "加装电梯2部",
        "市级财政资金",
        "100.00",
        "2026年4月1日至2026年10月31日",
    ):
        assert fact in text, fact
    assert "二维码" not in text


def test_a_construction_notice_prints_contractor_supervisor_period_and_safety_notes(
    needs_poppler, issued, building, issuers
):
    notice = issued(CONSTRUCTION, building, issuers["district"], persona="district")
    text = pdf_text(notice)
    assert_official(text, notice, issuers["district"])
    for fact in ("淄博建工集团有限公司", "山东正信监理有限公司", "安全提示", "华光路小区居民朋友们："):
        assert fact in text, fact


def test_an_approval_prints_the_approval_date_body_and_document_number(
    needs_poppler, issued, approved, issuers
):
    notice = issued(APPROVAL, approved, issuers["city"])
    text = pdf_text(notice)
    assert_official(text, notice, issuers["city"])
    for fact in ("2026年3月15日", "淄建发〔2026〕7号", "此复", "张店区车站街道办事处："):
        assert fact in text, fact


def test_an_acceptance_opinion_prints_the_acceptance_date(needs_poppler, issued, accepted, issuers):
    notice = issued(ACCEPTANCE, accepted, issuers["city"])
    text = pdf_text(notice)
    assert_official(text, notice, issuers["city"])
    assert "2026年10月8日" in text and "同意通过竣工验收" in text


def test_a_disbursement_notice_prints_the_amount_in_wan_and_in_words_and_the_voucher(
    needs_poppler, issued, payment, issuers
):
    notice = issued(DISBURSEMENT, payment, issuers["finance"])
    text = pdf_text(notice)
    assert_official(text, notice, issuers["finance"])
    for fact in ("40.50万元", "肆拾万伍仟元整", "记-2026-0001", "淄博建工集团有限公司", "首期工程款"):
        assert fact in text, fact


def test_rendering_twice_keeps_one_file(world, building, issuers, monkeypatch):
    notice = notice_issue(
        kind=CONSTRUCTION, subject=building, issuer=issuers["city"], user=world["city"], render=False
    )
    monkeypatch.setattr(rendering, "notice_pdf", lambda notice: b"%PDF-1.7 test")
    assert rendering.run_item(None, str(notice.pk)) == "rendered"
    first = Notice.objects.get(pk=notice.pk)
    assert rendering.run_item(None, str(notice.pk)) == "skipped"
    assert Notice.objects.get(pk=notice.pk).file.name == first.file.name


def test_the_notice_keeps_what_it_printed_when_the_project_changes(world, building, issuers):
    notice = notice_issue(
        kind=CONSTRUCTION, subject=building, issuer=issuers["city"], user=world["city"], render=False
    )
    building.contractor = "另一家施工单位"
    building.save()
    assert Notice.objects.get(pk=notice.pk).context["contractor"] == "淄博建工集团有限公司"


def test_a_batch_is_rendered_by_one_job_shared_out_in_items(
    world, issuers, eager_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    from core.models import JobItem
    from reports.notices.services import notices_issue_batch
    from tests.factories import compound_in, project_in

    monkeypatch.setattr(rendering, "notice_pdf", lambda notice: b"%PDF-1.7 " + notice.number.encode())
    projects = [project_in(compound_in(world.community_a), stage="construction") for _ in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        job = notices_issue_batch(
            kind=CONSTRUCTION, subjects=projects, issuer=issuers["city"], user=world["city"]
        )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result == {"total": 12, "done": 12, "failed": 0}
    assert JobItem.objects.filter(job=job, status="done").count() == 12
    notices = Notice.objects.filter(job=job).order_by("sequence")
    assert all(n.is_rendered for n in notices)
    with notices[11].file.open("rb") as file:
        assert file.read() == "%PDF-1.7 淄建〔2026〕12号".encode()


def test_a_failed_rendering_keeps_the_number_and_the_job_names_the_notice(
    world, building, issuers, eager_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    from core.pdf import PdfTimeout

    def stuck(notice):
        raise PdfTimeout("PDF rendering took longer than 60 s")

    monkeypatch.setattr(rendering, "notice_pdf", stuck)
    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_issue(
            kind=CONSTRUCTION, subject=building, issuer=issuers["city"], user=world["city"], issued_on=ON
        )
    notice.job.refresh_from_db()
    assert notice.job.status == Job.Status.FAILED
    assert "淄建〔2026〕1号" in notice.job.message
    assert (
        Notice.objects.get(pk=notice.pk).number == "淄建〔2026〕1号"
        and not Notice.objects.get(pk=notice.pk).is_rendered
    )


def test_a_voided_notice_is_printed_again_with_void_across_it_and_the_old_file_goes(
    needs_poppler, world, issued, building, issuers, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from reports.notices.services import notice_void

    notice = issued(CONSTRUCTION, building, issuers["city"])
    notice.refresh_from_db()
    old = notice.file.name
    assert "作废" not in pdf_text(notice)
    with django_capture_on_commit_callbacks(execute=True):
        notice_void(notice=notice, user=world["city"], reason="施工单位名称有误")
    notice.refresh_from_db()
    text = pdf_text(notice)
    assert "本件已于" in text and "作废，作废原因：施工单位名称有误" in text and notice.number in text
    assert notice.file.name != old and not default_storage.exists(old)


def test_a_publicity_notice_prints_the_projects_public_address_once_there_is_one(
    needs_poppler, world, building, issuers, monkeypatch
):
    from reports.notices import standard

    monkeypatch.setattr(
        standard, "public_url_for", lambda project: f"https://gaizao.zibo.gov.cn/p/{project.pk}"
    )
    notice = notice_issue(
        kind=PUBLICITY, subject=building, issuer=issuers["city"], user=world["city"], render=False
    )
    rendering.run_item(None, str(notice.pk))
    assert f"项目详情：https://gaizao.zibo.gov.cn/p/{building.pk}" in pdf_text(notice)
