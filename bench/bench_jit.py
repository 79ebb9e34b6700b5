"""PostgreSQL's JIT on the portal's heaviest lists: the same pages with ``jit`` on and off, in one run.

    createdb -h 127.0.0.1 -U postgres portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_synthetic --scale province --seed 1
    .venv/bin/python bench/bench_jit.py [--repeat 15]

The compound list as province staff (≈40,000 compounds) and city staff, and the project list as
province and city staff, plain, searched/filtered and sorted. For each page the rounds alternate
``SET jit = on`` and ``SET jit = off`` on the same connection, so both settings meet the same
machine noise; the figure that matters is the ratio off / on of the medians. The portal's own
connections run with jit off (settings: ``DATABASE_JIT``), which this script overrides per round.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "86400")  # one connection: each round sets jit on it

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.bench_compound_list import personas  # noqa: E402
from bench.pages import measure  # noqa: E402
from projects.models import Compound, ItemCategory, Project  # noqa: E402


def urls():
    improve = ItemCategory.objects.get(code="improve").pk
    return (
        "/projects/compounds/",
        "/projects/compounds/?q=小区&sort=-year_built",
        "/projects/",
        f"/projects/?overdue=any&item_category={improve}",
        "/projects/?sort=next_due_on",
    )


def set_jit(on):
    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = {'on' if on else 'off'}")


def jit_spent(client, url, forced=False):
    """(the costliest plan, queries JIT-compiled, ms spent compiling them) of the page's SELECTs,
    from EXPLAIN ANALYZE with jit on: figures the machine's noise does not move. ``forced`` lowers
    every JIT threshold to 0, to show what compiling would cost where the planner does not yet."""
    set_jit(True)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    costliest, compiled, spent = 0.0, 0, 0.0
    with connection.cursor() as cursor:
        if forced:
            cursor.execute(
                "SET jit_above_cost = 0; SET jit_inline_above_cost = 0; SET jit_optimize_above_cost = 0"
            )
        for query in captured.captured_queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0][0]
            costliest = max(costliest, plan["Plan"]["Total Cost"])
            if plan.get("JIT"):
                compiled += 1
                spent += plan["JIT"]["Timing"]["Total"]
        if forced:
            cursor.execute("RESET jit_above_cost; RESET jit_inline_above_cost; RESET jit_optimize_above_cost")
    return costliest, compiled, spent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3, help="alternations of on and off per page")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("JIT is PostgreSQL's: set DATABASE_URL to a PostgreSQL database.")

    people = [(label, user) for label, user in personas() if label in ("city", "province")]
    print(
        f"database: {connection.settings_dict['NAME']}, DEBUG={os.environ['DEBUG']}, {args.rounds}×{args.repeat}"
    )
    print(
        f"{'persona':<9} {'compounds':>9} {'projects':>8}  {'url':<48} {'jit on':>8} {'jit off':>8} {'off/on':>7}"
        f" {'costliest plan':>14} {'compiled':>8} {'compiling':>9} {'forced: compiled':>16} {'compiling':>9}"
    )
    for label, user in people:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        client.get("/")  # opens the connection the rounds set jit on
        compounds = Compound.objects.restrict(user).count()
        projects = Project.objects.restrict(user).count()
        for url in urls():
            times = {True: [], False: []}
            for _round in range(args.rounds):
                for on in (True, False):
                    set_jit(on)
                    measured, _queries, _sql, _response = measure(client, url, args.repeat, warmup=1)
                    times[on] += measured
            on, off = statistics.median(times[True]), statistics.median(times[False])
            costliest, compiled, spent = jit_spent(client, url)
            _costliest, forced, forced_spent = jit_spent(client, url, forced=True)
            print(
                f"{label:<9} {compounds:>9} {projects:>8}  {url:<48} {on:>6.0f}ms {off:>6.0f}ms {off / on:>7.2f}"
                f" {costliest:>14.0f} {compiled:>8} {spent:>7.0f}ms {forced:>16} {forced_spent:>7.0f}ms"
            )


if __name__ == "__main__":
    main()
