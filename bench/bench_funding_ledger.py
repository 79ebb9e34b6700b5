"""The city ledger (/funding/ledger/) and its export at province scale, against hand-written SQL
computing the same sums, in one run.

    createdb -h 127.0.0.1 -U postgres bench_ledger
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ledger
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_synthetic --scale province --seed 1
    .venv/bin/python bench/bench_funding_ledger.py [--rounds 5 --repeat 5] [--explain]

Target (issue 11): at province scale (≈ 6,300 projects, ≈ 60,000 ledger rows) the city ledger page
and its export run a constant number of queries (a test: tests/funding/test_ledger.py) and stay
within 2× of hand-written SQL computing the same sums in the same run.

The user is city staff of the first synthetic city (示范市). What is timed, per round, alternating:

- the page: this year (the default) and every year (``?year=``), through the test client (whole
  middleware stack, template, menu);
- the hand-written SQL of the page: the same sums in plain SQL through a cursor (district × source,
  the first 20 projects with the paginator's count and their sums by source, the four warnings);
- the export (``?export=xlsx``, this year), and the hand-written SQL of the export (every project of
  the city by source, the district sums, the warnings, the projects' and districts' names) alone,
  and then written into the same three sheets by the export's own writer (the same cells and
  formats): a file of that size takes its time to write whoever computes its figures.

Before timing, the script checks that the hand-written SQL finds the same figures as the page (the
district × source sums, the total, the number of warnings). ``--explain`` prints ``EXPLAIN ANALYZE``
of the page's slowest statements. Exits 1 when the page or the export (against SQL and workbook) is
slower than 2×.
"""

import argparse
import datetime
import io
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.pages import measure, persona  # noqa: E402
from funding.ledger import city_ledger, ledger_rows, sources_for  # noqa: E402
from funding.ledger_warnings import ledger_warnings  # noqa: E402
from funding.models import DEFAULT_IDLE_DAYS, Disbursement, FundingPlanLine, FundReceipt  # noqa: E402
from org.models import Organisation, Region, User  # noqa: E402
from org.roles import CITY_STAFF  # noqa: E402
from projects.demo.synthetic_regions import PROVINCE_PATH  # noqa: E402

LIMIT = 2.0
LEDGER = "/funding/ledger/"
PAGE_SIZE = 20

SCOPE = """
    scope AS (
        SELECT p.id, p.name, r.path,
               CASE r.level WHEN 3 THEN r.id WHEN 4 THEN r.parent_id END AS district
        FROM projects_project p JOIN org_region r ON r.id = p.region_id
        WHERE r.path LIKE %(path)s
    )"""
# Every row of the year, as a row of six figures: plan, before the year in and out, in the year in
# and out, under review.
YEAR_ROWS = """
    figures AS (
        SELECT project_id, source_id, amount AS planned, 0 AS carried_in, 0 AS received,
               0 AS carried_out, 0 AS released, 0 AS requested
        FROM funding_fundingplanline WHERE year = %(year)s
        UNION ALL
        SELECT project_id, source_id, 0,
               CASE WHEN received_on < %(start)s THEN amount ELSE 0 END,
               CASE WHEN received_on >= %(start)s THEN amount ELSE 0 END, 0, 0, 0
        FROM funding_fundreceipt WHERE received_on <= %(end)s
        UNION ALL
        SELECT project_id, source_id, 0, 0, 0,
               CASE WHEN state = 'released' AND paid_on < %(start)s THEN amount ELSE 0 END,
               CASE WHEN state = 'released' AND paid_on >= %(start)s THEN amount ELSE 0 END,
               CASE WHEN state = 'requested' THEN amount ELSE 0 END
        FROM funding_disbursement
        WHERE (state = 'released' AND paid_on <= %(end)s) OR (state = 'requested' AND created_at < %(after)s)
    )"""
SUMS = """SUM(f.planned), SUM(f.carried_in) - SUM(f.carried_out), SUM(f.received), SUM(f.released),
    SUM(f.requested)"""

DISTRICT_SUMS = f"""
    WITH {SCOPE}, {YEAR_ROWS}
    SELECT s.district, d.name, f.source_id, {SUMS}
    FROM figures f JOIN scope s ON s.id = f.project_id LEFT JOIN org_region d ON d.id = s.district
    GROUP BY s.district, d.name, d.path, f.source_id ORDER BY d.path, f.source_id"""

ACTIVE_PROJECTS = f"""
    WITH {SCOPE},
    carried AS (
        SELECT r.project_id FROM funding_fundreceipt r JOIN scope s ON s.id = r.project_id
        WHERE r.received_on < %(start)s GROUP BY r.project_id
        HAVING SUM(r.amount) > COALESCE((
            SELECT SUM(d.amount) FROM funding_disbursement d
            WHERE d.project_id = r.project_id AND d.state = 'released' AND d.paid_on < %(start)s), 0)
    ),
    active AS (
        SELECT project_id FROM funding_fundingplanline WHERE year = %(year)s
        UNION SELECT project_id FROM funding_fundreceipt WHERE received_on BETWEEN %(start)s AND %(end)s
        UNION SELECT project_id FROM funding_disbursement
              WHERE (state = 'released' AND paid_on BETWEEN %(start)s AND %(end)s) OR state = 'requested'
        UNION SELECT project_id FROM carried
    )
    SELECT s.id, s.name, s.district FROM scope s JOIN active a ON a.project_id = s.id"""

PROJECT_SUMS = f"""
    WITH {YEAR_ROWS}
    SELECT f.project_id, f.source_id, {SUMS} FROM figures f
    WHERE f.project_id = ANY(%(projects)s) GROUP BY f.project_id, f.source_id"""

ALL_PROJECT_SUMS = f"""
    WITH {SCOPE}, {YEAR_ROWS}
    SELECT f.project_id, f.source_id, {SUMS} FROM figures f JOIN scope s ON s.id = f.project_id
    GROUP BY f.project_id, f.source_id"""

WARNINGS = [
    # received above plan
    f"""WITH {SCOPE},
    planned AS (SELECT project_id, source_id, SUM(amount) AS planned FROM funding_fundingplanline GROUP BY 1, 2)
    SELECT r.project_id, s.name, r.source_id, SUM(r.amount), COALESCE(pl.planned, 0)
    FROM funding_fundreceipt r JOIN scope s ON s.id = r.project_id
    LEFT JOIN planned pl ON pl.project_id = r.project_id AND pl.source_id = r.source_id
    GROUP BY r.project_id, s.name, r.source_id, pl.planned HAVING SUM(r.amount) > COALESCE(pl.planned, 0)""",
    # paid ahead of the works
    f"""WITH {SCOPE},
    released AS (SELECT d.project_id, SUM(d.amount) AS released FROM funding_disbursement d
                 JOIN scope s ON s.id = d.project_id WHERE d.state = 'released' GROUP BY 1),
    received AS (SELECT r.project_id, SUM(r.amount) AS received FROM funding_fundreceipt r
                 JOIN scope s ON s.id = r.project_id GROUP BY 1),
    built AS (SELECT i.project_id, SUM(COALESCE(i.bid_price, i.estimated_cost, 0) * i.progress) AS weighted,
                     SUM(COALESCE(i.bid_price, i.estimated_cost, 0)) AS weight, AVG(i.progress) AS average
              FROM projects_projectitem i JOIN scope s ON s.id = i.project_id GROUP BY 1)
    SELECT p.project_id, s.name, p.released, r.received
    FROM released p JOIN received r USING (project_id) JOIN scope s ON s.id = p.project_id
    LEFT JOIN built b USING (project_id)
    WHERE p.released > 0 AND r.received > 0 AND p.released * 100 / r.received >
          CASE WHEN b.weight > 0 THEN b.weighted / b.weight ELSE COALESCE(b.average, 0) END""",
    # idle funds
    f"""WITH {SCOPE},
    received AS (SELECT r.project_id, r.source_id, SUM(r.amount) AS received, MIN(r.received_on) AS first,
                        COALESCE(SUM(r.amount) FILTER (WHERE r.received_on >= %(cutoff)s AND r.reverses_id IS NULL), 0)
                            AS recent
                 FROM funding_fundreceipt r JOIN scope s ON s.id = r.project_id GROUP BY 1, 2),
    paid AS (SELECT d.project_id, d.source_id, SUM(d.amount) AS committed,
                    MAX(COALESCE(d.paid_on, (d.created_at AT TIME ZONE 'Asia/Shanghai')::date))
                        FILTER (WHERE d.reverses_id IS NULL) AS last_out
             FROM funding_disbursement d JOIN scope s ON s.id = d.project_id
             WHERE d.state IN ('released', 'requested') GROUP BY 1, 2)
    SELECT r.project_id, s.name, r.source_id, r.received - COALESCE(p.committed, 0) - r.recent, p.last_out, r.first
    FROM received r JOIN scope s ON s.id = r.project_id
    LEFT JOIN paid p ON p.project_id = r.project_id AND p.source_id = r.source_id
    WHERE r.received - COALESCE(p.committed, 0) - r.recent > 0 AND (p.last_out IS NULL OR p.last_out < %(cutoff)s)""",
    # earmarked money for items of another category
    f"""WITH {SCOPE}
    SELECT d.id, s.name, d.amount, d.payee, ri.name, c.name
    FROM funding_disbursement_items t JOIN funding_disbursement d ON d.id = t.disbursement_id
    JOIN scope s ON s.id = d.project_id JOIN funding_fundingsource src ON src.id = d.source_id
    JOIN projects_projectitem i ON i.id = t.projectitem_id JOIN projects_renovationitem ri ON ri.id = i.item_id
    JOIN projects_itemcategory c ON c.id = ri.category_id
    WHERE d.state IN ('released', 'requested') AND d.reverses_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM funding_disbursement x WHERE x.reverses_id = d.id)
      AND src.category IN ('central', 'provincial') AND c.code NOT IN ('basic', 'improve')
    ORDER BY d.id""",
]


def parameters(city, year, today):
    after = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    return {
        "path": f"{city.path}%",
        "year": year,
        "start": datetime.date(year, 1, 1),
        "end": datetime.date(year, 12, 31),
        "after": after,
        "cutoff": today - datetime.timedelta(days=DEFAULT_IDLE_DAYS),
    }


def hand_page(params):
    """The page's sums by hand: districts × sources, the paginator's count and first page, that
    page's sums, the warnings. Returns (district rows, warning count)."""
    with connection.cursor() as cursor:
        cursor.execute(DISTRICT_SUMS, params)
        districts = cursor.fetchall()
        cursor.execute(f"SELECT COUNT(*) FROM ({ACTIVE_PROJECTS}) x", params)
        cursor.fetchone()
        cursor.execute(
            f"WITH x AS ({ACTIVE_PROJECTS}) SELECT x.id, x.name FROM x "
            "JOIN projects_project p ON p.id = x.id JOIN org_region r ON r.id = p.region_id "
            f"ORDER BY r.path, x.name, x.id LIMIT {PAGE_SIZE}",
            params,
        )
        page = [row[0] for row in cursor.fetchall()]
        cursor.execute(PROJECT_SUMS, {**params, "projects": page})
        cursor.fetchall()
        warnings = 0
        for statement in WARNINGS:
            cursor.execute(statement, params)
            warnings += len(cursor.fetchall())
    return districts, warnings


def hand_export(params):
    """The export's figures by hand: every project by source, the districts, the warnings."""
    with connection.cursor() as cursor:
        cursor.execute(DISTRICT_SUMS, params)
        districts = cursor.fetchall()
        cursor.execute(ACTIVE_PROJECTS, params)
        projects = cursor.fetchall()
        cursor.execute(ALL_PROJECT_SUMS, params)
        sums = cursor.fetchall()
        cursor.execute("SELECT id, name FROM funding_fundingsource")
        sources = dict(cursor.fetchall())
        warnings = []
        for statement in WARNINGS:
            cursor.execute(statement, params)
            warnings += cursor.fetchall()
    return districts, projects, sums, sources, warnings


def hand_workbook(figures):
    """The same three sheets, from the hand-written SQL's rows, by the export's own sheet writer
    (the same cells with the same formats: only where the figures come from differs)."""
    from openpyxl import Workbook

    from funding.ledger_export import _Sheet

    districts, projects, sums, sources, warnings = figures
    names = {pk: (name, district) for pk, name, district in projects}
    district_names = {district: name for district, name, *_rest in districts}
    headers = [
        "区县",
        "项目",
        "资金来源",
        "计划",
        "上年结转",
        "到位",
        "已拨付",
        "审核中",
        "可用",
        "到位率",
        "拨付率",
    ]

    def figures_of(planned, carried, received, released, requested):
        funds = carried + received
        money = [
            v / 10000 for v in (planned, carried, received, released, requested, funds - released - requested)
        ]
        rates = [received * 100 / planned if planned else None, released * 100 / funds if funds else None]
        return money, rates

    workbook = Workbook(write_only=True)
    detail = _Sheet(workbook, "资金台账", heading="title", note="note", headers=headers, widths=[12] * 11)
    for project, source, *values in sorted(
        sums, key=lambda row: (names.get(row[0], ("", 0))[1] or 0, names.get(row[0], ("",))[0], row[1])
    ):
        if project in names and any(values):
            name, district = names[project]
            detail.row([district_names.get(district, ""), name, sources[source]], *figures_of(*values))
    summary = _Sheet(workbook, "按区县和资金来源", heading="title", note="note", headers=headers[:1] + headers[2:],
                     widths=[12] * 10)  # fmt: skip
    for _district, name, source, *values in districts:
        summary.row([name, sources[source]], *figures_of(*values))
    flagged = _Sheet(
        workbook, "预警", heading="title", note="note", headers=["预警", "项目", "情况"], widths=[18, 36, 80]
    )
    for row in warnings:
        flagged.row([str(value) for value in row[:3]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def check_same_figures(user, params, year):
    """The hand-written SQL finds the page's figures (its selectors'): districts × sources, the
    total, the warnings."""
    user = User.objects.get(pk=user.pk)
    ledger = city_ledger(ledger_rows(user, year=year), {s.pk: s for s in sources_for(user)})
    warning_count = len(ledger_warnings(user))
    page = {
        (block.district.pk if block.district else None, row.source.pk): (
            row.sums.planned, row.sums.carried, row.sums.received, row.sums.released, row.sums.requested,
        )
        for block in ledger.districts
        for row in block.rows
    }  # fmt: skip
    districts, warnings = hand_page(params)
    hand = {
        (district, source): tuple(Decimal(v) for v in values)
        for district, _name, source, *values in districts
        if any(values)
    }
    if page != hand:
        differing = sorted(set(page.items()) ^ set(hand.items()), key=str)[:6]
        sys.exit(f"the page and the hand-written SQL disagree: {differing}")
    if warning_count != warnings:
        sys.exit(f"warnings: the page finds {warning_count}, the SQL {warnings}")
    total = ledger.total
    print(
        f"figures agree: {len(page)} district × source rows; total planned {total.planned / 10000:,.2f} 万元, "
        f"received {total.received / 10000:,.2f}, released {total.released / 10000:,.2f}, "
        f"under review {total.requested / 10000:,.2f}; {warnings} warnings"
    )


def explain(params, client):
    with CaptureQueriesContext(connection) as captured:
        client.get(LEDGER)
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:4]
    with connection.cursor() as cursor:
        for query in slowest:
            print(f"\n--- {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}…")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (DATABASE_URL=postgres://…).")
    city = (
        Region.objects.filter(path__startswith=PROVINCE_PATH, level=Region.Level.CITY)
        .order_by("path")
        .first()
    )
    if city is None or not FundReceipt.objects.filter(city=city).exists():
        sys.exit("No synthetic funding: run manage.py generate_synthetic --scale province --seed 1 first.")
    bureau = Organisation.objects.get(region=city, kind=Organisation.Kind.CITY_BUREAU)
    staff = persona("bench_ledger_city_staff", bureau, CITY_STAFF)
    today = timezone.localdate()
    year = today.year
    params = parameters(city, year, today)
    province = {
        "projects": FundingPlanLine.objects.values("project").distinct().count(),
        "plan lines": FundingPlanLine.objects.count(),
        "receipts": FundReceipt.objects.count(),
        "disbursements": Disbursement.objects.count(),
    }
    in_city = {
        "receipts": FundReceipt.objects.filter(city=city).count(),
        "disbursements": Disbursement.objects.filter(city=city).count(),
    }
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, DEBUG={os.environ['DEBUG']}")
    print("province: " + ", ".join(f"{n:,} {what}" for what, n in province.items()))
    print(f"{city.name}: " + ", ".join(f"{n:,} {what}" for what, n in in_city.items()) + f"; year {year}")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(staff)
    check_same_figures(staff, params, year)
    if args.explain:
        explain(params, client)

    pages = {
        "page": f"{LEDGER}",
        "page, every year": f"{LEDGER}?year=",
        "export": f"{LEDGER}?export=xlsx",
    }
    times = {name: [] for name in (*pages, "SQL of the page", "SQL of the export", "SQL + workbook")}
    queries = {}
    for _round in range(args.rounds):
        for name, url in pages.items():
            spent, count, _sql, response = measure(
                client, url, args.repeat, args.warmup if _round == 0 else 0
            )
            times[name] += spent
            queries[name] = count
            if name == "export":
                size = len(response.content)
        for _ in range(args.repeat):
            times["SQL of the page"].append(timed(hand_page, params)[0])
            spent, figures = timed(hand_export, params)
            times["SQL of the export"].append(spent)
            times["SQL + workbook"].append(spent + timed(hand_workbook, figures)[0])
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"\nmedians of {args.rounds} rounds × {args.repeat} requests (ms):")
    for name, value in medians.items():
        extra = f", {queries[name]} queries" if name in queries else ""
        print(f"  {name:<20} {value:8.1f}{extra}")
    print(f"  (the export is {size / 1024:,.0f} KB)")
    ratios = {
        "page / SQL of the page": medians["page"] / medians["SQL of the page"],
        "export / SQL of the export": medians["export"] / medians["SQL of the export"],
        "export / (SQL + workbook)": medians["export"] / medians["SQL + workbook"],
    }
    for name, ratio in ratios.items():
        print(f"  {name:<28} {ratio:.2f}×")
    failed = ratios["page / SQL of the page"] > LIMIT or ratios["export / (SQL + workbook)"] > LIMIT
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
