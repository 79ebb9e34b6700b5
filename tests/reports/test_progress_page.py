"""The progress page (/reports/progress/): the per-district table with its total, the indicators,
the ranking with the last place marked and the lagging projects, each as the role may see them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.test_progress import AFTER, City

URL = reverse("reports:progress")


@pytest.fixture
def town(world):
    return City(world)


def test_the_page_shows_every_district_the_total_the_ranking_and_the_lagging(town, client):
    client.force_login(town.staff)
    response = client.get(URL, {"year": 2025, "as_of": AFTER.isoformat()})
    assert response.status_code == 200
    page = response.content.decode()
    assert "测试市" in page and "2025-08-31" in page
    table = page[page.index('id="progress-table"') : page.index('id="progress-indicators"')]
    assert "甲区" in table and "乙区" in table and "合计" in table
    # 甲区: start rate 100.0%, completion 66.7%, 140.00 万元 invested, 105.00 万元 received, 40.00 paid.
    assert "100.0%" in table and "66.7%" in table and "140.00" in table and "105.00" in table
    assert "（万元）" in table  # units in the headers
    indicators = page[page.index('id="progress-indicators"') : page.index('id="progress-ranking"')]
    assert "加装电梯（部）" in indicators and "更新改造供水管道（公里）" in indicators
    ranking = page[page.index('id="progress-ranking"') : page.index('id="progress-lagging"')]
    assert ranking.index("甲区") < ranking.index("乙区") and "末位" in ranking
    lagging = page[page.index('id="progress-lagging"') :]
    assert town.p4.get_absolute_url() in lagging and town.p2.get_absolute_url() in lagging
    assert "已逾期92天" in lagging


def test_a_district_user_sees_only_their_district(town, client):
    client.force_login(town.jia_staff)
    page = client.get(URL, {"year": 2025, "as_of": AFTER.isoformat()}).content.decode()
    table = page[page.index('id="progress-table"') : page.index('id="progress-indicators"')]
    assert "甲区" in table and "乙区" not in table
    lagging = page[page.index('id="progress-lagging"') :]
    assert town.p2.get_absolute_url() in lagging and town.p4.get_absolute_url() not in lagging


def test_a_bad_date_is_named_in_chinese_and_today_is_shown(town, client):
    client.force_login(town.staff)
    response = client.get(URL, {"year": 2025, "as_of": "2025-13-45"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "有效的日期" in page
    assert response.context["as_of"] == timezone.localdate()


def test_street_clerks_may_not_read_progress(world, client_for):
    assert client_for("clerk_a").get(URL).status_code == 403


def test_the_menu_offers_progress_to_who_may_read_it(world, client_for):
    assert URL in client_for("leader").get("/").content.decode()
    assert URL not in client_for("clerk_a").get("/").content.decode()


def test_counts_read_with_thousands_separators_as_in_the_monthly_report(town, client):
    from projects.models import AnnualQuota

    AnnualQuota.objects.filter(year=2025).update(households=12345)
    client.force_login(town.staff)
    page = client.get(URL, {"year": 2025, "as_of": AFTER.isoformat()}).content.decode()
    table = page[page.index('id="progress-table"') : page.index('id="progress-indicators"')]
    assert "12,345" in table and "12345" not in table
