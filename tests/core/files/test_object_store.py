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


def test_the_status_page_says_where_files_are_without_the_keys(world, client_for, s3_media, settings):
    settings.FILES_DELIVERY = "redirect"
    page = client_for("sysadmin").get("/system/").content.decode()
    options = settings.STORAGES["default"]["OPTIONS"]
    assert f"S3 对象存储 {options['endpoint_url']}，存储桶 {options['bucket_name']}" in page
    assert "预签名地址" in page
    assert options["secret_key"] not in page


def test_the_status_page_names_the_local_folder_on_one_host(world, client_for, settings):
    page = client_for("sysadmin").get("/system/").content.decode()
    assert f"本机目录 {settings.MEDIA_ROOT}（仅限单台服务器）" in page
