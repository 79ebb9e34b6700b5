"""A notice rendered by its job is stored in the bucket (a real S3 store), and downloaded from it."""

from django.urls import reverse

from core.models import Job
from reports.notices.services import notice_issue

from .factories import construction_in, notice_issuers


def test_a_rendered_notice_lands_in_the_bucket_and_downloads_from_it(
    world, client_for, eager_tasks, django_capture_on_commit_callbacks, s3_media, object_store
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_issue(
            kind="construction", subject=construction_in(world.community_a), issuer=notice_issuers()["淄建"],
            user=world["city"],
        )  # fmt: skip
    notice.refresh_from_db()
    assert notice.job.status == Job.Status.SUCCEEDED, notice.job.message
    key = f"{s3_media.location}/{notice.file.name}"
    assert notice.file.name.startswith("notices/") and object_store.keys(s3_media.location + "/") == [key]
    stored = object_store.client().get_object(Bucket=object_store.bucket, Key=key)["Body"].read()
    assert stored.startswith(b"%PDF-")

    response = client_for("clerk_a").get(reverse("reports:notice_download", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("inline;")
    assert b"".join(response.streaming_content) == stored
