"""The dashboard kept in the cache: a second look at the same dashboard costs two queries (the data
version and the session's user) instead of sixty, and reads the same; a write through the portal's
services shows at once, on the next request."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.works.services import progress_report_create
from tests.reports.monthly_factories import october

pytestmark = pytest.mark.django_db
URL = "/dashboard/?year=2026&as_of=2026-10-31"


@pytest.fixture
def kept(settings):
    settings.DASHBOARD_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def investment_card(response):
    html = response.content.decode()
    start = html.index('data-kpi="investment"')
    return html[start : html.index("</div></div></div>", start)]


def test_a_second_look_is_served_from_the_cache_and_reads_the_same(world, client_for, kept):
    october(world)
    client = client_for("leader")
    with CaptureQueriesContext(connection) as first:
        built = client.get(URL)
    with CaptureQueriesContext(connection) as second:
        again = client.get(URL)
    assert built.status_code == again.status_code == 200
    assert investment_card(again) == investment_card(built)
    assert "60.00" in investment_card(again)  # ¥600,000 reported on 10-20
    assert len(second) < len(first) / 3, (len(first), len(second))


def test_a_write_through_the_services_shows_on_the_next_request(world, client_for, kept):
    project = october(world)
    client = client_for("leader")
    client.get(URL)
    progress_report_create(
        actor=world["city"], project=project, reported_on=datetime.date(2026, 10, 30), percent=45,
        investment_to_date=Decimal("900000.00"),
    )  # fmt: skip
    assert "90.00" in investment_card(client.get(URL))


def test_each_user_and_each_choice_has_its_own_dashboard(world, client_for, kept):
    october(world)
    client_for("leader").get(URL)
    district = client_for("district").get(URL).content.decode()
    assert "淄川区" not in district
    assert "淄川区" in client_for("leader").get(URL).content.decode()
    before = client_for("leader").get("/dashboard/?year=2026&as_of=2026-10-10")
    assert "60.00" not in investment_card(before)  # nothing reported by 10-10


def test_an_unreachable_cache_costs_only_the_saving(world, client_for, settings):
    october(world)
    settings.DASHBOARD_CACHE_SECONDS = 600
    # A real Redis client against a port nobody listens on: every call is refused.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    response = client_for("leader").get(URL)
    assert response.status_code == 200
    assert "60.00" in investment_card(response)
