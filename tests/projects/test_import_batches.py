"""An import batch that fails on the way (not a wrong row: an error of the portal) is marked failed,
saves nothing, and can be checked again; its rows, status and audit entry commit together."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import imports, jobs
from core.audit import history_for
from core.importing import importer_for
from core.models import AuditEntry, ImportBatch, Job
from projects.models import Compound
from tests.projects.conftest import compound_row


@pytest.fixture
def broken_plan(monkeypatch):
    """A fault injected into the compound importer's check, as a bug or a lost connection would."""
    importer = importer_for("compounds")

    def plan(self, rows, report):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(importer, "plan", plan)
    return lambda: monkeypatch.undo()


def _upload(user, data, **kwargs):
    return imports.import_upload(
        actor=user, kind="compounds", uploaded=SimpleUploadedFile("小区.xlsx", data), **kwargs
    )


def test_a_check_that_fails_leaves_the_batch_failed_and_a_retry_checks_it_again(world, xlsx, broken_plan):
    batch = _upload(world["clerk_a"], xlsx(compound_row("F-1")))
    assert batch.status == ImportBatch.Status.FAILED and batch.can_retry
    assert "try again" in batch.errors[0]["message"] or "重试" in batch.errors[0]["message"]

    broken_plan()  # the fault is gone
    batch = imports.import_retry(actor=world["clerk_a"], batch=batch)
    assert batch.status == ImportBatch.Status.CHECKED and batch.can_commit
    assert batch.summary["new"] == 1


def test_a_commit_job_that_fails_saves_nothing_and_fails_both_job_and_batch(
    world, xlsx, monkeypatch, django_capture_on_commit_callbacks
):
    user = world["clerk_a"]
    batch = _upload(user, xlsx(compound_row("F-1"), compound_row("F-2", name="第二小区")))
    importer = importer_for("compounds")
    real_save = importer.save

    def save_then_fail(self, plan, report):
        real_save(self, plan, report)
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "save", save_then_fail)
    with django_capture_on_commit_callbacks(execute=False):
        batch = imports.import_commit(actor=user, batch=batch, background=True)
    jobs.job_run(job_id=batch.job_id)  # in this process, where the fault is

    batch.refresh_from_db()
    assert Job.objects.get(pk=batch.job_id).status == Job.Status.FAILED
    assert batch.status == ImportBatch.Status.FAILED
    assert not Compound.objects.exists()

    monkeypatch.undo()
    batch = imports.import_retry(actor=user, batch=batch)
    assert batch.can_commit
    batch = imports.import_commit(actor=user, batch=batch, background=False)
    assert batch.is_committed and Compound.objects.count() == 2


def test_rows_status_and_audit_entry_are_written_in_one_transaction(world, xlsx, monkeypatch):
    user = world["clerk_a"]
    batch = _upload(user, xlsx(compound_row("F-1")))

    def audit_fails(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(imports, "audit_record", audit_fails)
    batch = imports.import_commit(actor=user, batch=batch, background=False)
    assert batch.status == ImportBatch.Status.FAILED
    assert not Compound.objects.exists()  # the rows went back with the missing audit entry


def test_a_failed_batch_offers_to_check_again_on_its_page(world, xlsx, client_for, broken_plan):
    client = client_for("clerk_a")
    client.post(
        "/imports/compounds/new/", {"file": SimpleUploadedFile("小区.xlsx", xlsx(compound_row("F-1")))}
    )
    batch = ImportBatch.objects.get()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'id="import-failed"' in page and f"/imports/{batch.pk}/retry/" in page
    broken_plan()
    response = client.post(f"/imports/{batch.pk}/retry/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED


def test_another_user_cannot_retry_a_batch(world, xlsx, client_for, broken_plan):
    _upload(world["clerk_a"], xlsx(compound_row("F-1")))
    batch = ImportBatch.objects.get()
    assert client_for("clerk_b").post(f"/imports/{batch.pk}/retry/").status_code == 404


def test_the_command_line_goes_through_the_same_import_service(world, xlsx, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "c.xlsx"
    path.write_bytes(xlsx(compound_row("C-1")))
    call_command("import_data", "compounds", str(path), "--as", "clerk_a", "--commit")
    batch = ImportBatch.objects.get()
    assert batch.is_committed and batch.created_by == world["clerk_a"]
    entry = history_for(batch).get(action=AuditEntry.Action.IMPORT)
    assert entry.summary.startswith("c.xlsx")
