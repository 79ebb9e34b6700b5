"""Stored files on a real S3 store (SeaweedFS): what an upload writes is in the bucket, a download
is permission-checked before anything leaves, a presigned URL is signed and expires, and the files
of a rolled-back upload are swept from the bucket."""

import datetime
import time
import urllib.error
import urllib.request
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from projects.archive.services import attachment_upload, attachments_sweep_orphans
from projects.models import Attachment
from tests.factories import PDF_BYTES, attachment_in, compound_in, project_in
from tests.object_store import S3_BACKEND

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


@pytest.fixture
def project(world):
    return project_in(compound_in(world.community_a), stage="construction", contractor="淄博城市建设集团")


def fetch(url):
    """GET from the bucket as a browser would: no keys, only what the URL carries."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_an_upload_through_the_page_lands_in_the_bucket_and_streams_back(
    world, client_for, project, s3_media, object_store
):
    response = client_for("clerk_a").post(
        reverse("projects:attachment_add", args=[project.pk]),
        {"kind": "drawings", "file": SimpleUploadedFile("施工图.pdf", PDF_BYTES), "description": "总平面图"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert object_store.keys(s3_media.location + "/") == [f"{s3_media.location}/{attachment.file.name}"]

    response = client_for("leader").get(attachment.get_download_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E6%96%BD%E5%B7%A5%E5%9B%BE.pdf"
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert client_for("clerk_b").get(attachment.get_download_url()).status_code == 404


def test_the_bucket_refuses_a_request_without_a_signature(world, project, s3_media, object_store):
    attachment = attachment_in(project, world["clerk_a"])
    status, _headers, _body = fetch(
        f"{object_store.endpoint_url}/{object_store.bucket}/{s3_media.location}/{attachment.file.name}"
    )
    assert status == 403


def test_a_redirect_to_the_bucket_comes_only_after_the_permission_check(
    world, client_for, project, s3_media, object_store, settings
):
    settings.FILES_DELIVERY = "redirect"
    attachment = attachment_in(project, world["clerk_a"], name="施工图.pdf")
    url = attachment.get_download_url()
    assert client_for("clerk_b").get(url).status_code == 404  # outside the clerk's street
    assert client_for("anonymous").get(url)["Location"].startswith("/accounts/login/")

    response = client_for("clerk_a").get(url)
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert location.startswith(
        f"{object_store.endpoint_url}/{object_store.bucket}/{s3_media.location}/projects/"
    )
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
    status, headers, body = fetch(location)
    assert status == 200 and body == PDF_BYTES
    assert headers["Content-Disposition"] == "attachment; filename*=utf-8''%E6%96%BD%E5%B7%A5%E5%9B%BE.pdf"
    assert headers["Content-Type"] == "application/pdf"

    tampered = location.replace("X-Amz-Expires=60", "X-Amz-Expires=86400")
    assert fetch(tampered)[0] == 403


def test_a_presigned_url_expires(world, client_for, project, s3_media, settings):
    settings.FILES_DELIVERY = "redirect"
    backend = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": {**backend["OPTIONS"], "querystring_expire": 1}},
    }
    attachment = attachment_in(project, world["clerk_a"])
    location = client_for("clerk_a").get(attachment.get_download_url())["Location"]
    time.sleep(2.5)
    assert fetch(location)[0] == 403


def test_photos_shown_on_a_page_stream_even_when_downloads_redirect(
    world, client_for, project, s3_media, settings
):
    settings.FILES_DELIVERY = "redirect"
    photo = attachment_in(project, world["clerk_a"], kind="photo", name="现场.jpg", content=JPEG_BYTES)
    response = client_for("clerk_a").get(photo.get_download_url() + "?inline=1")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == JPEG_BYTES


def test_the_file_of_a_rolled_back_upload_is_swept_from_the_bucket(world, project, s3_media, object_store):
    kept = attachment_in(project, world["clerk_a"])
    with pytest.raises(RuntimeError), transaction.atomic():
        attachment_upload(
            actor=world["clerk_a"], project=project, upload=SimpleUploadedFile("改造方案.pdf", PDF_BYTES),
            kind="plan",
        )  # fmt: skip
        raise RuntimeError("the enclosing transaction fails after the file is stored")
    prefix = f"{s3_media.location}/projects/"
    assert len(object_store.keys(prefix)) == 2  # the rollback left the file behind

    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)
    with mock.patch("core.files.timezone.now", return_value=later):
        swept = attachments_sweep_orphans()
    assert len(swept) == 1 and swept[0] != kept.file.name
    assert object_store.keys(prefix) == [f"{s3_media.location}/{kept.file.name}"]


def test_a_pdf_opened_in_the_tab_streams_even_when_downloads_redirect(
    world, client_for, project, s3_media, settings
):
    # In the tab the bucket's address would stay after its signature expired: a reload would show
    # the bucket's English error page with the file's key.
    settings.FILES_DELIVERY = "redirect"
    pdf = attachment_in(project, world["clerk_a"], name="施工合同.pdf", content=b"%PDF-1.4 inline")
    response = client_for("clerk_a").get(pdf.get_download_url() + "?inline=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 inline"
