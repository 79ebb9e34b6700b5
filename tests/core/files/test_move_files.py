"""move_files copies an installation's files from MEDIA_ROOT into a real S3 bucket (SeaweedFS),
checks each by SHA-256, skips what is already there, and fails loudly when a copy is wrong."""

import io
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.core.management.base import CommandError
from storages.backends.s3 import S3Storage

from projects.models import Attachment
from tests.factories import compound_in, project_in

CONTENTS = {
    "plan.pdf": b"%PDF-1.4 plan",
    "photo.jpg": b"\xff\xd8\xff photo",
    "sheet.xlsx": b"PK\x03\x04 sheet",
}


@pytest.fixture
def old_installation(world, settings, tmp_path, s3_media):
    """Three archived files on the local disk of a city's installation, and their rows."""
    settings.MEDIA_ROOT = tmp_path / "old-media"
    disk = FileSystemStorage(location=settings.MEDIA_ROOT)
    project = project_in(compound_in(world.community_a))
    names = {}
    for filename, content in CONTENTS.items():
        name = disk.save(f"projects/{project.pk}/{filename}", ContentFile(content))
        Attachment.objects.create(
            project=project, kind="other", filename=filename, size=len(content), uploaded_by=world["clerk_a"],
            file=name,
        )  # fmt: skip
        names[name] = content
    return names


def move(*args):
    out = io.StringIO()
    call_command("move_files", *args, stdout=out)
    return out.getvalue()


def in_bucket(s3_media, object_store):
    client, found = object_store.client(), {}
    for key in object_store.keys(s3_media.location + "/"):
        found[key.removeprefix(s3_media.location + "/")] = client.get_object(
            Bucket=object_store.bucket, Key=key
        )["Body"].read()
    return found


def test_every_referenced_file_is_copied_into_the_bucket_and_a_second_run_copies_nothing(
    old_installation, s3_media, object_store
):
    output = move()
    assert "已复制 copied: 3" in output and "文件 files: 3" in output
    assert in_bucket(s3_media, object_store) == old_installation

    again = move()
    assert "目标已有且一致 already there: 3" in again and "copied" not in again


def test_a_run_resumes_and_replaces_a_copy_that_went_wrong(old_installation, s3_media, object_store):
    first, second, _third = sorted(old_installation)
    s3_media.save(first, ContentFile(old_installation[first]))  # an earlier run got this far
    s3_media.save(second, ContentFile(b"half a fi"))  # and was stopped while writing this one
    output = move()
    assert "已复制 copied: 1" in output and "目标已有且一致 already there: 1" in output
    assert "replaced" in output and in_bucket(s3_media, object_store) == old_installation


def test_a_dry_run_writes_nothing(old_installation, s3_media, object_store):
    output = move("--dry-run")
    assert "待复制 would copy: 3" in output and "Dry run" in output
    assert in_bucket(s3_media, object_store) == {}


def test_a_copy_that_does_not_match_fails_the_command(old_installation, s3_media):
    real_save = S3Storage._save

    def corrupting(storage, name, content):
        return real_save(storage, name, ContentFile(b"not what was sent"))

    out = io.StringIO()
    corrupt = mock.patch.object(S3Storage, "_save", autospec=True, side_effect=corrupting)
    with corrupt, pytest.raises(CommandError, match="did not match"):
        call_command("move_files", stdout=out)
    assert "校验不一致 checksum mismatch: 3" in out.getvalue()


def test_a_file_missing_at_both_ends_fails_the_command(old_installation, settings):
    FileSystemStorage(location=settings.MEDIA_ROOT).delete(sorted(old_installation)[0])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("move_files", stdout=out)
    assert "源与目标均缺失 missing at both: 1" in out.getvalue() and "已复制 copied: 2" in out.getvalue()


def test_the_source_and_the_destination_must_differ(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(CommandError, match="the same"):
        call_command("move_files", "--from", "filesystem", "--to", str(tmp_path), stdout=io.StringIO())
