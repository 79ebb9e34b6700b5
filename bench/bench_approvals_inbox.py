"""A city reviewer's inbox (/approvals/) with 2,000 open requests, against the compound list in one run.

    createdb -h 127.0.0.1 -U postgres bench_inbox
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_inbox
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_synthetic --scale province --seed 1
    .venv/bin/python bench/bench_approvals_inbox.py [--rounds 5 --repeat 8] [--rebuild] [--explain]

Target (issue 10): the inbox of a city reviewer with 2,000 open requests renders within 1.5× of the
compound list's time in the same run, and the 待办 count in the menu costs one query.

On first run (or with ``--rebuild``) every city of the synthetic province gets the four seeded flows
(``approvals.seeding.seed_city_flows``), the city departments the synthetic data lacks (finance,
development and reform, natural resources, administrative approval, the leading group), and requests
written in bulk as ``request_submit`` would leave them (the request with its subject's region path,
one assignment per organisation awaited, one submit step with the facts):

- every project of the city has an approved 年度计划申报 (four decided assignments) and a pending
  项目联合审查与批复 at 联合审查 (会签 of five departments; some have already approved, finance has
  not), submitted over the last 20 days with a deadline of 10 working days, so about a third are
  overdue;
- the first projects also have a pending 资金拨付审核 at 财政部门审核, until the city's finance bureau
  awaits 2,000 requests.

The first city's 2,000 are what the reviewer (role dept_reviewer of that city's finance bureau)
sees; the city's approved declarations, the stages other departments await and the other three
cities' ≈6,000 open requests are the noise. The reference is the compound list (the city's ≈10,000
compounds) as the same reviewer, and as city staff of the city bureau, as ``bench_compound_list.py``
measures it. Both pages carry the same menu with its 待办 count. Rounds alternate the pages; the
figure is the median of every request after warm-up. ``--explain`` prints ``EXPLAIN ANALYZE`` of
the inbox page's slowest queries. Exits 1 when the inbox is slower than 1.5× the reference.
"""

import argparse
import datetime
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

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from approvals.models import ApprovalRequest, Assignment, Flow, Step  # noqa: E402
from approvals.seeding import JOINT_REVIEW, seed_city_flows  # noqa: E402
from approvals.selectors import inbox_count, inbox_for  # noqa: E402
from approvals.workdays import add_working_days  # noqa: E402
from bench.pages import measure, persona  # noqa: E402
from org.models import Organisation, Region, User  # noqa: E402
from org.roles import CITY_STAFF, DEPT_REVIEWER, DISTRICT_STAFF  # noqa: E402
from projects.demo.synthetic_regions import PROVINCE_PATH  # noqa: E402
from projects.models import Compound, Project  # noqa: E402

K = Organisation.Kind
State = ApprovalRequest.State
MARK = "bench_inbox_"  # usernames of the bench's users: their requests are the bench's
TARGET = 2000
LIMIT = 1.5
INBOX = "/approvals/"
REFERENCE = "/projects/compounds/"
OTHER_INBOX_URLS = ("/approvals/?sort=-due_on", "/approvals/?page=50")

# The city departments of the seeded flows that the synthetic province has no organisation for.
DEPARTMENTS = {
    K.FINANCE: "财政局",
    K.DEVELOPMENT_REFORM: "发展和改革委员会",
    K.NATURAL_RESOURCES: "自然资源和规划局",
    K.ADMIN_APPROVAL: "行政审批服务局",
    K.LEADING_GROUP: "老旧小区改造工作领导小组",
}


def cities():
    return list(
        Region.objects.filter(path__startswith=PROVINCE_PATH, level=Region.Level.CITY).order_by("path")
    )


def departments(city):
    """{kind: organisation} of the city's own departments, created where missing."""
    for kind, name in DEPARTMENTS.items():
        Organisation.objects.get_or_create(region=city, kind=kind, defaults={"name": f"{city.name}{name}"})
    return {o.kind: o for o in Organisation.objects.filter(region=city)}


def prefix(path, depth):
    return "".join(f"{code}/" for code in path.split("/")[:depth])


class Builder:
    """Requests of one city in bulk, as ``request_submit`` (and later decisions) would leave them."""

    def __init__(self, city, rng, now):
        self.city, self.rng, self.now = city, rng, now
        seed_city_flows(city)
        self.departments = departments(city)
        self.flows = {f.code: f for f in Flow.objects.filter(city=city)}
        self.versions = {code: flow.current_version() for code, flow in self.flows.items()}
        self.stages = {
            code: {s.order: s for s in version.stages.prefetch_related("actors")}
            for code, version in self.versions.items()
        }
        offices = Organisation.objects.filter(region__path__startswith=city.path).select_related("region")
        self.bureaus = {o.region.path: o for o in offices if o.kind == K.DISTRICT_BUREAU}
        self.street_offices = {o.region.path: o for o in offices if o.kind == K.STREET_OFFICE}
        self.submitters = {
            path: persona(f"{MARK}{bureau.region.code}", bureau, DISTRICT_STAFF)
            for path, bureau in self.bureaus.items()
        }
        self.content_type = ContentType.objects.get_for_model(Project)
        self.rows = []  # (request, [(stage, organisation, decided)], facts)

    def add(self, project, code, *, order, state, decided_kinds=()):
        """One request of ``project`` in flow ``code``: pending at stage ``order`` (its organisations
        awaited, but those of ``decided_kinds``), or approved (every stage's organisations decided)."""
        district = prefix(project.region.path, 3)
        submitter = self.submitters[district]
        submitted_at = self.now - datetime.timedelta(minutes=self.rng.randrange(20 * 24 * 60))
        stage = self.stages[code][order] if state == State.PENDING else None
        request = ApprovalRequest(
            content_type=self.content_type, object_id=str(project.pk), subject_repr=str(project)[:200],
            region_path=project.region.path, flow=self.flows[code], flow_version=self.versions[code],
            state=state, current_stage=stage, round=1, submitter=submitter,
            submitter_organisation_id=submitter.organisation_id, submitted_at=submitted_at,
            due_on=add_working_days(timezone.localtime(submitted_at).date(), stage.deadline_days) if stage else None,
            decided_at=submitted_at + datetime.timedelta(days=3) if state == State.APPROVED else None,
        )  # fmt: skip
        if state == State.APPROVED:
            turns = [(s, o, True) for s in self.stages[code].values() for o in self.acting(s, project)]
        else:
            turns = [(stage, o, o.kind in decided_kinds) for o in self.acting(stage, project)]
        facts = {"name": project.name, "area_level": "街道" if project.region.level >= 4 else "区县"}
        self.rows.append((request, turns, facts))

    def acting(self, stage, project):
        found = []
        for actor in stage.actors.all():
            if actor.kind == K.STREET_OFFICE:
                office = self.street_offices.get(prefix(project.region.path, 4))
                if office is not None and project.region.level >= Region.Level.STREET:
                    found.append(office)
            elif actor.kind == K.DISTRICT_BUREAU:
                found.append(self.bureaus[prefix(project.region.path, 3)])
            else:
                found.append(self.departments[actor.kind])
        return found

    def save(self):
        requests = ApprovalRequest.objects.bulk_create(
            [r for r, _turns, _facts in self.rows], batch_size=2000
        )
        Assignment.objects.bulk_create(
            [
                Assignment(request=r, stage=stage, round=1, organisation=o, decided=decided)
                for r, (_r, turns, _facts) in zip(requests, self.rows, strict=True)
                for stage, o, decided in turns
            ],
            batch_size=5000,
        )
        Step.objects.bulk_create(
            [
                Step(
                    request=r,
                    round=1,
                    actor=r.submitter,
                    actor_organisation_id=r.submitter_organisation_id,
                    action=Step.Action.SUBMIT,
                    opinion="请审核",
                    facts=facts,
                )
                for r, (_r, _turns, facts) in zip(requests, self.rows, strict=True)
            ],
            batch_size=2000,
        )
        return len(requests)


def build(rng):
    """The bench's requests in every city; returns how many."""
    now = timezone.now()
    total = 0
    for city in cities():
        with transaction.atomic():
            builder = Builder(city, rng, now)
            projects = list(Project.objects.filter(city=city).select_related("region").order_by("pk"))
            others = [kind for kind in JOINT_REVIEW if kind != K.FINANCE]
            for project in projects:
                builder.add(project, Flow.Code.PLAN_DECLARATION, order=1, state=State.APPROVED)
                decided = [kind for kind in others if rng.random() < 0.3]
                builder.add(
                    project, Flow.Code.PROJECT_APPROVAL, order=1, state=State.PENDING, decided_kinds=decided
                )
            for project in projects[: max(0, TARGET - len(projects))]:
                builder.add(project, Flow.Code.DISBURSEMENT, order=1, state=State.PENDING)
            total += builder.save()
    with connection.cursor() as cursor:
        for table in ("approvals_approvalrequest", "approvals_assignment", "approvals_step"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return total


def bench_requests():
    return ApprovalRequest.objects.filter(submitter__username__startswith=MARK)


def explain(client, url, top=4):
    """EXPLAIN ANALYZE of the page's slowest SELECTs."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:top]
    with connection.cursor() as cursor:
        for query in slowest:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            print(f"\n-- {float(query['time']) * 1000:.1f} ms: {query['sql'][:400]}")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--rebuild", action="store_true", help="delete the bench's requests and write them again"
    )
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    if not cities():
        sys.exit("No synthetic data: run manage.py generate_synthetic --scale province --seed 1 first.")
    if args.rebuild:
        started = time.perf_counter()
        deleted = bench_requests().delete()[0]
        print(f"deleted {deleted} rows in {time.perf_counter() - started:.1f} s")
    if not bench_requests().exists():
        started = time.perf_counter()
        made = build(random.Random(1))
        print(f"wrote {made} requests in {time.perf_counter() - started:.1f} s")

    city = cities()[0]
    finance = Organisation.objects.get(region=city, kind=K.FINANCE)
    bureau = Organisation.objects.get(region=city, kind=K.CITY_BUREAU)
    reviewer = persona(f"{MARK}finance", finance, DEPT_REVIEWER)
    staff = persona(f"{MARK}city_staff", bureau, CITY_STAFF)
    waiting = inbox_for(User.objects.get(pk=reviewer.pk)).count()
    overdue = inbox_for(User.objects.get(pk=reviewer.pk)).filter(overdue=True).count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, DEBUG={os.environ['DEBUG']}")
    print(
        f"requests: {ApprovalRequest.objects.count()} in the province, "
        f"{ApprovalRequest.objects.filter(region_path__startswith=city.path).count()} in {city.name}, "
        f"{ApprovalRequest.objects.filter(state=State.PENDING).count()} pending; "
        f"{Assignment.objects.count()} assignments"
    )
    print(f"reviewer: {finance.name} (dept_reviewer), {waiting} waiting, {overdue} overdue")
    print(
        f"compounds in {city.name}: {Compound.objects.filter(community__path__startswith=city.path).count()}"
    )

    # The 待办 count in the menu: one query once the user's scope and roles are known.
    user = User.objects.get(pk=reviewer.pk)
    inbox_count(user)
    with CaptureQueriesContext(connection) as captured:
        badge = inbox_count(user)
    badge_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    print(f"inbox_count: {badge} in {len(captured)} query ({badge_ms:.1f} ms)")

    reviewer_client = Client(HTTP_HOST="127.0.0.1")
    reviewer_client.force_login(reviewer)
    staff_client = Client(HTTP_HOST="127.0.0.1")
    staff_client.force_login(staff)
    pages = [
        ("reviewer", reviewer_client, INBOX),
        ("reviewer", reviewer_client, REFERENCE),
        ("staff", staff_client, REFERENCE),
        *(("reviewer", reviewer_client, url) for url in OTHER_INBOX_URLS),
    ]
    times = {page: [] for page in pages}
    last = {}
    for _round in range(args.rounds):
        for page in pages:
            label, client, url = page
            measured, queries, sql, response = measure(client, url, args.repeat, args.warmup)
            times[page].extend(measured)
            last[page] = (queries, sql, len(response.content))

    print(f"\n{'persona':<9} {'url':<28} {'median':>8} {'p90':>8} {'queries':>7} {'sql':>7} {'KB':>5}")
    medians = {}
    for page in pages:
        label, _client, url = page
        queries, sql, size = last[page]
        medians[page] = statistics.median(times[page])
        p90 = statistics.quantiles(times[page], n=10)[-1]
        print(
            f"{label:<9} {url:<28} {medians[page]:>6.0f}ms {p90:>6.0f}ms {queries:>7} {sql:>5.0f}ms {size // 1024:>5}"
        )
    ratio = medians[pages[0]] / medians[pages[1]]
    verdict = "within" if ratio <= LIMIT else "OVER"
    print(f"\ninbox / compound list (same reviewer): {ratio:.2f}× — {verdict} the target of {LIMIT}×")
    print(f"inbox / compound list (city staff): {medians[pages[0]] / medians[pages[2]]:.2f}×")
    if args.explain:
        explain(reviewer_client, INBOX)
    if ratio > LIMIT:
        sys.exit(1)


if __name__ == "__main__":
    main()
