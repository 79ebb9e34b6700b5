"""Residents' share of ``generate_synthetic`` (residents/synthetic.py) at the scale of the database:
its households, campaigns and answers deleted and written again, inside a transaction rolled back
at the end (the database is left as it was).

    createdb -h 127.0.0.1 -U postgres portal_h7
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_h7
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_synthetic --scale province --seed 1
    .venv/bin/python bench/bench_residents_synthetic.py [--rounds 2]

Target (issue 13): ≈ 2 million households and ≈ 700,000 answers at province scale, generated in
minutes. Prints, per round, the wall time of ``delete`` and of ``build``, the CPU time of this
process during ``build`` (drawing the people and formatting the rows; the rest is PostgreSQL
taking the COPY), and the rows written.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from org.models import Region  # noqa: E402
from projects.demo.synthetic_regions import PROVINCE_CODE  # noqa: E402
from residents import synthetic  # noqa: E402


class Rollback(Exception):
    pass


def one_round(seed):
    cities = list(Region.objects.filter(level=Region.Level.CITY, path__startswith=f"{PROVINCE_CODE}/"))
    if not cities:
        sys.exit("No synthetic province: run generate_synthetic --scale province --seed 1 first.")
    try:
        with transaction.atomic():
            started = time.perf_counter()
            deleted = synthetic.delete(cities)
            deleting = time.perf_counter() - started
            started, cpu = time.perf_counter(), time.process_time()
            made = synthetic.build(cities=cities, rng=random.Random(seed), today=timezone.localdate())
            building, cpu = time.perf_counter() - started, time.process_time() - cpu
            raise Rollback
    except Rollback:
        pass
    return deleting, building, cpu, deleted, made


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    for number in range(1, options.rounds + 1):
        deleting, building, cpu, deleted, made = one_round(options.seed)
        rows = sum(made.values())
        print(
            f"round {number}: delete {deleting:.1f} s ({deleted.get('household rows', 0):,} households); "
            f"build {building:.1f} s, {cpu:.1f} s of it CPU in Python; {rows:,} rows: "
            + ", ".join(f"{count:,} {what}" for what, count in made.items())
        )


if __name__ == "__main__":
    main()
