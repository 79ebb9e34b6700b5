"""Locust users for bench/bench_two_web.py: street clerks saving survey-grid rows, and street clerks
paging through their compound list, each request sent to the next web process in turn (the
round robin of a proxy in front of them). Users wait 0.05–0.2 s between requests: enough to keep
every worker busy, so the figures are the workers' capacity.

Run by bench_two_web.py, which writes the config file named by BENCH_TWO_WEB_CONFIG: the web
processes' addresses, the campaign, and for each clerk a session cookie (and the households she
types)."""

import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["BENCH_TWO_WEB_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
HOSTS = CONFIG["hosts"]
SLOTS = itertools.count()
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


class RoundRobin(HttpUser):
    """A user whose requests go to each web process in turn; one process behind the proxy is just
    a round robin of one."""

    abstract = True
    wait_time = between(0.05, 0.2)

    def on_start(self):
        self.slot = next(SLOTS)
        self.turn = itertools.count(self.slot)

    def url(self, path):
        return HOSTS[next(self.turn) % len(HOSTS)] + path


class GridClerk(RoundRobin):
    """A clerk typing questionnaires into the survey grid: a row saved every ~0.05–0.2 s; a household
    typed again (her hundred go round) is the same row saved again, with its entry key."""

    def on_start(self):
        super().on_start()
        clerk = CONFIG["grid_clerks"][self.slot % len(CONFIG["grid_clerks"])]
        self.client.cookies.set("sessionid", clerk["session"])
        self.codes = itertools.cycle(clerk["codes"])
        self.keys = {}
        grid = self.client.get(self.url(CONFIG["grid_url"]), name="grid page")
        self.csrf = CSRF.search(grid.text).group(1)

    @task
    def save_row(self):
        code = next(self.codes)
        data = {
            "entry_key": self.keys.setdefault(code, str(uuid.uuid4())), "compound": CONFIG["compound"], "household": code,
            "origin": "paper", "answered_on": CONFIG["today"], "agrees": random.choice(("yes", "no", "undecided")),
            "wanted_items": " ".join(str(n) for n in random.sample(range(1, 30), 3)),
            "willing_to_contribute": "1", "contribution_amount": str(random.choice((500, 1000, 1500))),
            "comment": "压测",
        }  # fmt: skip
        with self.client.post(
            self.url(CONFIG["row_url"]),
            data=data,
            headers={"X-CSRFToken": self.csrf, "Referer": HOSTS[0] + CONFIG["grid_url"]},
            name="row saved",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not response.json().get("saved"):
                response.failure(f"{response.status_code}: {response.text[:200]}")


class ListClerk(RoundRobin):
    """A clerk paging through the compound list of her street: first page, next pages, a search."""

    def on_start(self):
        super().on_start()
        clerk = CONFIG["list_clerks"][self.slot % len(CONFIG["list_clerks"])]
        self.client.cookies.set("sessionid", clerk["session"])

    @task
    def compound_list(self):
        path = random.choice(CONFIG["list_urls"])
        with self.client.get(self.url(path), name="compound list", catch_response=True) as response:
            if response.status_code != 200 or "login" in response.url:
                response.failure(f"{response.status_code}: {response.url}")
