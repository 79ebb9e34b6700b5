"""Server time of the project list (/projects/) and a project's page at province scale.

    createdb -h 127.0.0.1 -U postgres bench_projects
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_projects
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_synthetic --scale province --seed 1
    .venv/bin/python bench/bench_project_pages.py [--repeat 20]

Requests go through Django's test client (the whole middleware stack, template rendering; no
network, no browser). Two personas, created on first run: city bureau staff (role city_staff) of the
first synthetic city (≈1,600 projects) and the street clerk (role street_clerk) of the street that
holds the city's project with the most items, progress reports and inspections — the project whose
page is measured. The list is measured as it opens, filtered (overdue; with items of 完善类), sorted
by the next deadline, and exported to .xlsx with the overdue filter. DEBUG is off unless set.
Prints the median and 95th percentile time, the number of queries, the time they took (in one more
request) and the size of each response.
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
from django.db.models import Count, OuterRef, Subquery  # noqa: E402
from django.test import Client  # noqa: E402

from bench.pages import measure, persona  # noqa: E402
from org.models import Organisation, Region  # noqa: E402
from org.roles import CITY_STAFF, STREET_CLERK  # noqa: E402
from projects.demo.synthetic_regions import PROVINCE_PATH  # noqa: E402
from projects.models import Inspection, ItemCategory, ProgressReport, Project, ProjectItem  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def counted(model, **lookup):
    return Subquery(
        model.objects.filter(project=OuterRef("pk"), **lookup)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )


def richest_project(city):
    """The city's project of one street with 8 items or more and the most inspections and reports."""
    return (
        Project.objects.filter(city=city, region__level=Region.Level.STREET)
        .annotate(
            n_items=counted(ProjectItem),
            n_reports=counted(ProgressReport),
            n_inspections=counted(Inspection),
        )
        .filter(n_items__gte=8, n_reports__gte=1, n_inspections__gte=1)
        .order_by("-n_inspections", "-n_reports", "-n_items", "pk")
        .select_related("region")
        .first()
    )


def setting():
    """(personas, urls, the project measured)."""
    city = (
        Region.objects.filter(path__startswith=PROVINCE_PATH, level=Region.Level.CITY)
        .order_by("path")
        .first()
    )
    project = richest_project(city) if city else None
    if project is None:
        sys.exit("No synthetic projects: run manage.py generate_synthetic --scale province --seed 1 first.")
    K = Organisation.Kind
    bureau = Organisation.objects.get(region=city, kind=K.CITY_BUREAU)
    office = Organisation.objects.get(region=project.region, kind=K.STREET_OFFICE)
    improve = ItemCategory.objects.get(code="improve").pk
    urls = (
        "/projects/",
        "/projects/?overdue=any",
        f"/projects/?item_category={improve}",
        "/projects/?sort=next_due_on",
        "/projects/?overdue=any&export=xlsx",
        f"/projects/{project.pk}/",
    )
    people = (
        ("city", persona("bench_city_projects", bureau, CITY_STAFF)),
        ("street", persona("bench_street_clerk", office, STREET_CLERK)),
    )
    return people, urls, project


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    people, urls, project = setting()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, DEBUG={os.environ['DEBUG']}")
    print(
        f"project page: #{project.pk} {project.name} ({project.region.name}, {project.get_stage_display()}): "
        f"{project.n_items} items, {project.n_reports} progress reports, {project.n_inspections} inspections"
    )
    print(
        f"{'persona':<7} {'sees':>5}  {'url':<42} {'median':>8} {'p95':>8} {'queries':>7} {'sql':>7} {'KB':>5}"
    )
    for label, user in people:
        visible = Project.objects.restrict(user).count()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for url in urls:
            times, queries, sql, response = measure(client, url, args.repeat, args.warmup)
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            note = ""
            if "export=" in url and response["Content-Type"] != XLSX:
                note = "  (no export: the page itself)"
            print(
                f"{label:<7} {visible:>5}  {url:<42} {statistics.median(times):>6.0f}ms {p95:>6.0f}ms "
                f"{queries:>7} {sql:>5.0f}ms {len(response.content) // 1024:>5}{note}"
            )


if __name__ == "__main__":
    main()
