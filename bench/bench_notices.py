"""A batch of 1,000 official notices rendered by the core batch job on real Celery workers, against
WeasyPrint laying out the same HTML on its own, in the same run; then two workers against one.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE portal_bench"
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench REDIS_URL=redis://127.0.0.1:6379/5
    env -u REDIS_URL JOBS_IN_THREAD=false .venv/bin/python manage.py migrate
    env -u REDIS_URL JOBS_IN_THREAD=false .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/bench_notices.py [--count 1000]

The notices are copies of the demo's (every kind, in turn), numbered in the year 2099 of their
issuer so they never meet the demo's; a run deletes the previous run's copies first. PDFs go to a
temporary MEDIA_ROOT. Each worker is ``celery worker --pool=prefork --concurrency=1`` on a queue of
the run's own, warmed by a small batch first (a worker in service has imported WeasyPrint long
ago). A batch's time runs from ``job_start`` until the job row reads finished (polled every 50 ms):
every notice's template, PDF, file and rows, plus the job's chunking and bookkeeping.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
MEDIA = tempfile.mkdtemp(prefix="bench-notices-")
os.environ["MEDIA_ROOT"] = MEDIA

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402

from config.celery import app as celery_app  # noqa: E402
from core.jobs import job_start  # noqa: E402
from core.models import Job  # noqa: E402
from core.pdf import BASE_URL, _make_fetcher, harfbuzz_subsetting_available  # noqa: E402
from reports.models import Notice  # noqa: E402
from reports.notices.rendering import DOCUMENT_TEMPLATE, RENDER_JOB, document_context  # noqa: E402

YEAR = 2099


def make_notices(count):
    """``count`` copies of the demo's notices, every kind in turn; returns their ids."""
    Notice.objects.filter(year=YEAR).delete()
    models = list(Notice.objects.filter(status=Notice.Status.ISSUED).order_by("pk"))
    if not models:
        sys.exit("No notices to copy: run manage.py seed_demo on this database first.")
    copies = []
    for n in range(count):
        notice = Notice.objects.get(pk=models[n % len(models)].pk)
        notice.pk = notice.id = None
        notice.year, notice.sequence = YEAR, 10_000 + n
        notice.number = notice.issuer.number_text(YEAR, notice.sequence)
        notice.file, notice.rendered_at, notice.job = "", None, None
        copies.append(notice)
    with transaction.atomic():
        Notice.objects.bulk_create(copies, batch_size=500)
    return list(Notice.objects.filter(year=YEAR).order_by("sequence").values_list("pk", flat=True))


def reset(ids):
    Notice.objects.filter(pk__in=ids).update(file="", rendered_at=None, job=None)


def raw_weasyprint(ids):
    """Seconds per notice (wall, CPU) for WeasyPrint alone on the notices' HTML (made beforehand,
    not timed)."""
    from weasyprint import HTML

    htmls = [
        render_to_string(DOCUMENT_TEMPLATE, document_context(notice))
        for notice in Notice.objects.filter(pk__in=ids).select_related("issuer").order_by("pk")
    ]
    HTML(string=htmls[0], base_url=BASE_URL, url_fetcher=_make_fetcher()).write_pdf()  # warm up
    started, cpu = time.perf_counter(), time.process_time()
    for html in htmls:
        HTML(string=html, base_url=BASE_URL, url_fetcher=_make_fetcher()).write_pdf()
    return (time.perf_counter() - started) / len(htmls), (time.process_time() - cpu) / len(htmls)


def start_workers(queue, n):
    env = {**os.environ, "MEDIA_ROOT": MEDIA}
    workers = []
    for i in range(n):
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
                "--queues", queue, "--hostname", f"bench{i}-{queue}@%h", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "--loglevel=WARNING",
            ],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        workers.append(process)
    return workers


def stop_workers(workers):
    for process in workers:
        process.terminate()
    for process in workers:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def run_batch(user, ids):
    """Seconds from job_start until the job has finished."""
    started = time.perf_counter()
    job = job_start(kind=RENDER_JOB, user=user, params={"notice_ids": ids})  # autocommit: sent at once
    while not Job.objects.filter(pk=job.pk, status__in=(Job.Status.SUCCEEDED, Job.Status.FAILED)).exists():
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != Job.Status.SUCCEEDED:
        sys.exit(f"The batch failed: {job.message}")
    return elapsed


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def with_workers(n, user, ids, warm_ids):
    """(seconds of the batch, CPU seconds the workers spent in all, start and warm-up included)."""
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_default_queue = queue
    cpu = _children_cpu()
    workers = start_workers(queue, n)
    try:
        reset(warm_ids)
        run_batch(user, warm_ids)  # both workers import WeasyPrint and warm their caches
        reset(ids)
        elapsed = run_batch(user, ids)
    finally:
        stop_workers(workers)  # waited for: their CPU time (and their pool's) is counted now
    return elapsed, _children_cpu() - cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    if not settings.REDIS_URL or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the batch runs on real workers.")
    from org.models import User

    user = User.objects.filter(is_superuser=True).first() or User.objects.first()
    ids = make_notices(args.count + 40)
    ids, warm_ids = ids[: args.count], ids[args.count :]
    load = os.getloadavg()[0]

    raw, raw_cpu = raw_weasyprint(ids)
    one, one_cpu = with_workers(1, user, ids, warm_ids)
    two, two_cpu = with_workers(2, user, ids, warm_ids)
    rendered = Notice.objects.filter(pk__in=ids, rendered_at__isnull=False).count()

    print(
        f"harfbuzz subsetting: {harfbuzz_subsetting_available()}; {os.cpu_count()} CPUs; load before {load:.2f}"
    )
    print(f"{args.count} notices ({rendered} rendered and stored by the last batch)")
    print(f"WeasyPrint alone, same HTML:  {raw * 1000:7.0f} ms per notice")
    print(f"batch job, one worker:        {one / args.count * 1000:7.0f} ms per notice ({one:.1f} s in all)")
    print(f"  ratio to WeasyPrint alone:  {one / args.count / raw:7.2f}x (target at most 1.3x)")
    print(f"batch job, two workers:       {two / args.count * 1000:7.0f} ms per notice ({two:.1f} s in all)")
    print(f"  two workers against one:    {one / two:7.2f}x faster (target at least 1.7x)")
    print(
        f"CPU per notice, WeasyPrint alone: {raw_cpu * 1000:.0f} ms; the workers' (start and warm-up included):"
    )
    print(
        f"  one worker {one_cpu / args.count * 1000:.0f} ms, two workers {two_cpu / args.count * 1000:.0f} ms"
    )
    print(f"load average after:           {os.getloadavg()[0]:7.2f}")
    Notice.objects.filter(year=YEAR).delete()


if __name__ == "__main__":
    main()
