"""One-page Chinese PDFs through core.pdf, as the notices will be rendered.

    .venv/bin/python bench/bench_pdf.py [--count 20]

Each render lays out the page with WeasyPrint under the time limit (a SIGALRM timer in the main
thread) and subsets the Noto CJK fonts with HarfBuzz. Prints documents per second and the median time of one document.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from core.pdf import harfbuzz_subsetting_available, render_pdf  # noqa: E402


class Job:
    pk = 58


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    render_pdf("core/pdf/selfcheck.html", {"job": Job()})  # warm the font cache
    times = []
    for _ in range(args.count):
        started = time.perf_counter()
        pdf = render_pdf("core/pdf/selfcheck.html", {"job": Job()})
        times.append(time.perf_counter() - started)
    print(f"harfbuzz subsetting: {harfbuzz_subsetting_available()}")
    print(f"{args.count} one-page PDFs, {len(pdf)} bytes each")
    print(f"median {statistics.median(times) * 1000:.0f} ms, {args.count / sum(times):.1f} PDFs/s")


if __name__ == "__main__":
    main()
