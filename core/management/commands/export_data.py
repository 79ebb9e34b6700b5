"""python manage.py export_data KIND --as USERNAME --out FILE [.xlsx or .csv]

Exports what the user may see, in the columns of the import template.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exports import export_content
from core.importing import importer_for, importer_kinds

from .import_data import _user


class Command(BaseCommand):
    help = "Write the records of KIND that a user may see to an .xlsx or .csv file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=importer_kinds())
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--out", type=Path, required=True, help="Output file, ending in .xlsx or .csv.")

    def handle(self, kind, username, out, **options):
        export_format = out.suffix.lower().lstrip(".")
        if export_format not in ("xlsx", "csv"):
            raise CommandError("--out must end in .xlsx or .csv")
        user = _user(username)
        model = importer_for(kind).model
        queryset = model.objects.restrict(user).order_by(*model._meta.ordering)
        out.write_bytes(export_content(user=user, kind=kind, queryset=queryset, export_format=export_format))
        self.stdout.write(f"{queryset.count()} rows written to {out}")
