"""What the page benchmarks share: a persona with one role, and timing one URL through the test client.

Import after ``django.setup()``.
"""

import sys
import time

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import User


def persona(username, organisation, role):
    """A bench user of ``organisation`` holding ``role`` only, created on first run."""
    user, _created = User.objects.get_or_create(
        username=username, defaults={"last_name": "测", "first_name": "试"}
    )
    user.organisation = organisation
    user.is_active = True
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return User.objects.get(pk=user.pk)  # fresh: no cached scope or permissions


def measure(client, url, repeat, warmup):
    """Milliseconds of ``repeat`` requests after ``warmup`` ones, then in one more request the
    number of queries, their time (ms) and the response. Exits when the page does not answer 200."""
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(
                f"{url} answered {response.status_code}:\n{response.content[:2000].decode(errors='replace')}"
            )
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    sql = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    return times, len(queries), sql, response
