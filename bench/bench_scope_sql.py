"""Execution time of the scoped project reads at province scale, as PostgreSQL reports it.

    DATABASE_URL=postgres://…/bench_projects .venv/bin/python bench/bench_scope_sql.py [--repeat 7]

Reads, as the personas of bench_project_pages.py (run it once first: it creates them), the first
page of the project list, the count of projects in scope and the progress reports in scope, each
``--repeat`` times under ``EXPLAIN (ANALYZE)``, and prints the median execution time (no network,
no template: the SQL alone, which is what a change of scoping changes).
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from org.models import User  # noqa: E402
from projects.lifecycle.selectors import projects_for_list  # noqa: E402
from projects.models import ProgressReport, Project  # noqa: E402


def execution_ms(queryset, repeat):
    sql, params = queryset.query.sql_with_params()
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            times.append(cursor.fetchone()[0][0]["Execution Time"])
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    for username in ("bench_city_projects", "bench_street_clerk"):
        user = User.objects.get(username=username)
        reads = {
            "project list, first page": projects_for_list(user).order_by(
                "-plan_year", "region__path", "name", "id"
            )[:50],
            "projects in scope": Project.objects.restrict(user).values("pk"),
            "progress reports in scope": ProgressReport.objects.restrict(user),
        }
        for label, queryset in reads.items():
            print(f"{username:22} {label:28} {execution_ms(queryset, args.repeat):8.2f} ms")


if __name__ == "__main__":
    main()
