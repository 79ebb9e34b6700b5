"""A submitted monthly report keeps its workbook and PDF in the bucket (a real S3 store); the
download hands out the kept files."""

import io
import zipfile

from reports.monthly.services import monthly_report_build, monthly_report_submit
from tests.reports.monthly_factories import MONTH, october


def test_a_submitted_report_keeps_its_workbook_and_pdf_in_the_bucket(
    world, client_for, s3_media, object_store
):
    october(world)
    built = monthly_report_build(city=world.city, month=MONTH, user=world["city"])
    report = monthly_report_submit(report=built, user=world["city"])
    keys = object_store.keys(s3_media.location + "/")
    assert keys == sorted(f"{s3_media.location}/{f.name}" for f in (report.xlsx_file, report.pdf_file))
    stored = object_store.client().get_object(Bucket=object_store.bucket, Key=keys[-1])["Body"].read()
    assert keys[-1].endswith(".xlsx") and zipfile.is_zipfile(io.BytesIO(stored))

    response = client_for("leader").get(f"/reports/monthly/{report.pk}/xlsx/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
