"""Every page a user opens reads as Chinese: no Django placeholders, no Python values.

Walks every GET row of the permission table as a persona who may open it (the same objects).
"""

import re

import pytest
from django.urls import reverse

from tests.test_permissions import PERSONAS, TABLE, _objects

# Django's empty choice, Python's None, and a raw choice key such as "reserve" or "water_supply"
# standing alone in a table cell.
PLACEHOLDERS = re.compile(r"---------|>\s*None\s*<|>\s*[a-z]+_[a-z_]+\s*<")
SKIPPED = {"admin:index", "healthz", "favicon", "logout"}


def _first_reader(statuses):
    for persona, status in zip(PERSONAS, statuses, strict=True):
        if persona != "anon" and status == 200:
            return persona
    return None


ROWS = [
    (name, obj, _first_reader(statuses))
    for (name, obj, method), statuses in TABLE.items()
    if method == "get" and name not in SKIPPED and _first_reader(statuses)
]


@pytest.mark.parametrize(("url_name", "obj", "persona"), ROWS, ids=lambda v: str(v))
def test_page_shows_no_placeholder_or_internal_value(url_name, obj, persona, world, client_for):
    if obj is None:
        url = reverse(url_name)
    elif obj.startswith("kind:"):
        url = reverse(url_name, args=[obj.removeprefix("kind:")])
    elif obj.startswith(("prereq:", "step:")):
        url = reverse(url_name, args=[_objects(world)["project_a"]().pk, obj.split(":", 1)[1]])
    elif obj.startswith("notice:"):  # notice:<kind>:<subject>
        _prefix, kind, name = obj.split(":")
        url = reverse(url_name, args=[kind, _objects(world)[name]().pk])
    else:
        url = reverse(url_name, args=[_objects(world)[obj]().pk])
    response = client_for(persona).get(url)
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        main = html[html.find("<main") :]
        found = PLACEHOLDERS.findall(main)
        assert not found, f"{url} as {persona}: {found[:5]}"
