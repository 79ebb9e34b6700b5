"""Importing 10,000 compounds from .xlsx, against the time openpyxl alone needs to read the file.

    createdb -h 127.0.0.1 -U postgres portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_synthetic --scale province --seed 1   # or --scale city
    .venv/bin/python bench/bench_import.py [--rows 10000] [--repeat 3] [--keep var/bench_import.xlsx]

Writes a workbook in the columns of the compound template (CompoundImporter.columns) with new
compounds spread over the communities of the first synthetic city, then measures:
(a) openpyxl alone, read-only mode, every row with values_only=True;
(b) the dry run, core.importing.import_file(..., commit=False);
(c) the commit, commit=True;
(d) importing the same file again (every row unchanged).
(c) and (d) run inside one transaction that is rolled back at the end: the database is left as it was.
Each step runs --repeat times (default 3); medians and minimums are printed.
The importing user is city bureau staff (role city_staff) of that city, created on first run.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from core.importing import import_file  # noqa: E402
from core.spreadsheets import write_xlsx  # noqa: E402
from org.models import Organisation, Region, User  # noqa: E402
from org.roles import CITY_STAFF  # noqa: E402
from projects.demo.synthetic_compounds import make_compounds  # noqa: E402
from projects.demo.synthetic_regions import PROVINCE_PATH  # noqa: E402
from projects.models import Compound  # noqa: E402
from projects.registry.importers import CompoundImporter  # noqa: E402


def importing_user(city):
    organisation = Organisation.objects.get(region=city, kind=Organisation.Kind.CITY_BUREAU)
    user, _created = User.objects.get_or_create(
        username="bench_importer", defaults={"last_name": "导", "first_name": "入"}
    )
    user.organisation = organisation
    user.is_active = True
    user.save()
    user.groups.set([Group.objects.get(name=CITY_STAFF)])
    return User.objects.get(pk=user.pk)


def workbook(city, rows, seed):
    """The .xlsx bytes: ``rows`` new compounds over the city's communities, in template columns."""
    communities = list(
        Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=city.path)
        .select_related("parent__parent")
        .order_by("path")
    )
    compounds = make_compounds(
        communities=communities,
        rng=random.Random(seed),
        per_community=rows / len(communities) * 1.1,
        code_prefix="BENCH",
    )
    if len(compounds) < rows:
        sys.exit(f"Only {len(compounds)} compounds generated; ask for fewer rows.")
    compounds = compounds[:rows]
    columns = CompoundImporter.columns
    labels = {c.key: {v: k for k, v in c.choices.items()} for c in columns if c.choices}

    def cells(compound):
        community = compound.community
        values = {
            "district": community.parent.parent.name,
            "street": community.parent.name,
            "community": community.name,
        }
        for column in columns:
            value = values[column.key] if column.key in values else getattr(compound, column.key)
            yield labels[column.key][value] if column.key in labels else value

    return write_xlsx([c.header for c in columns], (list(cells(c)) for c in compounds), sheet_title="小区")


def read_with_openpyxl(data):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    count = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def describe(report):
    summary = report.summary()
    text = ", ".join(f"{k} {v}" for k, v in summary.items())
    if report.errors:
        first = "; ".join(f"row {e.row} {e.column}: {e.message}" for e in report.errors[:5])
        text += f"; {len(report.errors)} errors, first: {first}"
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="also write the workbook to this path")
    args = parser.parse_args()

    city = (
        Region.objects.filter(level=Region.Level.CITY, path__startswith=PROVINCE_PATH)
        .order_by("path")
        .first()
    )
    if city is None:
        sys.exit("No synthetic data: run manage.py generate_synthetic --scale city --seed 1 first.")
    user = importing_user(city)
    seconds, data = timed(workbook, city, args.rows, args.seed)
    if args.keep:
        Path(args.keep).write_bytes(data)
    before = Compound.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, DEBUG={os.environ['DEBUG']}")
    print(f"{args.rows} rows for {city.name} ({before} compounds in the database), "
          f"{len(data) / 1048576:.1f} MB, written in {seconds:.1f} s")  # fmt: skip

    # Each step runs --repeat times; the median counts (this kind of machine is noisy).
    runs = {"a": [], "b": [], "c": [], "d": []}
    reports = {}
    for _ in range(args.repeat):
        seconds, rows = timed(read_with_openpyxl, data)
        runs["a"].append(seconds)
        seconds, reports["b"] = timed(import_file, CompoundImporter(user), data, "bench.xlsx", commit=False)
        runs["b"].append(seconds)
        with transaction.atomic():
            for step in ("c", "d"):
                seconds, reports[step] = timed(
                    import_file, CompoundImporter(user), data, "bench.xlsx", commit=True
                )
                runs[step].append(seconds)
            transaction.set_rollback(True)
    assert Compound.objects.count() == before, "the rollback left compounds behind"

    a = statistics.median(runs["a"])
    titles = {
        "a": f"(a) openpyxl read-only, {rows} rows",
        "b": "(b) dry run",
        "c": "(c) commit (rolled back)",
        "d": "(d) same file again",
    }
    print(f"{'':<36} {'median':>7} {'min':>7} {'× (a)':>6}")
    for step, title in titles.items():
        median = statistics.median(runs[step])
        detail = f"  [{describe(reports[step])}]" if step in reports else ""
        print(f"{title:<36} {median:>6.2f}s {min(runs[step]):>6.2f}s {median / a:>6.1f}{detail}")
    b, c = statistics.median(runs["b"]), statistics.median(runs["c"])
    print(f"ratios of medians: b/a = {b / a:.2f}, c/a = {c / a:.2f}; of minimums: "
          f"b/a = {min(runs['b']) / min(runs['a']):.2f}, c/a = {min(runs['c']) / min(runs['a']):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
