"""Server time of the compound list (/projects/compounds/) for users who see 1,000 to 40,000 compounds.

    createdb -h 127.0.0.1 -U postgres portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_synthetic --scale province --seed 1
    .venv/bin/python bench/bench_compound_list.py [--repeat 20]

Requests go through Django's test client (the whole middleware stack, template rendering; no
network, no browser). The personas are city bureau staff (role city_staff) of organisations whose
region is one district (≈1,000 compounds), one city (≈10,000) and the province (≈40,000, on the
province scale); they are created on first run. DEBUG is off unless set, as in production: with
DEBUG on every query is also logged. Prints the median and 90th percentile time and the number
of queries of each page.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.pages import measure, persona  # noqa: E402
from org.models import Organisation, Region  # noqa: E402
from org.roles import CITY_STAFF  # noqa: E402
from projects.demo.synthetic_regions import PROVINCE_PATH  # noqa: E402
from projects.models import Compound  # noqa: E402

URLS = ("/projects/compounds/", "/projects/compounds/?q=小区&sort=-year_built")


def personas():
    """(label, user) from the smallest scope to the largest, for the synthetic data present."""
    synthetic = Organisation.objects.filter(region__path__startswith=PROVINCE_PATH)
    K = Organisation.Kind
    found = []
    district = synthetic.filter(kind=K.DISTRICT_BUREAU).order_by("region__path").first()
    city = synthetic.filter(kind=K.CITY_BUREAU).order_by("region__path").first()
    province = synthetic.filter(region__level=Region.Level.PROVINCE).first()
    for label, organisation in (("district", district), ("city", city), ("province", province)):
        if organisation is not None:
            found.append((label, persona(f"bench_{label}", organisation, CITY_STAFF)))
    if not found:
        sys.exit("No synthetic data: run manage.py generate_synthetic --scale province --seed 1 first.")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, DEBUG={os.environ['DEBUG']}")
    print(f"{'scope':<9} {'sees':>7}  {'url':<48} {'median':>8} {'p90':>8} {'queries':>7} {'KB':>5}")
    for label, user in personas():
        visible = Compound.objects.restrict(user).count()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for url in URLS:
            times, queries, _sql, response = measure(client, url, args.repeat, args.warmup)
            size = len(response.content)
            p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
            print(
                f"{label:<9} {visible:>7}  {url:<48} {statistics.median(times):>6.0f}ms {p90:>6.0f}ms "
                f"{queries:>7} {size // 1024:>5}"
            )


if __name__ == "__main__":
    main()
