"""The fast entry grid under 20 street clerks saving rows continuously: locust on loopback against
gunicorn (2 workers), bounded in time, with /healthz in the same run to compare with.

    createdb -h 127.0.0.1 -U postgres portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo   # or only migrate
    .uv/bin/uv pip install --python .venv/bin/python locust     # the bench's own tool, not a dependency
    .venv/bin/python bench/bench_survey_entry.py [--users 20] [--seconds 60] [--workers 2]

It makes (once) a compound 压测小区 of 2,000 households in the demo street clerk's street (车站街道;
without the demo, the test world's regions and clerk_a are made and used),
a needs survey over it, and 20 clerks of her street office, each with a session of her own and a
hundred households to type; then starts gunicorn with DEBUG off on a free port of 127.0.0.1 and runs
locust headless for ``--seconds``. Each clerk saves a row every 0.1–0.5 s (one in ten sent again
with the same entry key, as a retried row is) and asks /healthz one time in seven. Prints the
requests, failures, throughput, p50 and p95 of the row saves and of /healthz, the p95 ratio (the
issue asks for at most 5); then, with the load gone, each request's own time (one clerk, 50 of
each, one after another); and checks the answers saved: one per entry key, none twice.
"""

import argparse
import csv
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.pages import persona  # noqa: E402
from org.models import Region, User  # noqa: E402
from org.roles import STREET_CLERK  # noqa: E402
from projects.models import Building, Compound  # noqa: E402
from residents.entry.lookup import household_code  # noqa: E402
from residents.models import Household, SurveyCampaign, SurveyResponse  # noqa: E402

COMPOUND = "压测小区"
BUILDINGS, UNITS, FLOORS, ROOMS = 20, 5, 5, 4  # 2,000 households
PER_CLERK = 100


def prepare(clerks):
    """The compound, its households, the campaign and the clerks' sessions (made once, answers
    of an earlier run removed)."""
    demo_clerk = User.objects.select_related("organisation__region").filter(username="street_clerk").first()
    if demo_clerk is None:
        # No demo city: the test world's (the same regions and offices, clerk_a of 车站街道).
        from tests.factories import build_world

        if not User.objects.filter(username="clerk_a").exists():
            build_world()
        demo_clerk = User.objects.select_related("organisation__region").get(username="clerk_a")
    street = demo_clerk.organisation.region
    community = Region.objects.filter(parent=street).order_by("code").first()
    compound, created = Compound.objects.get_or_create(
        name=COMPOUND,
        community=community,
        defaults={
            "code": "BENCH-ENTRY", "city": Region.objects.get(code=community.path.split("/")[1]),
            "year_built": 1992, "floor_area": "160000.00", "building_count": BUILDINGS, "household_count": 2000,
        },
    )  # fmt: skip
    if created or not compound.households.exists():
        households = []
        for b in range(1, BUILDINGS + 1):
            building, _ = Building.objects.get_or_create(
                compound=compound, number=f"{b}号楼", defaults={"storeys": FLOORS, "units": UNITS}
            )
            for unit in range(1, UNITS + 1):
                for floor in range(1, FLOORS + 1):
                    for room in range(1, ROOMS + 1):
                        households.append(
                            Household(
                                compound=compound,
                                building=building,
                                unit=f"{unit}单元",
                                room=f"{floor}{room:02d}",
                                head_name="王建国",
                                phone="13812341234",
                            )
                        )
        Household.objects.bulk_create(households)
    today = timezone.localdate()
    campaign = SurveyCampaign.objects.filter(title="压测意愿调查", compounds=compound).first()
    if campaign is None:
        campaign = SurveyCampaign.objects.create(
            kind=SurveyCampaign.Kind.NEEDS, title="压测意愿调查", region=street,
            opens_on=today - datetime.timedelta(days=30), closes_on=today + datetime.timedelta(days=30),
        )  # fmt: skip
        campaign.compounds.set([compound])
    SurveyResponse.objects.filter(campaign=campaign).delete()
    codes = [household_code(h) for h in compound.households.select_related("building").order_by("pk")]
    sessions = []
    for n in range(clerks):
        user = persona(f"bench_entry_{n + 1:02d}", demo_clerk.organisation, STREET_CLERK)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        sessions.append(
            {
                "session": client.cookies["sessionid"].value,
                "codes": codes[n * PER_CLERK : (n + 1) * PER_CLERK],
            }
        )
    return {
        "grid_url": reverse("residents:campaign_entry", args=[campaign.pk]),
        "row_url": reverse("residents:campaign_entry_row", args=[campaign.pk]),
        "compound": compound.pk,
        "today": today.isoformat(),
        "clerks": sessions,
    }, campaign


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"{url} did not answer within {seconds} s")


def quiet(host, config, repeat=50):
    """Each request's own time with nothing else running: one clerk, one request after another
    (the grid page, rows saved, /healthz), as {name: (p50, p95)} in ms."""
    import re
    import statistics
    import uuid

    import requests

    session = requests.Session()
    clerk = config["clerks"][0]
    session.cookies.set("sessionid", clerk["session"])
    figures = {}

    def timed(name, send):
        times = []
        for n in range(repeat):
            started = time.perf_counter()
            answer = send(n)
            times.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                sys.exit(f"{name} answered {answer.status_code}: {answer.text[:300]}")
        figures[name] = (statistics.median(times), statistics.quantiles(times, n=20)[-1])
        return answer

    grid = timed("grid page", lambda n: session.get(host + config["grid_url"]))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', grid.text).group(1)
    codes = clerk["codes"][-repeat:]  # the clerk's last households: the load above did not reach them

    def save(n):
        data = {
            "entry_key": str(uuid.uuid4()), "compound": config["compound"], "household": codes[n],
            "origin": "paper", "answered_on": config["today"], "agrees": "yes", "wanted_items": "3 17 40",
            "willing_to_contribute": "1", "contribution_amount": "1500", "comment": "",
        }  # fmt: skip
        headers = {"X-CSRFToken": token, "Referer": host + config["grid_url"]}
        return session.post(host + config["row_url"], data=data, headers=headers)

    timed("row saved", save)
    timed("/healthz", lambda n: session.get(host + "/healthz"))
    return figures


def read_stats(path):
    with open(path, encoding="utf-8") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    config, campaign = prepare(args.users)
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="bench-entry-"))
    (work / "config.json").write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "DEBUG": "false", "BENCH_ENTRY_CONFIG": str(work / "config.json")}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "--error-logfile", str(work / "gunicorn.log")],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(f"{host}/healthz")
        print(
            f"database: {connection.vendor} {connection.settings_dict['NAME']}; gunicorn {args.workers} workers; "
            f"{args.users} clerks for {args.seconds} s"
        )
        subprocess.run(
            [str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locust_survey_entry.py"), "--headless",
             "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s", "--host", host,
             "--csv", str(work / "entry"), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, check=False, capture_output=True,
        )  # fmt: skip
        quiet_figures = quiet(host, config)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    stats = read_stats(work / "entry_stats.csv")
    print(f"{'request':<12} {'requests':>8} {'failures':>8} {'per s':>7} {'p50':>7} {'p95':>7} {'p99':>7}")
    for name in ("row saved", "/healthz", "grid page"):
        row = stats.get(name)
        if row is None:
            continue
        print(
            f"{name:<12} {row['Request Count']:>8} {row['Failure Count']:>8} {float(row['Requests/s']):>7.1f} "
            f"{row['50%']:>5}ms {row['95%']:>5}ms {row['99%']:>5}ms"
        )
    print("one clerk alone, 50 requests each: p50 / p95")
    for name, (p50, p95) in quiet_figures.items():
        print(f"{name:<12} {p50:>7.0f}ms {p95:>5.0f}ms")
    saved, healthz = stats["row saved"], stats["/healthz"]
    ratio = float(saved["95%"]) / max(float(healthz["95%"]), 1.0)
    answers = SurveyResponse.objects.filter(campaign=campaign)
    count = answers.count()
    keys = answers.values("entry_key").distinct().count()
    households = answers.values("household").distinct().count()
    print(f"p95 of a row save / p95 of /healthz: {ratio:.2f} (at most 5)")
    print(f"answers saved: {count}; distinct entry keys {keys}, distinct households {households}")
    failures = int(saved["Failure Count"]) + int(healthz["Failure Count"])
    if failures:
        print(f"{failures} failures, see {work}/entry_failures.csv")
    ok = failures == 0 and ratio <= 5 and count == keys == households
    print("OK" if ok else "NOT OK")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
