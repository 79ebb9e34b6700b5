"""The dashboard (/dashboard/) at province scale against hand-written SQL computing the same numbers,
in the same run; and where the page's time goes, section by section.

    createdb -h 127.0.0.1 -U postgres portal_h7
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_h7
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_synthetic --scale province --seed 1
    .venv/bin/python bench/bench_dashboard.py [--rounds 3 --repeat 5] [--year 2026] [--explain]

Target (issue 14): at province scale the page runs a fixed number of queries (a test:
tests/reports/dashboard/test_queries.py) and its server time is within 2× of hand-written SQL
computing the same numbers in the same run.

The user is city staff of the first synthetic city (示范市, ≈ 10,000 compounds, ≈ 1,600 projects of
every plan year); the plan year is this year (the page's default), the date today. What is timed,
per round, alternating:

- the page through the test client (whole middleware stack, template, menu), at the city and
  drilled into its biggest district, as a user reading it again finds it (the sections cached
  until the next write); and once more with the cache emptied before each request (the first
  request after a write, or the page without the cache);
- the hand-written SQL of each page, narrowed to its area (the city, the district): plain
  statements through a cursor, one per section —
  progress as of the date and as of last month's end (KPI cards, districts compared, indicators,
  the money totals: bench_monthly_report's statement), the trend (every month end at once), the
  funnel, the item mix, money by source with the idle money, residents' voice (support,
  satisfaction, complaints), the alerts (each kind's count and first rows) and the map (the
  compounds with their coordinates, district and the furthest stage of the year); the district's
  page also compares its streets (one more statement);
- each section's build(scope) alone, for the city and the district (scope.progress and scope.previous timed on their own), so the
  page's time can be read section by section; the rest is the template and the middleware.

Before timing, the script checks that the SQL finds the page's figures (progress: every field of
every row; the trend; projects per stage; items per category; money per source; support counts;
alert counts; points on the map) and prints any difference. ``--explain`` prints ``EXPLAIN
ANALYZE`` of the page's five slowest statements. Exits 1 when the page is slower than 2× the SQL.
"""

import argparse
import datetime
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

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from bench.bench_monthly_report import HAND_SQL, check_same_figures  # noqa: E402
from bench.pages import persona  # noqa: E402
from funding.ledger_warnings import idle_days_by_city  # noqa: E402
from funding.models import DEFAULT_IDLE_DAYS, FundReceipt  # noqa: E402
from org.models import Organisation, Region  # noqa: E402
from org.roles import CITY_STAFF  # noqa: E402
from projects.demo.synthetic_regions import PROVINCE_PATH  # noqa: E402
from projects.models import Project  # noqa: E402
from reports.dashboard.figures import in_wan  # noqa: E402
from reports.dashboard.scope import Scope, previous_month_end  # noqa: E402
from reports.dashboard.sections import SECTIONS  # noqa: E402
from reports.dashboard.trend import month_ends  # noqa: E402

LIMIT = 2.0
PAGE = "/dashboard/"

# --- The hand-written SQL, one statement a section (two for the KPI cards) ----------------------

# The projects of the city's plan year (the page's scope.projects for city staff).
YEAR_PROJECTS = """SELECT yp.id FROM projects_project yp JOIN org_region yr ON yr.id = yp.region_id
    WHERE yp.city_id = %(city)s AND yp.plan_year = %(year)s AND yr.path LIKE %(path)s"""

# bench_monthly_report's statement, narrowed to the area (the city, or a district drilled into).
PROGRESS_SQL = HAND_SQL.replace(
    "WHERE pr.city_id = %(city)s AND pr.plan_year = %(year)s",
    "WHERE pr.city_id = %(city)s AND pr.plan_year = %(year)s AND r.path LIKE %(path)s",
)
assert PROGRESS_SQL != HAND_SQL

TREND_SQL = f"""
WITH c AS (
    SELECT pc.compound_id, MIN(p.started_on) AS s, MIN(p.completed_on) AS c
    FROM projects_projectcompound pc JOIN projects_project p ON p.id = pc.project_id
    WHERE p.id IN ({YEAR_PROJECTS}) GROUP BY pc.compound_id
)
SELECT e, COUNT(*) FILTER (WHERE s <= e), COUNT(*) FILTER (WHERE c <= e)
FROM c CROSS JOIN unnest(%(ends)s::date[]) AS e GROUP BY e ORDER BY e
"""

# The date a project entered its stage: the date the step into it records.
FUNNEL_SQL = f"""
WITH w AS (
    SELECT p.id, p.name, p.stage,
           CASE p.stage
               WHEN 'survey' THEN (p.created_at AT TIME ZONE %(tz)s)::date
               WHEN 'design' THEN p.survey_completed_on WHEN 'declaration' THEN p.design_completed_on
               WHEN 'review' THEN p.declared_on WHEN 'procurement' THEN p.approved_on
               WHEN 'construction' THEN p.started_on WHEN 'acceptance' THEN p.completed_on
               WHEN 'handover' THEN p.accepted_on WHEN 'audit' THEN p.handed_over_on
               WHEN 'closed' THEN p.audited_on
           END AS entered
    FROM projects_project p WHERE p.id IN ({YEAR_PROJECTS})
),
v AS (SELECT *, CASE WHEN entered <= %(as_of)s THEN %(as_of)s - entered END AS waited FROM w),
r AS (
    SELECT stage, id, name, entered, waited,
           COUNT(*) OVER s AS projects, COUNT(waited) OVER s AS known, AVG(waited) OVER s AS average,
           MAX(waited) OVER s AS longest,
           ROW_NUMBER() OVER (PARTITION BY stage ORDER BY waited DESC NULLS LAST, id) AS place
    FROM v WINDOW s AS (PARTITION BY stage)
)
SELECT stage, projects, known, ROUND(average, 1), longest, id, name, entered FROM r WHERE place = 1
"""

MIX_SQL = f"""
SELECT c.id, c.name, COUNT(i.id), SUM(i.estimated_cost)
FROM projects_itemcategory c
LEFT JOIN projects_renovationitem ri ON ri.category_id = c.id
LEFT JOIN projects_projectitem i ON i.item_id = ri.id AND i.project_id IN ({YEAR_PROJECTS})
GROUP BY c.id, c.name, c."order" ORDER BY c."order", c.id
"""

# Money of the year's projects by source as of the date; idle: what arrived before the cutoff and
# lies unused, nothing paid out or asked for since (funding.ledger_warnings' rule).
MONEY_SQL = f"""
WITH p AS ({YEAR_PROJECTS}),
rec AS (
    SELECT r.project_id, r.source_id, r.amount, r.received_on, r.reverses_id
    FROM funding_fundreceipt r WHERE r.project_id IN (SELECT id FROM p) AND r.received_on <= %(as_of)s
),
dis AS (
    SELECT d.project_id, d.source_id, d.amount, d.state, d.reverses_id,
           COALESCE(d.paid_on, (d.created_at AT TIME ZONE %(tz)s)::date) AS moved_on
    FROM funding_disbursement d WHERE d.project_id IN (SELECT id FROM p)
      AND ((d.state = 'released' AND d.paid_on <= %(as_of)s) OR (d.state = 'requested' AND d.created_at < %(after)s))
),
plans AS (
    SELECT source_id, SUM(amount) AS planned FROM funding_fundingplanline
    WHERE project_id IN (SELECT id FROM p) GROUP BY source_id
),
received AS (SELECT source_id, SUM(amount) AS received FROM rec GROUP BY source_id),
paid AS (
    SELECT source_id, SUM(amount) FILTER (WHERE state = 'released') AS released,
           SUM(amount) FILTER (WHERE state = 'requested') AS requested
    FROM dis GROUP BY source_id
),
rr AS (
    SELECT project_id, source_id, SUM(amount) AS received,
           COALESCE(SUM(amount) FILTER (WHERE received_on >= %(cutoff)s AND reverses_id IS NULL), 0) AS recent
    FROM rec GROUP BY project_id, source_id
),
dd AS (
    SELECT project_id, source_id, SUM(amount) AS committed,
           MAX(moved_on) FILTER (WHERE reverses_id IS NULL) AS last_out
    FROM dis GROUP BY project_id, source_id
),
idle AS (
    SELECT rr.source_id, SUM(rr.received - COALESCE(dd.committed, 0) - rr.recent) AS idle
    FROM rr LEFT JOIN dd USING (project_id, source_id)
    WHERE (dd.last_out IS NULL OR dd.last_out < %(cutoff)s) AND rr.received > rr.recent + COALESCE(dd.committed, 0)
    GROUP BY rr.source_id
)
SELECT s.id, s.name, COALESCE(planned, 0), COALESCE(received, 0), COALESCE(released, 0), COALESCE(idle, 0)
FROM funding_fundingsource s LEFT JOIN plans USING (id) LEFT JOIN received ON received.source_id = s.id
LEFT JOIN paid ON paid.source_id = s.id LEFT JOIN idle ON idle.source_id = s.id
WHERE planned IS NOT NULL OR received IS NOT NULL OR released IS NOT NULL OR requested IS NOT NULL OR idle IS NOT NULL
ORDER BY s."order", s.id
""".replace("LEFT JOIN plans USING (id)", "LEFT JOIN plans ON plans.source_id = s.id")

VOICE_SQL = f"""
WITH support AS (
    SELECT COUNT(*) AS compounds, COUNT(*) FILTER (WHERE s.campaign_id IS NOT NULL) AS surveyed,
           COUNT(*) FILTER (WHERE s.meets_threshold) AS meeting, COUNT(*) FILTER (WHERE s.passes) AS passing,
           SUM(s.households) FILTER (WHERE s.campaign_id IS NOT NULL) AS households,
           SUM(s.agreeing) FILTER (WHERE s.campaign_id IS NOT NULL) AS agreeing
    FROM projects_compound c LEFT JOIN residents_compoundsupport s ON s.compound_id = c.id
    WHERE c.id IN (SELECT compound_id FROM projects_projectcompound WHERE project_id IN ({YEAR_PROJECTS}))
),
satisfaction AS (
    SELECT COUNT(*) AS answered, SUM(r.overall_score) AS score,
           COUNT(*) FILTER (WHERE r.overall_score = 1) AS s1, COUNT(*) FILTER (WHERE r.overall_score = 2) AS s2,
           COUNT(*) FILTER (WHERE r.overall_score = 3) AS s3, COUNT(*) FILTER (WHERE r.overall_score = 4) AS s4,
           COUNT(*) FILTER (WHERE r.overall_score = 5) AS s5
    FROM residents_surveyresponse r
    JOIN residents_surveycampaign k ON k.id = r.campaign_id AND k.kind = 'satisfaction'
    JOIN residents_household h ON h.id = r.household_id JOIN projects_compound c ON c.id = h.compound_id
    JOIN org_region m ON m.id = c.community_id
    WHERE m.path LIKE %(path)s AND r.answered_on >= %(year_start)s AND r.answered_on <= %(as_of)s
),
complaints AS (
    SELECT COUNT(*) FILTER (WHERE x.status = 'received') AS received,
           COUNT(*) FILTER (WHERE x.status = 'assigned') AS assigned,
           COUNT(*) FILTER (WHERE x.status IN ('received', 'assigned')) AS open,
           COUNT(*) FILTER (WHERE x.status IN ('received', 'assigned') AND x.deadline < %(today)s) AS overdue,
           COUNT(*) FILTER (WHERE x.received_on >= %(year_start)s AND x.received_on <= %(as_of)s) AS year
    FROM residents_complaint x JOIN org_region g ON g.id = x.region_id WHERE g.path LIKE %(path)s
)
SELECT * FROM support, satisfaction, complaints
"""

# Each kind: its count (a window over the whole set) with its first five rows.
ALERTS_SQL = """
(SELECT 'stages', COUNT(*) OVER (), p.id, p.name, p.next_due_on
 FROM projects_project p JOIN org_region r ON r.id = p.region_id
 WHERE r.path LIKE %(path)s AND p.next_due_on < %(as_of)s ORDER BY p.next_due_on, p.id LIMIT 5)
UNION ALL
(SELECT 'findings', COUNT(*) OVER (), p.id, p.name, f.deadline
 FROM projects_finding f JOIN projects_inspection i ON i.id = f.inspection_id
 JOIN projects_project p ON p.id = i.project_id JOIN org_region r ON r.id = p.region_id
 WHERE r.path LIKE %(path)s AND f.closed_on IS NULL AND f.deadline < %(as_of)s ORDER BY f.deadline, f.id LIMIT 5)
UNION ALL
(SELECT 'complaints', COUNT(*) OVER (), x.id, x.number, x.deadline
 FROM residents_complaint x JOIN org_region g ON g.id = x.region_id
 WHERE g.path LIKE %(path)s AND x.status IN ('received', 'assigned') AND x.deadline < %(as_of)s
 ORDER BY x.deadline, x.id LIMIT 5)
UNION ALL
(SELECT 'requests', COUNT(*) OVER (), a.id, a.subject_repr, a.due_on
 FROM approvals_approvalrequest a
 WHERE a.region_path LIKE %(path)s AND a.state = 'pending' AND a.due_on < %(as_of)s ORDER BY a.due_on, a.id LIMIT 5)
"""

# Idle money of every project of the city (alerts are not narrowed to the plan year).
ALERTS_IDLE_SQL = """
WITH rec AS (
    SELECT project_id, source_id, amount, received_on, reverses_id FROM funding_fundreceipt
    WHERE city_id = %(city)s
),
dis AS (
    SELECT project_id, source_id, amount, reverses_id,
           COALESCE(paid_on, (created_at AT TIME ZONE %(tz)s)::date) AS moved_on
    FROM funding_disbursement WHERE city_id = %(city)s AND state IN ('released', 'requested')
),
rr AS (
    SELECT project_id, source_id, SUM(amount) AS received,
           COALESCE(SUM(amount) FILTER (WHERE received_on >= %(cutoff)s AND reverses_id IS NULL), 0) AS recent
    FROM rec GROUP BY project_id, source_id
),
dd AS (
    SELECT project_id, source_id, SUM(amount) AS committed, MAX(moved_on) FILTER (WHERE reverses_id IS NULL) AS last_out
    FROM dis GROUP BY project_id, source_id
),
idle AS (
    SELECT rr.project_id, rr.source_id, rr.received - COALESCE(dd.committed, 0) - rr.recent AS amount
    FROM rr LEFT JOIN dd USING (project_id, source_id)
    WHERE (dd.last_out IS NULL OR dd.last_out < %(cutoff)s) AND rr.received > rr.recent + COALESCE(dd.committed, 0)
)
SELECT COUNT(*) OVER (), p.id, p.name, idle.amount FROM idle JOIN projects_project p ON p.id = idle.project_id
JOIN org_region r ON r.id = p.region_id WHERE r.path LIKE %(path)s
ORDER BY p.name, p.id LIMIT 5
"""

# The city's compounds with coordinates, district and the furthest stage of the year's projects.
MAP_SQL = f"""
WITH stages AS (
    SELECT pc.compound_id, MAX(array_position(%(stages)s::text[], p.stage::text)) AS stage
    FROM projects_projectcompound pc JOIN projects_project p ON p.id = pc.project_id
    WHERE p.id IN ({YEAR_PROJECTS}) GROUP BY pc.compound_id
)
SELECT c.id, c.name, c.longitude, c.latitude, d.id, d.name, stages.stage
FROM projects_compound c JOIN org_region m ON m.id = c.community_id JOIN org_region s ON s.id = m.parent_id
JOIN org_region d ON d.id = s.parent_id LEFT JOIN stages ON stages.compound_id = c.id
WHERE c.city_id = %(city)s AND m.path LIKE %(path)s
"""

# Drilled into a district, its streets compared: projects, compounds started and completed and
# their households, per street.
STREETS_SQL = f"""
WITH p AS ({YEAR_PROJECTS}),
c AS (
    SELECT pc.compound_id, bool_or(x.started_on <= %(as_of)s) AS s, bool_or(x.completed_on <= %(as_of)s) AS c
    FROM projects_projectcompound pc JOIN projects_project x ON x.id = pc.project_id
    WHERE x.id IN (SELECT id FROM p) GROUP BY pc.compound_id
),
n AS (SELECT region_id, COUNT(*) AS projects FROM projects_project WHERE id IN (SELECT id FROM p) GROUP BY region_id),
f AS (
    SELECT m.parent_id AS street, COUNT(*) FILTER (WHERE c.s) AS sc, COUNT(*) FILTER (WHERE c.c) AS cc,
           SUM(co.household_count) FILTER (WHERE c.s) AS sh, SUM(co.household_count) FILTER (WHERE c.c) AS ch
    FROM c JOIN projects_compound co ON co.id = c.compound_id JOIN org_region m ON m.id = co.community_id
    GROUP BY m.parent_id
)
SELECT st.name, COALESCE(n.projects, 0), COALESCE(f.sc, 0), COALESCE(f.cc, 0), COALESCE(f.sh, 0), COALESCE(f.ch, 0)
FROM org_region st LEFT JOIN n ON n.region_id = st.id LEFT JOIN f ON f.street = st.id
WHERE st.parent_id = %(district)s AND st.level = 4 ORDER BY st.path
"""

STATEMENTS = {
    "progress": PROGRESS_SQL,
    "progress last month": PROGRESS_SQL,
    "trend": TREND_SQL,
    "funnel": FUNNEL_SQL,
    "mix": MIX_SQL,
    "money": MONEY_SQL,
    "voice": VOICE_SQL,
    "alerts": ALERTS_SQL,
    "alerts: idle": ALERTS_IDLE_SQL,
    "map": MAP_SQL,
    "streets compared": STREETS_SQL,
}
# The city's page compares its districts from the progress: no statement of its own.
CITY_STATEMENTS = [name for name in STATEMENTS if name != "streets compared"]


def run(name, params):
    if name == "progress last month":
        params = {**params, "as_of": params["previous"]}
    with connection.cursor() as cursor:
        cursor.execute(STATEMENTS[name], params)
        return cursor.fetchall()


def hand_sql(params):
    """Every statement, and the Python a page needs to lay out their rows (none to speak of)."""
    return {name: run(name, params) for name in CITY_STATEMENTS}


def parameters(city, year, as_of):
    days = idle_days_by_city(FundReceipt.objects.filter(city=city).values("city").distinct(), as_of)
    idle = days.get(city.pk, DEFAULT_IDLE_DAYS)
    tz = settings.TIME_ZONE
    after = timezone.make_aware(
        datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time())
    )
    return {
        "city": city.pk,
        "year": year,
        "as_of": as_of,
        "today": timezone.localdate(),
        "previous": previous_month_end(as_of),
        "ends": month_ends(year, as_of),
        "year_start": datetime.date(year, 1, 1),
        "path": city.path + "%",
        "tz": tz,
        "after": after,
        "cutoff": as_of - datetime.timedelta(days=idle),
        "stages": list(Project.Stage.values),
        # bench_monthly_report's statement reads these too
        "days": 0,
        "district": None,
    }


# --- Checks: the SQL finds the page's numbers -----------------------------------------------------


def sections_of(scope):
    from reports.dashboard.sections import build_sections

    return {section.key: section for section in build_sections(scope)}


def check(scope, hand):
    """Print each section's figures against the SQL's; return the number of differences."""
    differences = []

    def same(what, page, sql):
        if page != sql:
            differences.append(what)
            print(f"  DIFFERENT {what}: page {str(page)[:300]} / SQL {str(sql)[:300]}")
        else:
            print(f"  same {what}: {str(page)[:100]}")

    check_same_figures(scope.progress, hand["progress"], scope.city)
    sections = sections_of(scope)
    trend = sections["trend"].chart
    same(
        "trend",
        (trend["started"], trend["completed"]),
        ([r[1] for r in hand["trend"]], [r[2] for r in hand["trend"]]),
    )
    if "funnel" in sections:
        page = {row[0]: row[1] for row in sections["funnel"].tables[0].rows if row[1]}
        stages = dict(Project.Stage.choices)
        same("projects per stage", page, {str(stages[r[0]]): r[1] for r in hand["funnel"]})
    if "mix" in sections:
        same(
            "items per category",
            [(row[0], row[1], row[2]) for row in sections["mix"].tables[0].rows],
            [(r[1], r[2], in_wan(r[3])) for r in hand["mix"]],
        )
    if "money" in sections:
        table = sections["money"].tables[0]
        same(
            "money per source",
            [tuple(row[:5]) for row in table.rows],
            [(r[1], *(in_wan(amount) for amount in r[2:6])) for r in hand["money"]],
        )
    if "voice" in sections:
        voice = sections["voice"].data
        row = hand["voice"][0]
        support = voice["support"]
        same(
            "support",
            [
                support[k] or 0
                for k in ("compounds", "surveyed", "meeting", "passing", "households", "agreeing")
            ],
            [v or 0 for v in row[:6]],
        )
        same("satisfaction answers", voice["satisfaction"].answered, row[6])
        if voice["complaints"] is not None:
            c = voice["complaints"]
            same(
                "complaints",
                [c[k] for k in ("received", "assigned", "open", "overdue", "year")],
                list(row[-5:]),
            )
    if "alerts" in sections:
        page = {kind.key: kind.total for kind in sections["alerts"].data}
        sql = {r[0]: r[1] for r in hand["alerts"]}
        sql["idle"] = hand["alerts: idle"][0][0] if hand["alerts: idle"] else 0
        same("alert counts", page, {key: sql.get(key, 0) for key in page})
    if "map" in sections:
        chart = sections["map"].chart or {"points": []}
        order = len(Project.Stage.values)
        per_stage = [0] * (order + 1)
        for r in hand["map"]:
            per_stage[(r[6] - 1) if r[6] else order] += 1
        same("compounds on the map", len(chart["points"]), sum(1 for r in hand["map"] if r[2] is not None))
        same("compounds per stage", [s["count"] for s in chart.get("stages", [])] or per_stage, per_stage)
    return differences


# --- Timing ---------------------------------------------------------------------------------------


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def request(client, url, cold=False):
    if cold:
        cache.clear()
    started = time.perf_counter()
    response = client.get(url)
    spent = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    return spent


def section_times(user, city, year, as_of, region):
    """{part: ms} of one build: scope.progress, scope.previous, then each section's build()."""
    scope = Scope(user=user, city=city, year=year, as_of=as_of, region=region)
    spent = {
        "scope.progress": timed(lambda: scope.progress)[0],
        "scope.previous": timed(lambda: scope.previous)[0],
    }
    for name in SECTIONS:
        spent[name.rsplit(".", 1)[1]] = timed(import_string(f"{name}.build"), scope)[0]
    return spent


def explain(client, url):
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    slowest = sorted(queries.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:5]
    with connection.cursor() as cursor:
        for query in slowest:
            print(f"\n--- {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}…")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=None)
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
    today = timezone.localdate()
    year = args.year or today.year
    as_of = min(today, datetime.date(year, 12, 31))
    bureau = Organisation.objects.get(region=city, kind=Organisation.Kind.CITY_BUREAU)
    staff = persona("bench_dashboard_city_staff", bureau, CITY_STAFF)
    district = max(
        Region.objects.filter(parent=city, level=Region.Level.DISTRICT).order_by("path"),
        key=lambda d: Project.objects.filter(
            city=city, plan_year=year, region__path__startswith=d.path
        ).count(),
    )
    params = parameters(city, year, as_of)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, DEBUG={os.environ['DEBUG']}")
    print(
        f"province: {Project.objects.count():,} projects; {city.name}: "
        f"{Project.objects.filter(city=city).count():,} projects, {Project.objects.filter(city=city, plan_year=year).count():,} "
        f"of {year}; as of {as_of}; drilled into {district.name} "
        f"({Project.objects.filter(city=city, plan_year=year, region__path__startswith=district.path).count()} projects of {year})"
    )

    scope = Scope(user=staff, city=city, year=year, as_of=as_of, region=city)
    print("checks (the SQL finds the page's figures):")
    differences = check(scope, hand_sql(params))

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(staff)
    query = f"?city={city.pk}&year={year}&as_of={as_of.isoformat()}"
    pages = {"page, city": PAGE + query, "page, district": PAGE + query + f"&region={district.pk}"}
    for url in pages.values():
        request(client, url)  # warm-up
    counts, sizes = {}, {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            sizes[name] = len(client.get(url).content)
        counts[name] = (len(queries), sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    if args.explain:
        explain(client, pages["page, city"])

    # Each page against the SQL of its own area.
    areas = {
        "page, city": params,
        "page, district": {**params, "path": district.path + "%", "district": district.pk},
    }
    drilled = sections_of(Scope(user=staff, city=city, year=year, as_of=as_of, region=district))
    streets = [list(row) for row in drilled["compare"].tables[0].rows]
    hand = [list(row) for row in run("streets compared", areas["page, district"])]
    print(
        f"  {'same' if streets == hand else 'DIFFERENT'} streets compared in {district.name}: {streets[:2]} / {hand[:2]}"
    )
    references = {"page, city": "SQL, city", "page, district": "SQL, district"}
    colds = {f"{name}, cache emptied": name for name in pages}
    times = {name: [] for name in (*pages, *colds, *references.values())}
    parts = {}
    statement_times = {name: [] for name in STATEMENTS}
    for _round in range(args.rounds):
        for _ in range(args.repeat):
            # The cache emptied, the page built (and kept); then read again from the cache.
            for cold, name in colds.items():
                times[cold].append(request(client, pages[name], cold=True))
                times[name].append(request(client, pages[name]))
            for page, reference in references.items():
                started = time.perf_counter()
                for name in CITY_STATEMENTS if page == "page, city" else STATEMENTS:
                    spent = timed(run, name, areas[page])[0]
                    if page == "page, city":
                        statement_times[name].append(spent)
                times[reference].append((time.perf_counter() - started) * 1000)
        for area, region in (("city", city), ("district", district)):
            for part, spent in section_times(staff, city, year, as_of, region).items():
                parts.setdefault(part, {}).setdefault(area, []).append(spent)

    medians = {name: statistics.median(values) for name, values in times.items()}
    against = {**references, **{cold: references[name] for cold, name in colds.items()}}
    print(f"\nmedians of {args.rounds} rounds × {args.repeat} requests (ms):")
    print(f"  {'':30}{'median ms':>10}{'× SQL':>8}   queries (their time), page size")
    for name, value in medians.items():
        ratio = value / medians[against[name]] if name in against else 1
        extra = (
            f"   {counts[name][0]} ({counts[name][1]:.0f} ms), {sizes[name] // 1024} KB"
            if name in counts
            else f"   {len(CITY_STATEMENTS) if name == 'SQL, city' else len(STATEMENTS)}"
            if name.startswith("SQL")
            else ""
        )
        print(f"  {name:30}{value:>10.1f}{ratio:>8.2f}{extra}")
    print("\nthe hand-written SQL of the city, statement by statement (median ms):")
    for name, values in statement_times.items():
        if values:
            print(f"  {name:30}{statistics.median(values):>10.1f}")
    print("\neach page's build, part by part (median ms of the rounds; the rest is template and middleware):")
    print(f"  {'':30}{'city':>10}{'district':>10}")
    built = {"city": 0, "district": 0}
    for part, values in parts.items():
        value = {area: statistics.median(spent) for area, spent in values.items()}
        for area in built:
            built[area] += value[area]
        print(f"  {part:30}{value['city']:>10.1f}{value['district']:>10.1f}")
    print(f"  {'sum of the parts':30}{built['city']:>10.1f}{built['district']:>10.1f}")
    rest = {area: medians[f"page, {area}, cache emptied"] - built[area] for area in built}
    print(f"  {'template, menu, middleware':30}{rest['city']:>10.1f}{rest['district']:>10.1f}")

    ratios = {name: medians[name] / medians[reference] for name, reference in references.items()}
    summary = ", ".join(f"{name} {ratio:.2f}×" for name, ratio in ratios.items())
    # With the sections cached (reports/dashboard/cache.py), the first request after a write builds
    # them: that one is the page with the cache emptied.
    summary += (
        " (the cache emptied: "
        + ", ".join(
            f"{name} {medians[cold] / medians[references[name]]:.2f}×" for cold, name in colds.items()
        )
        + ")"
    )
    if differences:
        print(f"\nfigures differing between the page and the SQL: {', '.join(differences)}")
    if any(ratio > LIMIT for ratio in ratios.values()):
        print(f"\nabove the {LIMIT}× target: {summary}")
        sys.exit(1)
    print(f"\nwithin target (≤ {LIMIT}× the hand-written SQL): {summary}")


if __name__ == "__main__":
    main()
