"""python manage.py import_data KIND FILE --as USERNAME [--commit]

A dry run unless --commit. Prints the counts and every error as row, column, message, and exits
with status 1 when any row is rejected (then nothing is saved, with or without --commit). The file
goes through the same import services as an upload in the portal: it is kept as an import of the
user's, with its findings and audit entry, and always worked through inline.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.importing import importer_kinds
from core.imports import import_commit, import_upload


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
        upload = SimpleUploadedFile(file.name, file.read_bytes())
        with translation.override("zh-hans"):
            try:
                batch = import_upload(actor=user, kind=kind, uploaded=upload, background=False)
                if commit and batch.can_commit:
                    batch = import_commit(actor=user, batch=batch, background=False)
            except PermissionDenied:
                raise CommandError(f"{username} may not import {kind}") from None
            for error in batch.errors:
                row = error["row"] or "-"
                self.stdout.write(f"row {row}\t{error['column']}\t{error['message']}")
        summary = {"new": 0, "updated": 0, "unchanged": 0, "rejected": 0, "total": 0, **batch.summary}
        self.stdout.write(
            "new {new}, updated {updated}, unchanged {unchanged}, rejected {rejected} of {total} rows".format(
                **summary
            )
        )
        if batch.errors:
            self.stdout.write("Nothing was saved.")
            raise SystemExit(1)
        if batch.is_committed:
            self.stdout.write(self.style.SUCCESS("Saved."))
        else:
            self.stdout.write("Dry run: nothing was saved. Add --commit to save.")


def _user(username):
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No active user {username!r}") from None
