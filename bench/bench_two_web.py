"""Two web processes against one, with the same number of gunicorn workers in all: locust on
loopback, street clerks saving survey-grid rows and paging through their compound list, each
request sent to the next process in turn (a proxy's round robin); then the memory of a worker.

    createdb -h 127.0.0.1 -U postgres portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench REDIS_URL=redis://127.0.0.1:6379/5
    env -u REDIS_URL JOBS_IN_THREAD=false .venv/bin/python manage.py migrate
    env -u REDIS_URL JOBS_IN_THREAD=false .venv/bin/python manage.py seed_demo
    env -u REDIS_URL .venv/bin/python manage.py generate_synthetic --scale district --seed 1
    .venv/bin/python bench/bench_two_web.py [--users 20] [--seconds 40] [--workers 4] [--rounds 1]

"one": one gunicorn process with ``--workers`` sync workers; "two": two processes with half as many
each, on two ports. Both read one PostgreSQL and one Redis (sessions in PostgreSQL, the cache in
Redis), DEBUG off. For each scenario and round, "one" and "two" (in turn first) run for ``--seconds`` with
``--users`` clerks each waiting 0.05–0.2 s between requests (enough to keep every worker busy: the
figures are the capacity of the workers, not a forecast of a real clerk's pace).

- **row saves**: the clerks of bench_survey_entry.py (压测小区, 2,000 households, a needs survey,
  100 households per clerk) post one grid row after another; the campaign's answers are removed
  before each run, so a run saves new answers and, once a clerk's hundred go round, saves them again.
- **compound list**: street clerks of the synthetic district's busiest street (or of the demo's
  车站街道 without it) open their compound list: page 1, page 2, a search sorted by year.

Prints requests, failures, requests/s, p50 and p95 per scenario and layout, the ratios two/one
from the same run, the CPU time one request costs the gunicorn workers and the database's PostgreSQL
backends (their CPU time over the run divided by the requests: independent of what else the machine
runs, so the figure to size hosts with), then each worker's RSS and PSS (memory it alone holds, shared pages divided
among the processes sharing them), measured after the load, and the load average.
"""

import argparse
import contextlib
import csv
import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

import psutil  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from bench.bench_survey_entry import free_port, prepare, wait_for  # noqa: E402
from bench.pages import persona  # noqa: E402
from org.models import Organisation  # noqa: E402
from org.roles import STREET_CLERK  # noqa: E402
from projects.demo.synthetic_regions import PROVINCE_PATH  # noqa: E402
from projects.models import Compound  # noqa: E402
from residents.models import SurveyResponse  # noqa: E402

SCENARIOS = {"row saves": ("GridClerk", "row saved"), "compound list": ("ListClerk", "compound list")}
LIST_URLS = [
    "/projects/compounds/",
    "/projects/compounds/?page=2",
    "/projects/compounds/?q=小区&sort=-year_built",
]


def list_clerks(count):
    """Sessions of ``count`` street clerks of the street with the most compounds (synthetic first)."""
    streets = (
        Compound.objects.filter(community__parent__isnull=False)
        .values("community__parent")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    synthetic = streets.filter(community__path__startswith=PROVINCE_PATH).first()
    street = synthetic or streets.first()
    office = Organisation.objects.filter(
        region_id=street["community__parent"], kind=Organisation.Kind.STREET_OFFICE
    ).first()
    if office is None:
        sys.exit("No street office for the street with the most compounds.")
    sessions = []
    for n in range(count):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(persona(f"bench_list_{n + 1:02d}", office, STREET_CLERK))
        if client.get(LIST_URLS[0]).status_code != 200:
            sys.exit("The compound list does not answer 200 for the bench clerk.")
        sessions.append({"session": client.cookies["sessionid"].value})
    return sessions, office, street["n"]


class Gunicorn:
    """One gunicorn process (sync workers) on a free loopback port."""

    def __init__(self, workers, work, name):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The access log holds only the pid (as <pid>) of the worker that answered: warm_up() reads it.
        self.access_log = work / f"access-{name}.log"
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--access-logfile", str(self.access_log),
             "--access-logformat", "%(p)s", "--error-logfile", str(work / f"gunicorn-{name}.log")],
            cwd=ROOT, env={**os.environ, "DEBUG": "false"}, start_new_session=True,
        )  # fmt: skip

    def workers(self):
        return psutil.Process(self.process.pid).children()

    def warm_up(self, seconds=180):
        """Until every worker has answered a request: gunicorn loads the portal in each worker after
        forking it, and /healthz answers as soon as the first one has (seconds before the last, on a
        busy machine)."""
        wait_for(self.url + "/healthz", seconds)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            workers = self.workers()
            with ThreadPoolExecutor(len(workers) * 2) as pool:
                list(pool.map(lambda _n: urllib.request.urlopen(self.url + "/healthz", timeout=60).read(),
                              range(len(workers) * 2)))  # fmt: skip
            answered = {line.strip("<> ") for line in self.access_log.read_text().splitlines()}
            if {str(w.pid) for w in workers} <= answered:
                return
        sys.exit(f"Not every worker of {self.url} answered within {seconds} s")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def run_locust(layout, scenario, hosts, base_config, args, work):
    user_class, name = SCENARIOS[scenario]
    config_path = work / "config.json"
    config_path.write_text(json.dumps({**base_config, "hosts": hosts}), encoding="utf-8")
    prefix = work / f"{scenario.replace(' ', '_')}-{layout}"
    env = {**os.environ, "BENCH_TWO_WEB_CONFIG": str(config_path)}
    subprocess.run(
        [str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locust_two_web.py"), user_class, "--headless",
         "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s", "--host", hosts[0],
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, check=False, capture_output=True,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == name)
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
    }


def cpu_seconds(servers):
    """(CPU seconds the servers' workers have used, CPU seconds this database's PostgreSQL backends
    have used): what a request costs whatever else the machine runs."""
    web = sum(sum(w.cpu_times()[:2]) for server in servers for w in server.workers())
    name = connection.settings_dict["NAME"]
    database = 0.0
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if command.startswith("postgres: ") and f" {name} " in command:
            with contextlib.suppress(psutil.NoSuchProcess):
                database += sum(process.cpu_times()[:2])
    return web, database


def memory(servers):
    """(RSS, PSS) in MB of each worker process, and of each master."""
    workers, masters = [], []
    for server in servers:
        master = psutil.Process(server.process.pid)
        masters.append(master.memory_full_info())
        workers += [w.memory_full_info() for w in server.workers()]
    mb = 1024 * 1024
    return [(m.rss / mb, m.pss / mb) for m in workers], [(m.rss / mb, m.pss / mb) for m in masters]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="at most 20: a clerk each")
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers in all (even)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the processes share them.")

    if not 1 <= args.users <= 20:
        sys.exit("--users: 1 to 20 (bench_survey_entry.py's compound has households for 20 clerks)")
    entry, campaign = prepare(args.users)
    sessions, office, visible = list_clerks(args.users)
    base_config = {
        "grid_url": entry["grid_url"], "row_url": entry["row_url"], "compound": entry["compound"],
        "today": entry["today"], "grid_clerks": entry["clerks"], "list_clerks": sessions, "list_urls": LIST_URLS,
    }  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="bench-two-web-"))
    load_before = os.getloadavg()
    print(
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; database {connection.settings_dict['NAME']}; "
        f"{os.cpu_count()} CPUs; load before {load_before[0]:.2f}"
    )
    print(
        f"{args.users} clerks per run, {args.seconds} s per run, {args.workers} gunicorn workers in all; "
        f"the list clerks' street ({office.region.name}) has {visible} compounds"
    )

    layouts = {"one": [args.workers], "two": [args.workers // 2, args.workers // 2]}
    results, mem = {}, {}
    for round_number in range(args.rounds):
        for scenario in SCENARIOS:
            # Alternated from round to round, so a load that changes meanwhile favours neither.
            order = list(layouts) if round_number % 2 == 0 else list(reversed(layouts))
            for layout in order:
                split = layouts[layout]
                SurveyResponse.objects.filter(campaign=campaign).delete()
                servers = [Gunicorn(n, work, f"{layout}{i}") for i, n in enumerate(split)]
                try:
                    for server in servers:
                        server.warm_up()
                    before = cpu_seconds(servers)
                    figures = run_locust(layout, scenario, [s.url for s in servers], base_config, args, work)
                    after = cpu_seconds(servers)
                    mem[layout] = memory(servers)
                finally:
                    for server in servers:
                        server.stop()
                if scenario == "row saves":  # each household once, whichever process saved it
                    answers = SurveyResponse.objects.filter(campaign=campaign)
                    if answers.count() != answers.values("household").distinct().count():
                        figures["failures"] += 1
                        print("a household answered twice")
                requests_done = max(figures["requests"], 1)
                figures["web_ms"] = (after[0] - before[0]) / requests_done * 1000
                figures["db_ms"] = (after[1] - before[1]) / requests_done * 1000
                results.setdefault((scenario, layout), []).append(figures)
                print(
                    f"round {round_number + 1} {scenario:<13} {layout}: {figures['requests']} requests, "
                    f"{figures['failures']} failures, {figures['rps']:.1f}/s, p50 {figures['p50']:.0f} ms, "
                    f"p95 {figures['p95']:.0f} ms; CPU per request: web {figures['web_ms']:.0f} ms, "
                    f"PostgreSQL {figures['db_ms']:.0f} ms (load {os.getloadavg()[0]:.2f})"
                )

    print()
    print(
        f"{'scenario':<14} {'layout':<22} {'requests':>8} {'fail':>5} {'req/s':>7} {'p50':>7} {'p95':>7} {'web CPU':>8} {'db CPU':>8}"
    )
    failures = 0
    for scenario in SCENARIOS:
        merged = {}
        for layout, split in layouts.items():
            runs = results[(scenario, layout)]
            merged[layout] = {
                "requests": sum(r["requests"] for r in runs),
                "failures": sum(r["failures"] for r in runs),
                "rps": sum(r["rps"] for r in runs) / len(runs),
                "p50": sum(r["p50"] for r in runs) / len(runs),
                "p95": sum(r["p95"] for r in runs) / len(runs),
                "web_ms": sum(r["web_ms"] for r in runs) / len(runs),
                "db_ms": sum(r["db_ms"] for r in runs) / len(runs),
            }
            failures += merged[layout]["failures"]
            label = " + ".join(f"{n} workers" for n in split)
            f = merged[layout]
            print(
                f"{scenario:<14} {layout + ' (' + label + ')':<22} {f['requests']:>8} {f['failures']:>5} "
                f"{f['rps']:>7.1f} {f['p50']:>5.0f}ms {f['p95']:>5.0f}ms {f['web_ms']:>6.0f}ms {f['db_ms']:>6.0f}ms"
            )
        one, two = merged["one"], merged["two"]
        print(
            f"{scenario:<14} two/one: throughput {two['rps'] / one['rps']:.2f}×, p95 {two['p95'] / one['p95']:.2f}×"
        )
    print()
    for layout in layouts:
        workers, masters = mem[layout]
        rss = [r for r, _p in workers]
        pss = [p for _r, p in workers]
        print(
            f"memory, {layout}: workers RSS {min(rss):.0f}–{max(rss):.0f} MB, PSS {min(pss):.0f}–{max(pss):.0f} MB; "
            f"masters RSS {', '.join(f'{r:.0f}' for r, _p in masters)} MB, "
            f"PSS {', '.join(f'{p:.0f}' for _r, p in masters)} MB"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("OK" if failures == 0 else f"NOT OK: {failures} failures (see {work})")
    sys.exit(0 if failures == 0 else 1)


if __name__ == "__main__":
    main()
