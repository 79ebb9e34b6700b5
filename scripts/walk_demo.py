#!/usr/bin/env python3
"""Walk the running demo in Chromium as every demo account, at desktop and tablet sizes.

    make demo                                    # in another terminal: the portal on :8000
    .venv/bin/python scripts/walk_demo.py [BASE_URL] [OUT_DIR]

Logs in through the login form, opens the pages each role uses, saves a full-page screenshot of
each (OUT_DIR/<account>/<size>/NN.png) and prints what a reader should look at: a page that fails,
a JavaScript error, Django's "---------", a Python None, a raw key (snake_case word), and on the
tablet sizes any button or row action under 44 px tall. findings.json holds every page's record.
Look at the screenshots yourself: this finds the mechanical faults, not the ugly ones.
"""

import json
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "var/walk")
PASSWORD = "Demo#2026zb"
ACCOUNTS = (
    "city_admin",
    "district_staff",
    "street_clerk",
    "street_clerk_b",
    "reviewer_finance",
    "leader",
    "auditor",
)
PAGES = (
    "/", "/projects/compounds/", "/projects/", "/projects/items/", "/org/regions/", "/org/organisations/", "/audit/",
    "/projects/2/", "/projects/compounds/6/", "/projects/compounds/32/", "/imports/compounds/new/",
    "/imports/projects/new/", "/imports/project_items/new/", "/projects/add/", "/projects/items/1/",
    "/org/organisations/1/", "/org/organisations/9/", "/system/", "/org/policies/", "/projects/2/items/",
    "/projects/2/progress/add/", "/projects/10/", "/no-such-page/",
)  # fmt: skip
SIZES = {"desktop": (1366, 900), "tablet-portrait": (768, 1024), "tablet-landscape": (1024, 768)}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip
RAW_KEY = re.compile(r"(?<![A-Za-z0-9/._@-])[a-z]+_[a-z_]+(?![A-Za-z0-9/._@-])")
SMALL_TARGETS = """() => [...document.querySelectorAll('main .btn, main button, main .page-link')]
    .filter(e => e.offsetParent && e.getBoundingClientRect().height < 44)
    .map(e => (e.innerText || e.value || e.ariaLabel || '').trim().slice(0, 12))"""


def faults(page, size, usernames):
    main = page.query_selector("main")
    text = main.inner_text() if main else page.inner_text("body")
    found = []
    if "---------" in text:
        found.append("Django's ---------")
    if re.search(r"\bNone\b", text):
        found.append("None")
    keys = sorted(set(RAW_KEY.findall(text)) - usernames)
    if keys:
        found.append("raw keys: " + ", ".join(keys[:8]))
    if size != "desktop":
        small = page.evaluate(SMALL_TARGETS)
        if small:
            found.append(f"{len(small)} targets under 44 px: {small[:4]}")
    return found


def main():
    records = []
    usernames = set(ACCOUNTS)  # the audit log names accounts by their login name, rightly
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for account in ACCOUNTS:
            for size, (width, height) in SIZES.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale="zh-CN", has_touch=size != "desktop"
                )
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
                page.goto(f"{BASE}/accounts/login/")
                page.fill("#id_username", account)
                page.fill("#id_password", PASSWORD)
                page.press("#id_password", "Enter")
                page.wait_for_load_state("networkidle")
                for number, path in enumerate(PAGES):
                    started = time.perf_counter()
                    response = page.goto(BASE + path)
                    elapsed = (time.perf_counter() - started) * 1000
                    folder = OUT / account / size
                    folder.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(folder / f"{number:02d}.png"), full_page=True)
                    records.append({
                        "account": account, "size": size, "path": path, "status": response.status,
                        "ms": round(elapsed), "title": page.title(), "faults": faults(page, size, usernames),
                        "errors": errors[:],
                    })  # fmt: skip
                    errors.clear()
                context.close()
        browser.close()
    (OUT / "findings.json").write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    for record in records:
        if record["faults"] or record["errors"] or record["status"] >= 500:
            print(
                record["account"],
                record["size"],
                record["path"],
                record["status"],
                record["faults"],
                record["errors"],
            )
    for account in ACCOUNTS:
        mine = [r for r in records if r["account"] == account]
        statuses = {s: sum(r["status"] == s for r in mine) for s in sorted({r["status"] for r in mine})}
        print(
            f"{account:<17} {len(mine)} pages  {statuses}  median {statistics.median(r['ms'] for r in mine):.0f} ms"
        )
    print(
        f"{len(records)} pages, median {statistics.median(r['ms'] for r in records):.0f} ms, screenshots in {OUT}"
    )


if __name__ == "__main__":
    main()
