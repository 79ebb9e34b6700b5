"""Database connections of web processes and workers: persistent connections (the default,
DATABASE_CONN_MAX_AGE=60) against Django's pool (DATABASE_POOL=true) and against neither
(DATABASE_CONN_MAX_AGE=0), on loopback, in one run.

    createdb -h 127.0.0.1 -U postgres portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/bench_pool.py [--seconds 20] [--users 12] [--rounds 3] [--jobs 10]

For each gunicorn layout — ``sync``, 4 processes of one thread (production's kind), and
``gthread``, 2 processes of 4 threads — and each mode, the modes taking turns for ``--rounds``
rounds (a change in the machine's load falls on all of them; each figure is the median of its
rounds), gunicorn starts with DEBUG off on a free loopback port; ``--users`` client threads then ask, one request after another for ``--seconds``,
the compound list as the demo's city administrator (a page of ≈ 20 queries) and /healthz (one
query: where opening a connection weighs most). pg_stat_activity is sampled every 0.1 s
(application_name portal-web on this database): the most connections open during the load, and
those left open 2 s after it. Then a Celery worker (prefork, 2 children) runs ``--jobs`` self-checks
in each mode, its connections (portal-worker) counted the same way. Prints requests per second,
p50 and p95 per page, the ratios against persistent connections of the same layout, and the counts.
"""

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
QUEUE = f"bench-pool-{uuid.uuid4().hex[:8]}"
os.environ["CELERY_QUEUE"] = QUEUE

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from org.models import User  # noqa: E402

MODES = {
    "persistent": {"DATABASE_CONN_MAX_AGE": "60", "DATABASE_POOL": "false"},
    "pool": {"DATABASE_POOL": "true", "DATABASE_POOL_MIN_SIZE": "1", "DATABASE_POOL_MAX_SIZE": "4"},
    "none": {"DATABASE_CONN_MAX_AGE": "0", "DATABASE_POOL": "false"},
}
LAYOUTS = {"sync": ["--workers", "4"], "gthread": ["--workers", "2", "--threads", "4"]}
PAGES = {"compound list": "/projects/compounds/", "/healthz": "/healthz"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"{url} did not answer within {seconds} s")


def connections_of(application):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [application],
        )
        return cursor.fetchone()[0]


class Sampler(threading.Thread):
    """The most connections of ``application`` seen while it runs."""

    def __init__(self, application):
        super().__init__(daemon=True)
        self.application, self.peak, self.running = application, 0, True

    def run(self):
        from django.db import connection as own

        while self.running:
            self.peak = max(self.peak, connections_of(self.application))
            time.sleep(0.1)
        own.close()

    def stop(self):
        self.running = False
        self.join()
        return self.peak


def session_cookie():
    user = User.objects.get(username="city_admin")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client.cookies["sessionid"].value


def load(port, cookie, users, seconds):
    """{page: [ms, …]} and the error count, from ``users`` threads asking the pages in turn."""
    times = {name: [] for name in PAGES}
    errors = []
    deadline = time.monotonic() + seconds

    def user():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"}
        while time.monotonic() < deadline:
            for name, path in PAGES.items():
                started = time.perf_counter()
                try:
                    conn.request("GET", path, headers=headers)
                    answer = conn.getresponse()
                    answer.read()
                    ok = answer.status == 200
                except (OSError, http.client.HTTPException):
                    conn.close()
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                (times[name] if ok else errors).append(elapsed)
        conn.close()

    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, len(errors)


def env_for(mode):
    return {**os.environ, "DEBUG": "false", **MODES[mode]}


def run_web(layout, mode, cookie, users, seconds):
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            *LAYOUTS[layout],
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env_for(mode),
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        load(port, cookie, 4, 2)  # warm-up: every process has imported and rendered once
        sampler = Sampler("portal-web")
        sampler.start()
        times, errors = load(port, cookie, users, seconds)
        peak = sampler.stop()
        time.sleep(2)
        idle = connections_of("portal-web")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    requests = sum(len(t) for t in times.values())
    return {
        "rps": requests / seconds,
        "errors": errors,
        "pages": {
            name: (statistics.median(t), statistics.quantiles(t, n=20)[-1]) for name, t in times.items()
        },
        "peak": peak,
        "idle": idle,
    }


def median_result(runs):
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "pages": {
            name: tuple(statistics.median(r["pages"][name][i] for r in runs) for i in (0, 1))
            for name in PAGES
        },
        "peak": max(r["peak"] for r in runs),
        "idle": max(r["idle"] for r in runs),
    }


def run_worker(mode, jobs):
    from core.jobs import job_start
    from core.models import Job

    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "config",
            "worker",
            "--concurrency",
            "2",
            "--queues",
            QUEUE,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env_for(mode),
    )
    try:
        time.sleep(4)
        sampler = Sampler("portal-worker")
        sampler.start()
        admin = User.objects.get(username="city_admin")
        started = time.perf_counter()
        ids = [job_start(kind="selfcheck", user=admin).pk for _ in range(jobs)]
        deadline = time.monotonic() + 300
        while Job.objects.filter(pk__in=ids, finished_at__isnull=True).exists():
            if time.monotonic() > deadline:
                sys.exit("the self-checks did not finish in 300 s")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        peak = sampler.stop()
        time.sleep(2)
        idle = connections_of("portal-worker")
        failed = Job.objects.filter(pk__in=ids).exclude(status=Job.Status.SUCCEEDED).count()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    return {"seconds": elapsed, "failed": failed, "peak": peak, "idle": idle}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=10)
    parser.add_argument("--layouts", default="sync,gthread")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not settings.REDIS_URL and args.jobs:
        sys.exit("REDIS_URL must be set for the worker part (or --jobs 0)")
    cookie = session_cookie()
    print(
        f"{args.users} client threads, {args.seconds} s per run, medians of {args.rounds} rounds; "
        "pool: min 1, max 4 per process; connections: the most seen"
    )
    for layout in args.layouts.split(","):
        print(f"\n== gunicorn {layout} ({' '.join(LAYOUTS[layout])})")
        # The modes take turns, round after round, so a change in the machine's load falls on all
        # of them; each figure is the median of its rounds.
        rounds = {mode: [] for mode in MODES}
        for _ in range(args.rounds):
            for mode in MODES:
                rounds[mode].append(run_web(layout, mode, cookie, args.users, args.seconds))
        results = {mode: median_result(runs) for mode, runs in rounds.items()}
        base = results["persistent"]
        print(
            f"{'mode':<11} {'req/s':>7} {'×':>5} {'errors':>6} "
            + " ".join(f"{name + ' p50/p95 ms':>26}" for name in PAGES)
            + f" {'p95 ×':>14} {'conns peak':>10} {'idle':>5}"
        )
        for mode, r in results.items():
            pages = " ".join(f"{p50:>15.1f} / {p95:>8.1f}" for p50, p95 in r["pages"].values())
            ratios = "/".join(f"{r['pages'][n][1] / base['pages'][n][1]:.2f}" for n in PAGES)
            print(
                f"{mode:<11} {r['rps']:>7.1f} {r['rps'] / base['rps']:>5.2f} {r['errors']:>6} {pages} "
                f"{ratios:>14} {r['peak']:>10} {r['idle']:>5}"
            )
    if args.jobs:
        print(f"\n== Celery worker (prefork, 2 children), {args.jobs} self-checks")
        print(f"{'mode':<11} {'seconds':>8} {'failed':>6} {'conns peak':>10} {'idle':>5}")
        for mode in MODES:
            r = run_worker(mode, args.jobs)
            print(f"{mode:<11} {r['seconds']:>8.1f} {r['failed']:>6} {r['peak']:>10} {r['idle']:>5}")


if __name__ == "__main__":
    main()
