"""The import pages: upload, findings, commit, the marked-up workbook; large files as a job."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from core.models import ImportBatch, Job
from projects.models import Compound
from tests.projects.conftest import compound_row


def upload(client, data, name="小区.xlsx"):
    return client.post("/imports/compounds/new/", {"file": SimpleUploadedFile(name, data)})


def test_upload_shows_the_findings_and_commit_saves_the_file(world, client_for, xlsx):
    client = client_for("clerk_a")
    response = upload(client, xlsx(compound_row("P-1"), compound_row("P-2", name="第二小区")))
    batch = ImportBatch.objects.get()
    assert response["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url())
    assert page.context["object"].summary["new"] == 2 and page.context["object"].can_commit
    assert not Compound.objects.exists()
    client.post(f"/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Compound.objects.count() == 2


def test_a_file_with_errors_cannot_be_committed(world, client_for, xlsx):
    client = client_for("clerk_a")
    upload(client, xlsx(compound_row("P-1"), compound_row("P-2", 楼栋数=0)))
    batch = ImportBatch.objects.get()
    assert not batch.can_commit
    client.post(f"/imports/{batch.pk}/commit/")
    assert not Compound.objects.exists()


def test_errors_workbook_marks_the_rejected_row(world, client_for, xlsx):
    client = client_for("clerk_a")
    upload(client, xlsx(compound_row("P-1"), compound_row("P-2", 楼栋数=0)))
    batch = ImportBatch.objects.get()
    response = client.get(f"/imports/{batch.pk}/errors.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] in (None, "")
    assert rows[2][0].startswith("楼栋数")
    assert rows[2][1:4] == ("张店区", "车站街道", "华光路社区")


def test_template_has_the_headers_an_example_and_drop_downs(world, client_for):
    response = client_for("clerk_a").get("/imports/compounds/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:5] == ["区县", "街道（镇）", "社区", "小区编码", "小区名称"]
    assert sheet["A2"].value == "张店区"
    lists = [rule.formula1 for rule in sheet.data_validations.dataValidation]
    assert '"专业物业,单位自管,无物业"' in lists


def test_large_file_is_checked_and_committed_by_a_background_job(world, client_for, xlsx, settings):
    from config.celery import app

    settings.IMPORT_BACKGROUND_ROWS = 2
    app.conf.task_always_eager = True
    client = client_for("clerk_a")
    rows = [compound_row(f"P-{n}", name=f"小区{n}") for n in range(5)]
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        upload(client, xlsx(*rows))
    batch = ImportBatch.objects.get()
    assert batch.job.kind == "import_check" and batch.job.status == Job.Status.SUCCEEDED
    assert batch.status == ImportBatch.Status.CHECKED and batch.summary["new"] == 5
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.job.kind == "import_commit" and batch.status == ImportBatch.Status.COMMITTED
    assert Compound.objects.count() == 5


def test_bad_file_shows_its_reason(world, client_for):
    client = client_for("clerk_a")
    upload(client, b"%PDF-1.4", name="通知.pdf")
    batch = ImportBatch.objects.get()
    assert batch.errors[0]["row"] == 0
    page = client.get(batch.get_absolute_url()).content.decode()
    assert batch.errors[0]["message"] in page


def test_the_upload_page_names_the_kind_and_lists_its_columns(world, client_for):
    page = client_for("clerk_a").get("/imports/compounds/new/").content.decode()
    assert "小区" in page.split("<h1")[1].split("</h1>")[0]
    assert "建筑面积（平方米）" in page and "小区编码" in page
