"""No page, export or PDF shows a resident's full name or phone number to a role without the need.

Walks every GET row of the permission table that residents' parts add (tests/residents/permissions/,
with the 居民出资通知书 pages of reports) and the pages of other apps that show residents (the
compound and project pages, the notices register) as every persona that may open it, with a
household and a complaint of street A seeded under distinctive names. It follows each page's export
(``export=``) and PDF links as a user would, and reads the .xlsx cells and the PDF's text. A persona
without ``residents.view_personal_data`` must find the masked forms only (docs/privacy.md).
"""

import io
import re
import subprocess
from urllib.parse import urljoin

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from residents.models import Complaint
from tests.residents import permissions as resident_permissions
from tests.residents.factories import household_in
from tests.test_permissions import PERSONAS, TABLE, _objects

# The full forms the seed and the factories write; their masked forms are 欧** / 139****5678.
SECRETS = ("欧阳明华", "13912345678", "李秀英", "13700001111", "王建国", "13812341234")
OTHER_APPS = {"projects:compound_detail", "projects:project_detail", "reports:notice_list"}
LINK = re.compile(r'href="([^"]*(?:export=|\.pdf|/pdf/)[^"]*)"')


RESIDENT_URLS = {name for name, _obj, _method in resident_permissions.rows()}


# The import pages show a template whose example row is a made-up household (王建国), not a resident.
EXAMPLES_ONLY = {"core:import_start", "core:import_template"}


def _reaches_residents(name):
    return (name in RESIDENT_URLS or name in OTHER_APPS) and name not in EXAMPLES_ONLY


ROWS = [
    (name, obj, persona)
    for (name, obj, method), statuses in TABLE.items()
    if method == "get" and _reaches_residents(name)
    for persona, status in zip(PERSONAS, statuses, strict=True)
    if status == 200 and persona != "anonymous"
]


def _url(url_name, obj, world):
    if obj is None:
        return reverse(url_name)
    if obj.startswith("kind:"):
        return reverse(url_name, args=[obj.removeprefix("kind:")])
    return reverse(url_name, args=[_objects(world)[obj]().pk])


def _links(url, page):
    """The page's export and PDF links, resolved against the page (``?export=xlsx`` is relative)."""
    return {urljoin(url, link.replace("&amp;", "&")) for link in LINK.findall(page)}


def _text(response):
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value
        )
    if "pdf" in kind:
        return subprocess.run(
            ["pdftotext", "-", "-"], input=body, capture_output=True, check=True
        ).stdout.decode()
    return body.decode(errors="replace")


@pytest.fixture
def seeded(world):
    household = household_in(community=world.community_a, head_name="欧阳明华", phone="13912345678")
    Complaint.objects.create(
        number="投诉〔2026〕9001", channel="hotline", category="quality", compound=household.compound,
        region=world.community_a, complainant_name="李秀英", complainant_phone="13700001111",
        content="楼道灯不亮", received_on="2026-11-01", deadline="2026-11-16",
    )  # fmt: skip
    return household


def test_the_sweep_reaches_residents_pages():
    assert any(name.startswith("residents:") for name, _obj, _persona in ROWS)


@pytest.mark.parametrize(("url_name", "obj", "persona"), ROWS, ids=lambda v: str(v))
def test_no_full_name_or_phone_reaches_a_role_without_the_need(
    url_name, obj, persona, world, client_for, seeded, needs_poppler
):
    client = client_for(persona)
    user = world[persona]
    url = _url(url_name, obj, world)
    response = client.get(url)
    assert response.status_code == 200
    texts = {url: _text(response)}
    for link in _links(url, texts[url]):
        linked = client.get(link)
        if linked.status_code == 200:
            texts[link] = _text(linked)
    if user.has_perm("residents.view_personal_data"):
        return
    leaks = {where: [s for s in SECRETS if s in text] for where, text in texts.items()}
    leaks = {where: found for where, found in leaks.items() if found}
    assert not leaks, f"{persona} reads personal data in full: {leaks}"


def test_the_sweep_sees_the_seed_in_full_where_a_clerk_may_and_masked_elsewhere(world, client_for, seeded):
    # The walk above means something only if the seeded household is on the pages it reads.
    url = reverse("residents:household_list")
    assert "欧阳明华" in client_for("clerk_a").get(url).content.decode()
    page = client_for("district").get(url).content.decode()
    assert "欧***" in page and "139****5678" in page
    exports = _links(url, page)
    assert len(exports) == 2, "the register offers its .xlsx and .csv"
    for link in exports:
        text = _text(client_for("district").get(link))
        assert "139****5678" in text and "13912345678" not in text
