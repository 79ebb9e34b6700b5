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
