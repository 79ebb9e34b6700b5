"""python manage.py move_files [--from filesystem|default|DIR] [--to default|filesystem|DIR] [--dry-run]

Copies every file the database refers to (every FileField) from one storage to another and checks
each copy by SHA-256. The usual move, to a bucket: set MEDIA_STORAGE=s3 and the S3_* variables
(the new configuration), keep MEDIA_ROOT pointing at the old files, and run it with no options.
Run it again after an interruption: files already copied are checked and skipped. Exits non-zero
if a file is missing or a copy does not match.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError

from core.file_moves import FAILURES, OUTCOMES, files_move

LABELS = {
    "copied": "已复制 copied",
    "would copy": "待复制 would copy",
    "replaced": "已替换（目标文件不一致）replaced (differed at the destination)",
    "already there": "目标已有且一致 already there",
    "only at destination": "仅目标有 only at the destination",
    "missing": "源与目标均缺失 missing at both",
    "mismatched": "校验不一致 checksum mismatch",
}


def storage_named(name):
    """filesystem (MEDIA_ROOT), default (the configured storage: the bucket with MEDIA_STORAGE=s3),
    or a directory."""
    if name == "default":
        return default_storage
    if name == "filesystem":
        return FileSystemStorage(location=settings.MEDIA_ROOT)
    return FileSystemStorage(location=name)


def describe(storage):
    location = getattr(storage, "location", "")
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return f"s3://{bucket}/{location}".rstrip("/")
    return str(location)


class Command(BaseCommand):
    help = "Copy every stored file the database refers to into another storage, checked by SHA-256."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="source", default="filesystem", help="filesystem, default or a directory"
        )
        parser.add_argument(
            "--to", dest="destination", default="default", help="default, filesystem or a directory"
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be copied; write nothing.")

    def handle(self, source, destination, dry_run, verbosity, **options):
        source_storage, destination_storage = storage_named(source), storage_named(destination)
        if describe(source_storage) == describe(destination_storage):
            raise CommandError(
                f"来源与目标相同 The source and the destination are the same: {describe(source_storage)}"
            )
        self.stdout.write(f"{describe(source_storage)} → {describe(destination_storage)}")

        def progress(name, outcome):
            if verbosity >= 2 or outcome in FAILURES:
                self.stdout.write(f"{LABELS[outcome]}: {name}")

        report = files_move(source_storage, destination_storage, dry_run=dry_run, progress=progress)
        total = sum(report.counts.values())
        self.stdout.write(f"文件 files: {total}")
        for outcome in OUTCOMES:
            if report.counts[outcome]:
                self.stdout.write(f"{LABELS[outcome]}: {report.counts[outcome]}")
        if not report.ok:
            raise CommandError(
                f"{len(report.failed)} 个文件未能复制或校验不一致 files were not copied or did not match"
            )
        if dry_run:
            self.stdout.write("试运行，未写入任何文件 Dry run: nothing was written.")
