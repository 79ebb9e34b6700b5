"""python manage.py import_data KIND FILE --as USERNAME [--commit]

A dry run unless --commit. Prints the counts and every error as row, column, message, and exits
with status 1 when any row is rejected (then nothing is saved, with or without --commit).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.audit import audit_record
from core.importing import import_file, importer_for, importer_kinds
from core.models import AuditEntry


class Command(BaseCommand):
    help = "Check (and with --commit save) a spreadsheet of compounds, buildings, ... as a given user."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=importer_kinds())
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as", dest="username", required=True, help="Act as this user (their scope applies)."
        )
        parser.add_argument("--commit", action="store_true", help="Save the file when it has no error.")

    def handle(self, kind, file, username, commit, **options):
        user = _user(username)
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        with translation.override("zh-hans"):
            report = import_file(importer_for(kind)(user), file.read_bytes(), file.name, commit=commit)
            for error in report.errors:
                row = error.row or "-"
                self.stdout.write(f"row {row}\t{error.column}\t{error.message}")
        summary = report.summary()
        self.stdout.write(
            "new {new}, updated {updated}, unchanged {unchanged}, rejected {rejected} of {total} rows".format(
                **summary
            )
        )
        if report.errors:
            self.stdout.write("Nothing was saved.")
            raise SystemExit(1)
        if report.committed:
            audit_record(actor=user, action=AuditEntry.Action.IMPORT,
                         summary=f"import_data {kind} {file.name}: {summary}")  # fmt: skip
            self.stdout.write(self.style.SUCCESS("Saved."))
        else:
            self.stdout.write("Dry run: nothing was saved. Add --commit to save.")


def _user(username):
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No active user {username!r}") from None
