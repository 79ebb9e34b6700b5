"""Locust users for bench/bench_survey_entry.py: street clerks saving rows of the entry grid one
after another, and the same users asking /healthz (the page without work to compare with).

Run by bench_survey_entry.py, which writes the config file named by BENCH_ENTRY_CONFIG: the
campaign, and for each clerk a session cookie and the household codes she types."""

import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["BENCH_ENTRY_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
SLOTS = itertools.count()
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


class Clerk(HttpUser):
    """One clerk typing questionnaires: a row saved every ~0.1–0.5 s, now and then one sent again."""

    wait_time = between(0.1, 0.5)

    def on_start(self):
        clerk = CONFIG["clerks"][next(SLOTS) % len(CONFIG["clerks"])]
        self.client.cookies.set("sessionid", clerk["session"])
        self.codes = itertools.cycle(clerk["codes"])
        self.keys = {}  # a household answered again is the same row sent again (the same entry key)
        grid = self.client.get(CONFIG["grid_url"], name="grid page")
        self.csrf = CSRF.search(grid.text).group(1)
        self.last = None

    @task(6)
    def save_row(self):
        if self.last is not None and random.random() < 0.1:
            data = self.last  # a retry after a dropped connection: the same row, the same key
        else:
            code = next(self.codes)
            key = self.keys.setdefault(code, str(uuid.uuid4()))
            data = {
                "entry_key": key, "compound": CONFIG["compound"], "household": code, "origin": "paper",
                "answered_on": CONFIG["today"], "agrees": random.choice(("yes", "no", "undecided")),
                "wanted_items": " ".join(str(n) for n in random.sample(range(1, 30), 3)),
                "willing_to_contribute": "1", "contribution_amount": str(random.choice((500, 1000, 1500))),
                "comment": "压测",
            }  # fmt: skip
        self.last = data
        with self.client.post(
            CONFIG["row_url"],
            data=data,
            headers={"X-CSRFToken": self.csrf, "Referer": self.host + CONFIG["grid_url"]},
            name="row saved",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not response.json().get("saved"):
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def healthz(self):
        self.client.get("/healthz", name="/healthz")
