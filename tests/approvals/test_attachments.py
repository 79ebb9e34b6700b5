"""Files sent with a request: checked before anything is written, saved with the submission or not
at all, kept from round to round unless removed or replaced, compared between the last two rounds,
and downloaded only by those who may read the request."""

import datetime
import hashlib
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from approvals import services
from approvals.attachments import attachments_sweep_orphans
from approvals.models import ApprovalRequest, Flow, RequestAttachment
from approvals.selectors import attachment_changes, attachment_rounds
from approvals.services import request_resubmit, request_return
from core import files
from core.models import AuditEntry

from .conftest import at, fresh

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name, text="第一版"):
    return SimpleUploadedFile(name, PDF + text.encode(), content_type="application/pdf")


def stored_files():
    return {name for name, _modified in files.stored_files(default_storage, "approvals")}


def send(world, files=(), subject=None):
    return services.request_submit(
        subject=subject or world.community_a,
        flow_code=Flow.Code.PROJECT_APPROVAL,
        actor=world["district"],
        comment="请审核",
        attachments=files,
    )


def returned(world, files=()):
    """A request sent with ``files`` and returned by the street office."""
    request = send(world, files)
    request_return(request=request, actor=world["clerk_a"], reason="方案缺少图纸", **at(request))
    return fresh(request)


def names(rows):
    return sorted(row.filename for row in rows)


# --- Submitting with files -------------------------------------------------------------------------


def test_files_sent_with_a_submission_keep_their_name_size_and_checksum(world, flow):
    plan = pdf("改造方案.pdf")
    request = send(world, [plan, pdf("现场照片说明.pdf", "照片")])
    rows = list(RequestAttachment.objects.filter(request=request).order_by("filename"))
    assert names(rows) == ["改造方案.pdf", "现场照片说明.pdf"]
    first = rows[0]
    content = PDF + "第一版".encode()
    assert (first.size, first.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert (first.round, first.removed_in_round, first.uploaded_by) == (1, None, world["district"])
    assert first.step.action == "submit" and first.step.request_id == request.pk
    assert first.file.name.startswith(f"approvals/{request.pk}/") and "改造" not in first.file.name
    with first.file.open("rb") as stored:
        assert stored.read() == content


def test_a_refused_file_saves_neither_the_request_nor_any_file(world, flow):
    before = stored_files()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        send(world, [pdf("改造方案.pdf"), SimpleUploadedFile("程序.exe", b"MZ\x90\x00")])
    assert "“程序.exe”: files of this type are not accepted" in " ".join(error.value.messages)
    assert error.value.error_dict.keys() == {"attachments"}
    assert not ApprovalRequest.objects.filter(object_id=str(world.community_a.pk)).exists()
    assert stored_files() == before


def test_a_file_whose_content_is_not_its_type_is_refused(world, flow):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        send(world, [SimpleUploadedFile("图纸.pdf", b"PK\x03\x04 not a pdf")])
    assert "does not look like a .pdf file" in " ".join(error.value.messages)


def test_two_files_of_the_same_name_are_refused(world, flow):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        send(world, [pdf("方案.pdf"), pdf("方案.pdf", "另一份")])
    assert "Two files are named “方案.pdf”" in " ".join(error.value.messages)
    assert not RequestAttachment.objects.exists()


def test_a_submission_that_fails_after_its_files_were_stored_leaves_no_file(world, flow, monkeypatch):
    before = stored_files()

    def broken_save(*args, **kwargs):
        raise ValidationError("审计失败")

    monkeypatch.setattr(services, "_save", broken_save)
    with pytest.raises(ValidationError):
        send(world, [pdf("改造方案.pdf")])
    assert not ApprovalRequest.objects.filter(object_id=str(world.community_a.pk)).exists()
    assert not RequestAttachment.objects.exists()
    assert stored_files() == before


def test_a_folder_in_the_file_name_is_dropped(world, flow):
    request = send(world, [pdf("../../etc/改造方案.pdf")])
    assert names(request.attachments.all()) == ["改造方案.pdf"]


def test_the_audit_entry_names_the_files_sent(world, flow):
    request = send(world, [pdf("改造方案.pdf")])
    entry = AuditEntry.objects.filter(object_id=str(request.pk)).latest("id")
    assert entry.changes["files_added"] == ["改造方案.pdf"]


# --- Resubmitting: what stays, what changes ----------------------------------------------------


def test_a_resubmission_without_files_keeps_the_last_rounds(world, flow):
    request = returned(world, [pdf("改造方案.pdf")])
    request_resubmit(request=request, actor=world["district"], comment="已补充")
    request = fresh(request)
    assert [(n, names(files)) for n, files in attachment_rounds(request)] == [
        (2, ["改造方案.pdf"]),
        (1, ["改造方案.pdf"]),
    ]
    assert attachment_changes(request) == []


def test_the_reviewer_sees_files_added_removed_and_replaced_since_the_last_round(world, flow):
    request = returned(world, [pdf("改造方案.pdf"), pdf("旧图纸.pdf", "旧"), pdf("承诺书.pdf", "承诺")])
    old_plan, old_drawing = (request.attachments.get(filename=n) for n in ("改造方案.pdf", "旧图纸.pdf"))
    request_resubmit(
        request=request,
        actor=world["district"],
        comment="按意见修改",
        attachments=[pdf("改造方案.pdf", "第二版"), pdf("施工图.pdf", "新图"), pdf("承诺书.pdf", "承诺")],
        remove=[old_drawing],
    )
    request = fresh(request)
    changes = [(c.kind, c.name, c.before, c.after) for c in attachment_changes(request)]
    new_plan = request.attachments.get(filename="改造方案.pdf", round=2)
    new_drawing = request.attachments.get(filename="施工图.pdf")
    assert changes == [
        ("added", "施工图.pdf", None, new_drawing),
        ("replaced", "改造方案.pdf", old_plan, new_plan),
        ("removed", "旧图纸.pdf", old_drawing, None),
    ]
    # The same commitment again is no change: the first upload stays in force.
    assert request.attachments.filter(filename="承诺书.pdf").count() == 1
    rounds = dict(attachment_rounds(request))
    assert names(rounds[2]) == ["承诺书.pdf", "改造方案.pdf", "施工图.pdf"]
    assert names(rounds[1]) == ["承诺书.pdf", "改造方案.pdf", "旧图纸.pdf"]
    assert [row.is_new for row in rounds[2]] == [False, True, True]
    old_plan.refresh_from_db()
    assert old_plan.removed_in_round == 2
    entry = AuditEntry.objects.filter(object_id=str(request.pk)).latest("id")
    assert entry.changes["files_added"] == ["改造方案.pdf", "施工图.pdf"]
    assert entry.changes["files_removed"] == ["改造方案.pdf", "旧图纸.pdf"]


def test_the_changes_compare_only_the_last_two_rounds(world, flow):
    request = returned(world, [pdf("改造方案.pdf")])
    request_resubmit(request=request, actor=world["district"], attachments=[pdf("图纸.pdf")])
    request_return(request=request, actor=world["clerk_a"], reason="仍需修改", **at(request))
    request_resubmit(request=fresh(request), actor=world["district"], attachments=[pdf("预算.pdf")])
    changes = attachment_changes(fresh(request))
    assert [(c.kind, c.name) for c in changes] == [("added", "预算.pdf")]


def test_a_removed_file_may_come_back_under_its_name(world, flow):
    request = returned(world, [pdf("改造方案.pdf")])
    plan = request.attachments.get()
    request_resubmit(request=request, actor=world["district"], remove=[plan.pk])
    assert [(c.kind, c.name) for c in attachment_changes(fresh(request))] == [("removed", "改造方案.pdf")]
    request_return(request=request, actor=world["clerk_a"], reason="缺方案", **at(request))
    request_resubmit(request=fresh(request), actor=world["district"], attachments=[pdf("改造方案.pdf", "新")])
    assert [(c.kind, c.name) for c in attachment_changes(fresh(request))] == [("added", "改造方案.pdf")]


def test_removing_a_file_of_another_request_is_refused_and_changes_nothing(world, flow):
    request = returned(world, [pdf("改造方案.pdf")])
    other = send(world, [pdf("别家方案.pdf")], subject=world.community_b)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        request_resubmit(request=request, actor=world["district"], remove=[other.attachments.get()])
    assert "not among this request's files" in " ".join(error.value.messages)
    request = fresh(request)
    assert (request.state, request.round) == ("returned", 1)
    assert other.attachments.get().removed_in_round is None


def test_a_refused_file_on_resubmission_changes_nothing(world, flow):
    request = returned(world, [pdf("改造方案.pdf")])
    before = stored_files()
    with pytest.raises(ValidationError):
        request_resubmit(
            request=request, actor=world["district"], attachments=[SimpleUploadedFile("空.pdf", b"")]
        )
    request = fresh(request)
    assert (request.state, request.round, request.attachments.count()) == ("returned", 1, 1)
    assert stored_files() == before


# --- The request's page --------------------------------------------------------------------------


def page(request):
    return reverse("approvals:request_detail", args=[request.pk])


def test_the_page_lists_each_rounds_files_with_download_links(world, flow, client_for):
    request = send(world, [pdf("改造方案.pdf")])
    html = client_for("clerk_a").get(page(request)).content.decode()
    attachment = request.attachments.get()
    assert 'id="attachments"' in html and "改造方案.pdf" in html
    assert attachment.get_download_url() in html


def test_the_submitter_resubmits_with_files_and_the_reviewer_sees_what_changed(world, flow, client_for):
    request = returned(world, [pdf("改造方案.pdf"), pdf("旧图纸.pdf", "旧")])
    drawing = request.attachments.get(filename="旧图纸.pdf")
    client = client_for("district")
    html = client.get(page(request)).content.decode()
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html and "multiple" in html
    assert f'value="{drawing.pk}"' in html  # the box to tick to remove it
    response = client.post(
        reverse("approvals:request_resubmit", args=[request.pk]),
        {"opinion": "已按意见修改", "attachments": [pdf("改造方案.pdf", "第二版"), pdf("施工图.pdf")],
         "remove": [drawing.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    request = fresh(request)
    assert (request.state, request.round) == ("pending", 2)
    html = client_for("clerk_a").get(page(request)).content.decode()
    changes = html[html.index('id="file-changes"') :]
    changes = changes[: changes.index("</table>")]
    assert "施工图.pdf" in changes and "新增" in changes
    assert "旧图纸.pdf" in changes and "删除" in changes
    assert "改造方案.pdf" in changes and "替换" in changes
    assert "本轮新增" in html


def test_a_refused_file_is_shown_on_the_resubmit_form(world, flow, client_for):
    request = returned(world, [pdf("改造方案.pdf")])
    response = client_for("district").post(
        reverse("approvals:request_resubmit", args=[request.pk]),
        {"opinion": "改好了", "attachments": [SimpleUploadedFile("宏.xlsm", b"PK\x03\x04")]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "宏.xlsm" in html and "不接受此类型的文件" in html
    assert fresh(request).state == "returned"


# --- Downloading ---------------------------------------------------------------------------------


def test_a_reader_of_the_request_downloads_its_file_and_nobody_else_learns_it_exists(world, flow, client_for):
    request = send(world, [pdf("改造方案.pdf")])
    url = request.attachments.get().get_download_url()
    for persona in ("clerk_a", "district", "city", "finance", "auditor"):
        response = client_for(persona).get(url)
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content) == PDF + "第一版".encode()
        assert "attachment" in response["Content-Disposition"]
        assert "%E6%94%B9%E9%80%A0%E6%96%B9%E6%A1%88.pdf" in response["Content-Disposition"]
    assert client_for("clerk_b").get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 302


# --- Files left behind ---------------------------------------------------------------------------


def test_the_sweep_deletes_only_old_files_no_attachment_refers_to(world, flow, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # none of the other tests' files
    request = send(world, [pdf("改造方案.pdf")])
    kept = request.attachments.get().file.name
    orphan = default_storage.save(f"approvals/{request.pk}/orphan.pdf", ContentFile(PDF))
    # A file's time cannot be set back on a bucket: the sweep is asked for files older than a
    # moment, which the first ones are and the one stored after the pause is not (an S3 time
    # is kept to the second).
    time.sleep(2.5)
    fresh_orphan = default_storage.save(f"approvals/{request.pk}/in-flight.pdf", ContentFile(PDF))
    assert attachments_sweep_orphans(older_than=datetime.timedelta(seconds=1.5)) == [orphan]
    assert default_storage.exists(kept) and default_storage.exists(fresh_orphan)
    assert not default_storage.exists(orphan)


def test_the_nightly_task_sweeps_them_and_is_scheduled(world, flow, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from approvals.tasks import sweep_orphan_attachments

    request = send(world, [pdf("改造方案.pdf")])
    orphan = default_storage.save(f"approvals/{request.pk}/orphan.pdf", ContentFile(PDF))
    # Two days on, the file left behind is old enough to go.
    later = timezone.now() + datetime.timedelta(days=2)
    with mock.patch("core.files.timezone.now", return_value=later):
        assert sweep_orphan_attachments() == 1
    assert not default_storage.exists(orphan) and default_storage.exists(request.attachments.get().file.name)
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "approvals.tasks.sweep_orphan_attachments" in tasks
