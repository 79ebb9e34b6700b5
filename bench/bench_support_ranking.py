"""Ranking the province's candidate compounds by residents' support rate on the compound list,
against the plain compound list in the same run.

    createdb -h 127.0.0.1 -U postgres portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_synthetic --scale province --seed 1
    .venv/bin/python bench/bench_support_ranking.py [--rounds 5 --repeat 6] [--refresh] [--explain]

The synthetic province (residents.synthetic) has ≈ 2 million household rows for the compounds in
projects and ≈ 900,000 needs and satisfaction answers. The persona is city bureau staff of the
province (≈ 40,000 compounds). The plain list is /projects/compounds/ as it opens (by name, with
the support column of its 20 rows); the ranking sorts every compound of the province by support
rate (agreeing households of its newest needs campaign over all its households, read from each
compound's stored row, residents.models.CompoundSupport), and the filtered ranking keeps those
meeting their city's threshold. ``--refresh`` first counts and stores every compound's support
again (residents.results.support.support_refresh, as ``manage.py support_refresh`` does) and
says how long that took. Rounds alternate the pages; the figure is the median of every request
after warm-up. Exits 1 when a ranking is slower than 1.5× the plain list.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from bench.pages import measure, persona  # noqa: E402
from org.models import Organisation, Region  # noqa: E402
from org.roles import CITY_STAFF  # noqa: E402
from projects.demo.synthetic_regions import PROVINCE_PATH  # noqa: E402
from residents.models import Household  # noqa: E402
from residents.results.support import support_refresh  # noqa: E402

LIMIT = 1.5
PLAIN = "/projects/compounds/"
RANKINGS = (
    "/projects/compounds/?sort=-support_rate",
    "/projects/compounds/?sort=-support_rate&support_passes=yes",
)


def explain(user, url):
    """EXPLAIN ANALYZE of the page's slowest query."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        print("\n".join(row[0] for row in cursor.fetchall()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=6)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--refresh", action="store_true", help="store every compound's support first")
    options = parser.parse_args()
    province = Organisation.objects.filter(
        region__path__startswith=PROVINCE_PATH, region__level=Region.Level.PROVINCE
    ).first()
    if (
        province is None
        or not Household.objects.filter(compound__community__path__startswith=PROVINCE_PATH).exists()
    ):
        sys.exit("No synthetic residents: run manage.py generate_synthetic --scale province --seed 1 first.")
    if options.refresh:
        started = time.perf_counter()
        with transaction.atomic():
            written = support_refresh()
        print(f"support_refresh: {written} compounds stored in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE residents_compoundsupport")
    user = persona("bench_support_province", province, CITY_STAFF)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    urls = (PLAIN, *RANKINGS)
    times = {url: [] for url in urls}
    last = {}
    for round_ in range(options.rounds):
        for url in urls:
            took, queries, sql, _response = measure(
                client, url, options.repeat, warmup=1 if round_ == 0 else 0
            )
            times[url] += took
            last[url] = (queries, sql)
    plain = statistics.median(times[PLAIN])
    print(f"{connection.vendor}, province persona, {options.rounds} rounds × {options.repeat} requests")
    failed = False
    for url in urls:
        median = statistics.median(times[url])
        ratio = median / plain
        queries, sql = last[url]
        print(f"{url:70} median {median:8.1f} ms  {ratio:4.2f}×  {queries} queries, {sql:.1f} ms SQL")
        failed |= ratio > LIMIT
    if options.explain:
        for url in RANKINGS:
            explain(user, url)
    if failed:
        print(f"A ranking is slower than {LIMIT}× the plain list.")
        sys.exit(1)


if __name__ == "__main__":
    main()
