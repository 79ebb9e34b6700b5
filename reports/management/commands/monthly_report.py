"""Build a city's monthly report and write its .xlsx and PDF.

    python manage.py monthly_report --city 淄博市 --month 2026-10 [--out DIR]

The month's submitted report is reused as it is (it is locked; its kept files are written);
otherwise a new version is built (or the current one reused, when the figures read the same), as
the page's 生成 button does, by no user. The files are named in Chinese, as the page names them.
"""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from org.models import Region
from reports.models import MonthlyReport
from reports.monthly.documents import monthly_pdf, monthly_xlsx, report_filename
from reports.monthly.services import OFFICIAL_LANGUAGE, monthly_report_build


class Command(BaseCommand):
    help = "Build (or reuse the submitted) monthly report of a city and write its .xlsx and PDF."

    def add_arguments(self, parser):
        parser.add_argument(
            "--city", required=True, help="The city's name (淄博市) or division code (370300)."
        )
        parser.add_argument("--month", required=True, help="The month, YYYY-MM.")
        parser.add_argument("--out", default=".", help="The folder the files are written to (default: here).")

    def handle(self, *args, city, month, out, **options):
        try:
            month = datetime.datetime.strptime(month, "%Y-%m").date()
        except ValueError as error:
            raise CommandError(f"--month must read YYYY-MM, not {month!r}") from error
        found = Region.objects.filter(level=Region.Level.CITY).filter(name=city) | Region.objects.filter(
            level=Region.Level.CITY, code=city
        )
        found = list(found.distinct())
        if len(found) != 1:
            raise CommandError(
                f"No single city named {city!r}" if not found else f"Several cities named {city!r}"
            )
        city = found[0]
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)

        report = MonthlyReport.objects.filter(
            city=city, month=month, is_current=True, status="submitted"
        ).first()
        if report is not None:
            self.stdout.write(f"{report}: submitted, reused")
            files = {"xlsx": report.xlsx_file, "pdf": report.pdf_file}
            contents = {}
            for extension, kept in files.items():
                with kept.open("rb") as handle:
                    contents[extension] = handle.read()
        else:
            with translation.override(OFFICIAL_LANGUAGE):
                try:
                    report = monthly_report_build(city=city, month=month)
                except ValidationError as error:
                    raise CommandError("；".join(error.messages)) from error
            self.stdout.write(f"{report}: built ({report.data_version})")
            contents = {"xlsx": monthly_xlsx(report), "pdf": monthly_pdf(report)}
        for extension, content in contents.items():
            path = folder / report_filename(report, extension)
            path.write_bytes(content)
            self.stdout.write(str(path))
