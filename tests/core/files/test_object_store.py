"""The test object store is a real S3 server: what the storage API writes is in the bucket."""

from django.core.files.base import ContentFile


def test_a_file_saved_through_the_storage_api_lands_in_the_bucket(s3_media, object_store):
    name = s3_media.save("probe/对账.txt", ContentFile("一行".encode()))
    key = f"{s3_media.location}/{name}"
    assert object_store.keys(s3_media.location + "/") == [key]
    body = object_store.client().get_object(Bucket=object_store.bucket, Key=key)["Body"].read()
    assert body.decode() == "一行"
    with s3_media.open(name) as handle:
        assert handle.read().decode() == "一行"


def test_the_self_check_proves_the_bucket_answers(db, s3_media, django_capture_on_commit_callbacks, settings):
    from config.celery import app as celery_app
    from core.jobs import job_start
    from core.models import Job
    from core.selfcheck import describe

    settings.JOBS_IN_THREAD = False
    previous, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind="selfcheck", user=None)
    finally:
        celery_app.conf.task_always_eager = previous
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert (job.result["storage"], job.result["storage_works"]) == ("s3", True)
    assert ("文件存储", "对象存储（S3）") in [(str(a), str(b)) for a, b in describe(job.result)]
    assert not list(s3_media.listdir("selfcheck")[1])  # its probe file is gone
