"""The monthly report's figures at province scale: ``reports.progress.progress()`` (and the whole
build of a monthly report, ``reports.monthly.services.monthly_report_build``) against ONE
hand-written SQL query computing the same numbers, in the same run.

    createdb -h 127.0.0.1 -U postgres bench_h2
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_h2
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_synthetic --scale province --seed 1
    .venv/bin/python bench/bench_monthly_report.py [--rounds 5 --repeat 5] [--explain]

Target (issue 12): the report's build within 2× of hand-written SQL computing the same numbers.

The city is the first synthetic city (示范市); the plan year is the one with most of its projects,
the date today. The synthetic data carries no quotas: the script gives the city and each district
a quota for the year when they have none (a share of the compounds the year's projects hold), so
the rates are real figures too.

What is timed, per round, alternating: ``progress()`` for the whole city (as a job reads it), and
the hand-written SQL (one statement: the districts' rows and the city's total, with the quotas,
started and completed compounds, households, buildings and floor area, the latest progress report's
investment per project, the money received and paid by the date, the indicators of the completed
projects and the rates). Then, when the monthly report's build exists, the build of the month's
report (progress, ranking, lagging projects, the snapshot written), against the same SQL.

Before timing, the script checks that the SQL finds exactly ``progress()``'s figures, every field
of every row and of the total. ``--explain`` prints ``EXPLAIN ANALYZE`` of progress()'s statements.
Exits 1 when progress() is slower than 2× the SQL.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from org.models import Region  # noqa: E402
from projects.demo.synthetic_regions import PROVINCE_PATH  # noqa: E402
from projects.models import AnnualQuota, Project, ProjectCompound  # noqa: E402
from reports.lagging import lagging_projects  # noqa: E402
from reports.policy import stale_progress_days  # noqa: E402
from reports.progress import Figures, progress  # noqa: E402

LIMIT = 2.0

# One statement: the city's districts and its total (district NULL), as Figures' fields.
HAND_SQL = """
WITH p AS (
    SELECT pr.id, pr.started_on, pr.completed_on,
           CASE r.level WHEN 3 THEN r.id WHEN 4 THEN r.parent_id END AS district
    FROM projects_project pr JOIN org_region r ON r.id = pr.region_id
    WHERE pr.city_id = %(city)s AND pr.plan_year = %(year)s
),
c AS (
    SELECT pc.compound_id, bool_or(p.started_on <= %(as_of)s) AS started,
           bool_or(p.completed_on <= %(as_of)s) AS completed
    FROM projects_projectcompound pc JOIN p ON p.id = pc.project_id GROUP BY pc.compound_id
),
cc AS (
    SELECT street.parent_id AS district, c.started, c.completed,
           co.household_count AS households, co.building_count AS buildings, co.floor_area
    FROM c JOIN projects_compound co ON co.id = c.compound_id
    JOIN org_region community ON community.id = co.community_id
    JOIN org_region street ON street.id = community.parent_id
),
inv AS (
    SELECT p.district, (SELECT pr.investment_to_date FROM projects_progressreport pr
                        WHERE pr.project_id = p.id AND pr.reported_on <= %(as_of)s
                        ORDER BY pr.reported_on DESC, pr.id DESC LIMIT 1) AS investment
    FROM p
),
money AS (
    SELECT p.district, f.amount AS received, 0 AS paid
    FROM funding_fundreceipt f JOIN p ON p.id = f.project_id WHERE f.received_on <= %(as_of)s
    UNION ALL
    SELECT p.district, 0, d.amount
    FROM funding_disbursement d JOIN p ON p.id = d.project_id
    WHERE d.state = 'released' AND d.paid_on <= %(as_of)s
),
-- Items typed in 米 count in 公里, in 万平方米 in m² (projects.catalogue.indicators); each district's
-- sum is rounded to 0.01 and the city's is the sum of the rounded ones, as reports.progress does.
items_d AS (
    SELECT p.district, ri.indicator,
           ROUND(SUM(i.quantity * CASE
               WHEN right(ri.indicator, 3) = '_km' AND ri.unit IN ('米', 'm') THEN 0.001
               WHEN right(ri.indicator, 3) = '_m2' AND ri.unit = '万平方米' THEN 10000
               ELSE 1 END), 2) AS quantity
    FROM projects_projectitem i JOIN p ON p.id = i.project_id
    JOIN projects_renovationitem ri ON ri.id = i.item_id
    WHERE p.completed_on <= %(as_of)s AND ri.indicator <> ''
    GROUP BY p.district, ri.indicator
),
items AS (
    SELECT district, 0 AS g, indicator, quantity FROM items_d WHERE district IS NOT NULL
    UNION ALL
    SELECT NULL, 1, indicator, SUM(quantity) FROM items_d GROUP BY indicator
),
-- Each figure grouped by district, and once more for the whole city (g = 1).
cs AS (
    SELECT district, GROUPING(district) AS g,
           COUNT(*) FILTER (WHERE started) AS sc, SUM(households) FILTER (WHERE started) AS sh,
           SUM(buildings) FILTER (WHERE started) AS sb, SUM(floor_area) FILTER (WHERE started) AS sa,
           COUNT(*) FILTER (WHERE completed) AS cc, SUM(households) FILTER (WHERE completed) AS ch,
           SUM(buildings) FILTER (WHERE completed) AS cb, SUM(floor_area) FILTER (WHERE completed) AS ca
    FROM cc GROUP BY GROUPING SETS ((district), ())
),
invs AS (SELECT district, GROUPING(district) AS g, SUM(investment) AS ci FROM inv GROUP BY GROUPING SETS ((district), ())),
ms AS (
    SELECT district, GROUPING(district) AS g, SUM(received) AS fr, SUM(paid) AS fp
    FROM money GROUP BY GROUPING SETS ((district), ())
),
inds AS (SELECT district, g, jsonb_object_agg(indicator, quantity::text) AS ind FROM items GROUP BY district, g),
places AS (
    SELECT id AS district, name, path, 0 AS g FROM org_region WHERE parent_id = %(city)s AND level = 3
    UNION ALL SELECT NULL, name, path, 1 FROM org_region WHERE id = %(city)s
),
district_quotas AS (
    SELECT SUM(q.compounds) AS compounds, SUM(q.households) AS households, SUM(q.buildings) AS buildings,
           SUM(q.floor_area) AS floor_area, SUM(q.investment) AS investment
    FROM projects_annualquota q JOIN places d ON d.g = 0 AND d.district = q.region_id WHERE q.year = %(year)s
),
figures AS (
    SELECT pl.district, pl.name, pl.path,
           -- the city's own quota row for the total, else its districts' added up
           COALESCE(q.compounds, CASE pl.g WHEN 1 THEN s.compounds END, 0) AS qc,
           COALESCE(q.households, CASE pl.g WHEN 1 THEN s.households END, 0) AS qh,
           COALESCE(q.buildings, CASE pl.g WHEN 1 THEN s.buildings END, 0) AS qb,
           COALESCE(q.floor_area, CASE pl.g WHEN 1 THEN s.floor_area END, 0) AS qa,
           COALESCE(q.investment, CASE pl.g WHEN 1 THEN s.investment END, 0) AS qi,
           COALESCE(cs.sc, 0) AS sc, COALESCE(cs.sh, 0) AS sh, COALESCE(cs.sb, 0) AS sb, COALESCE(cs.sa, 0) AS sa,
           COALESCE(cs.cc, 0) AS cc_, COALESCE(cs.ch, 0) AS ch, COALESCE(cs.cb, 0) AS cb, COALESCE(cs.ca, 0) AS ca,
           COALESCE(invs.ci, 0) AS ci, COALESCE(ms.fr, 0) AS fr, COALESCE(ms.fp, 0) AS fp, inds.ind
    FROM places pl CROSS JOIN district_quotas s
    LEFT JOIN projects_annualquota q ON q.year = %(year)s AND q.region_id = COALESCE(pl.district, %(city)s)
    LEFT JOIN cs ON cs.g = pl.g AND cs.district IS NOT DISTINCT FROM pl.district
    LEFT JOIN invs ON invs.g = pl.g AND invs.district IS NOT DISTINCT FROM pl.district
    LEFT JOIN ms ON ms.g = pl.g AND ms.district IS NOT DISTINCT FROM pl.district
    LEFT JOIN inds ON inds.g = pl.g AND inds.district IS NOT DISTINCT FROM pl.district
)
SELECT district, name, qc, qh, qb, qa, qi, sc, sh, sb, sa, cc_, ch, cb, ca, ci, fr, fp, ind,
       ROUND(sc * 100.0 / NULLIF(qc, 0), 1), ROUND(cc_ * 100.0 / NULLIF(qc, 0), 1),
       ROUND(ci * 100 / NULLIF(qi, 0), 1)
FROM figures ORDER BY district IS NULL, path
"""


# The lagging projects of the report, by hand: one statement, each project with its three reasons.
LAGGING_SQL = """
WITH rows AS (
    SELECT p.id, p.name, r.name AS area, r.path, p.next_due_on, p.next_milestone,
           p.next_due_on < %(as_of)s AS overdue,
           p.started_on <= %(as_of)s AND (p.completed_on IS NULL OR p.completed_on > %(as_of)s) AS building,
           p.started_on, lr.reported_on, COALESCE(lr.percent, 0) AS done,
           CASE WHEN p.planned_completion > COALESCE(p.planned_start, p.started_on) THEN
               LEAST(GREATEST(ROUND((%(as_of)s - COALESCE(p.planned_start, p.started_on)) * 100.0
                                    / (p.planned_completion - COALESCE(p.planned_start, p.started_on))), 0), 100)
           END AS expected
    FROM projects_project p JOIN org_region r ON r.id = p.region_id
    LEFT JOIN LATERAL (
        SELECT pr.reported_on, pr.percent FROM projects_progressreport pr
        WHERE pr.project_id = p.id AND pr.reported_on <= %(as_of)s ORDER BY pr.reported_on DESC, pr.id DESC LIMIT 1
    ) lr ON true
    WHERE p.city_id = %(city)s AND p.plan_year = %(year)s
      AND (p.next_due_on < %(as_of)s
           OR (p.started_on <= %(as_of)s AND (p.completed_on IS NULL OR p.completed_on > %(as_of)s)))
)
SELECT id, name, area, overdue,
       building AND %(as_of)s - COALESCE(reported_on, started_on) > %(days)s AS stale,
       building AND done < expected - 10 AS behind
FROM rows
WHERE overdue OR (building AND (%(as_of)s - COALESCE(reported_on, started_on) > %(days)s OR done < expected - 10))
ORDER BY next_due_on NULLS LAST, path, name, id
"""


def hand_lagging(params):
    with connection.cursor() as cursor:
        cursor.execute(LAGGING_SQL, params)
        return cursor.fetchall()


def hand_report(params):
    """The report by hand: the figures and the lagging projects by the two statements, then frozen
    as one JSON document written to a table in a transaction (rolled back, as the build is here): a
    snapshot of that size takes its time to write whoever computes its figures."""
    figures, lagging = hand_sql(params), hand_lagging(params)
    document = json.dumps({"figures": figures, "lagging": lagging}, default=str, ensure_ascii=False)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS bench_snapshot (numbers jsonb) ON COMMIT DROP")
        cursor.execute("INSERT INTO bench_snapshot (numbers) VALUES (%s::jsonb)", [document])
        transaction.set_rollback(True)
    return figures, lagging


def check_same_lagging(city, year, as_of, rows):
    """The same projects, in the same order, with as many reasons each."""
    mine = [(row.project.pk, len(row.reasons)) for row in lagging_projects(city=city, year=year, as_of=as_of)]
    hand = [(pk, sum(bool(flag) for flag in flags)) for pk, _name, _area, *flags in rows]
    if mine != hand:
        sys.exit(
            f"lagging projects differ: {len(mine)} found, {len(hand)} by hand; first differing: "
            f"{next(((a, b) for a, b in zip(mine, hand, strict=False) if a != b), None)}"
        )
    print(f"lagging projects agree: {len(mine)}, {sum(n for _pk, n in mine)} reasons")


def hand_sql(params):
    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL, params)
        return cursor.fetchall()


def figures_of(row, city):
    (district, name, qc, qh, qb, qa, qi, sc, sh, sb, sa, cc, ch, cb, ca, ci, fr, fp, ind, *rates) = row
    figures = Figures(
        region_id=district if district is not None else city.pk,
        region_name=name,
        quota_compounds=qc,
        quota_households=qh,
        quota_buildings=qb,
        quota_floor_area=qa,
        quota_investment=qi,
        started_compounds=sc,
        started_households=sh,
        started_buildings=sb,
        started_floor_area=sa,
        completed_compounds=cc,
        completed_households=ch,
        completed_buildings=cb,
        completed_floor_area=ca,
        completed_investment=ci,
        funds_received=fr,
        funds_disbursed=fp,
        indicators={code: Decimal(q) for code, q in json.loads(ind or "{}").items()},
    )
    figures.start_rate, figures.completion_rate, figures.investment_rate = rates
    return figures


def check_same_figures(result, rows, city):
    """Every field of every row and of the total, as numbers (0 and 0.00 are the same number)."""
    hand = [figures_of(row, city) for row in rows]
    mine = [*result.rows, result.total]
    if [f.region_name for f in hand] != [f.region_name for f in mine]:
        sys.exit(f"rows differ: {[f.region_name for f in mine]} against {[f.region_name for f in hand]}")
    for ours, theirs in zip(mine, hand, strict=True):
        if ours != theirs:
            differing = [
                (name, getattr(ours, name), getattr(theirs, name))
                for name in ours.__dataclass_fields__
                if getattr(ours, name) != getattr(theirs, name)
            ]
            sys.exit(f"{ours.region_name}: progress() and the SQL disagree: {differing}")
    total = result.total
    print(
        f"figures agree: {len(result.rows)} districts and the total; started {total.started_compounds:,} / "
        f"completed {total.completed_compounds:,} of a quota of {total.quota_compounds:,} compounds, "
        f"{total.completed_investment / 10000:,.2f} 万元 invested, {total.funds_received / 10000:,.2f} received, "
        f"{total.funds_disbursed / 10000:,.2f} paid, {len(total.indicators)} indicators"
    )


def ensure_quotas(city, year, districts):
    """A quota for the year for the city and each district without one: about 110 % of the
    compounds the year's projects hold there (a rounder figure than what was done), and their
    households, buildings, floor area; 1,000,000 yuan per compound."""
    if AnnualQuota.objects.filter(year=year, region__in=[city, *districts]).exists():
        return
    links = ProjectCompound.objects.filter(project__city=city, project__plan_year=year)
    by_district = dict(
        links.values_list("compound__community__parent__parent").annotate(n=Count("compound", distinct=True))
    )
    rows = []
    for district in districts:
        compounds = round(by_district.get(district.pk, 0) * 1.1) + 1
        rows.append(
            AnnualQuota(
                region=district,
                year=year,
                compounds=compounds,
                households=compounds * 180,
                buildings=compounds * 6,
                floor_area=Decimal(compounds * 12000),
                investment=Decimal(compounds * 1000000),
            )
        )
    total = sum(row.compounds for row in rows)
    rows.append(
        AnnualQuota(
            region=city,
            year=year,
            compounds=total,
            households=total * 180,
            buildings=total * 6,
            floor_area=Decimal(total * 12000),
            investment=Decimal(total * 1000000),
        )
    )
    AnnualQuota.objects.bulk_create(rows)
    print(f"quotas added for {year}: the city and {len(districts)} districts")


def timed(function, **kwargs):
    started = time.perf_counter()
    result = function(**kwargs)
    return (time.perf_counter() - started) * 1000, result


def build_report(city, year, as_of):
    """The month's report built and rolled back (a new version each time, not a growing table)."""
    from reports.monthly.services import monthly_report_build

    with transaction.atomic():
        report = monthly_report_build(city=city, month=datetime.date(year, as_of.month, 1), as_of=as_of)
        transaction.set_rollback(True)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (DATABASE_URL=postgres://…).")
    city = (
        Region.objects.filter(path__startswith=PROVINCE_PATH, level=Region.Level.CITY)
        .order_by("path")
        .first()
    )
    if city is None or not Project.objects.filter(city=city).exists():
        sys.exit("No synthetic projects: run manage.py generate_synthetic --scale province --seed 1 first.")
    year = (
        Project.objects.filter(city=city, plan_year__isnull=False)
        .values_list("plan_year")
        .annotate(n=Count("pk"))
        .order_by("-n")[0][0]
    )
    today = timezone.localdate()
    as_of = min(today, datetime.date(year, 12, 31))
    districts = list(Region.objects.filter(parent=city, level=Region.Level.DISTRICT).order_by("path"))
    ensure_quotas(city, year, districts)
    params = {"city": city.pk, "year": year, "as_of": as_of, "days": stale_progress_days(city, as_of)}
    projects = Project.objects.filter(city=city, plan_year=year).count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, DEBUG={os.environ['DEBUG']}")
    print(
        f"province: {Project.objects.count():,} projects; {city.name}: {len(districts)} districts, "
        f"{projects:,} projects of {year}, as of {as_of}"
    )

    with CaptureQueriesContext(connection) as captured:
        result = progress(city=city, year=year, as_of=as_of)
    check_same_figures(result, hand_sql(params), city)
    check_same_lagging(city, year, as_of, hand_lagging(params))
    if args.explain:
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                print(f"\n--- {float(query['time']) * 1000:.1f} ms: {query['sql'][:200]}…")
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))

    try:
        import reports.monthly.services  # noqa: F401
    except ImportError:
        builds = False
    else:
        builds = True
    times = {
        "progress()": [],
        "hand-written SQL": [],
        **({"monthly report build": [], "SQL of the report": []} if builds else {}),
    }
    for _round in range(args.rounds):
        for _ in range(args.repeat):
            times["progress()"].append(timed(progress, city=city, year=year, as_of=as_of)[0])
            times["hand-written SQL"].append(timed(hand_sql, params=params)[0])
            if builds:
                times["monthly report build"].append(
                    timed(build_report, city=city, year=year, as_of=as_of)[0]
                )
                times["SQL of the report"].append(timed(hand_report, params=params)[0])
    medians = {name: statistics.median(values) for name, values in times.items()}
    sql = medians["hand-written SQL"]
    print(f"\n{'':24}{'median ms':>10}{'× SQL':>8}   queries")
    print(f"{'hand-written SQL':24}{sql:>10.1f}{1:>8.2f}   1")
    print(
        f"{'progress()':24}{medians['progress()']:>10.1f}{medians['progress()'] / sql:>8.2f}   {len(captured)}"
    )
    ratios = {"progress()": medians["progress()"] / sql}
    if builds:
        report_sql, build = medians["SQL of the report"], medians["monthly report build"]
        ratios["the build"] = build / report_sql
        print(
            f"{'SQL of the report':24}{report_sql:>10.1f}{report_sql / sql:>8.2f}   2 + the snapshot's INSERT"
        )
        print(
            f"{'monthly report build':24}{build:>10.1f}{build / sql:>8.2f}   (× SQL of the report: {build / report_sql:.2f})"
        )
    above = {name: ratio for name, ratio in ratios.items() if ratio > LIMIT}
    summary = ", ".join(f"{name} {ratio:.2f}×" for name, ratio in ratios.items())
    if above:
        print(f"\nabove the {LIMIT}× target: {summary}")
        sys.exit(1)
    print(f"\nwithin target (≤ {LIMIT}× its hand-written SQL): {summary}")


if __name__ == "__main__":
    main()
