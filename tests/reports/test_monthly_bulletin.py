"""The 通报 of a submitted monthly report: an official notice with a gapless document number, whose
content (totals, ranking with 末位, lagging projects) is read from the report's frozen snapshot."""

import subprocess

import pytest
from django.core.exceptions import ValidationError

from reports.monthly.bulletin import BULLETIN
from reports.monthly.services import monthly_report_build, monthly_report_submit
from reports.notices.rendering import notice_pdf
from reports.notices.services import notice_issue
from tests.reports.monthly_factories import MONTH, SEPTEMBER, october
from tests.reports.notices.factories import notice_issuers

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world):
    october(world)
    monthly_report_build(city=world.city, month=SEPTEMBER, user=world["city"])
    report = monthly_report_build(city=world.city, month=MONTH, user=world["city"])
    return monthly_report_submit(report=report, user=world["city"])


def test_a_bulletin_ranks_the_districts_and_names_the_last(world, submitted):
    issuer = notice_issuers()["淄建"]
    notice = notice_issue(kind=BULLETIN, subject=submitted, issuer=issuer, user=world["city"], render=False)
    assert notice.number == f"淄建〔{notice.year}〕1号"
    assert notice.title == "关于淄博市2026年10月城镇老旧小区改造工作进展情况的通报"
    content = notice.context
    assert content["ranking"][0]["name"] == "张店区" and content["ranking"][0]["start_rate"] == "50.0"
    # reports.ranking: of eight districts the last two with a quota are marked (here the only two).
    assert content["last_places"] == ["张店区", "淄川区"]
    assert [row["name"] for row in content["ranking"] if row["last"]] == ["张店区", "淄川区"]
    assert content["total"]["started_compounds"] == "2" and content["total"]["start_rate"] == "33.3"
    assert content["growth"]["started_compounds"] == "2" and content["growth"]["any"]  # September: none
    assert content["lagging_count"] == len(submitted.numbers["lagging"])


def test_the_bulletin_prints_in_the_official_layout(world, submitted, needs_poppler, tmp_path):
    issuer = notice_issuers()["淄建"]
    notice = notice_issue(kind=BULLETIN, subject=submitted, issuer=issuer, user=world["city"], render=False)
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(notice_pdf(notice))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for words in (notice.number, "关于淄博市2026年10月城镇老旧小区改造工作进展情况的通报", "一、总体进展",
                  "二、各区县进展及排名", "三、末位区县", "四、进度滞后项目", "末位", "无任务", "特此通报",
                  "已开工2个，开工率33.3%", "新开工2个"):  # fmt: skip
        assert words in flat, words


def test_a_lagging_project_reads_by_its_name_with_its_street_after_it(world, submitted, needs_poppler):
    from reports.models import MonthlyReport

    lagging = {"project_id": 1, "name": "公园街道连片改造一期", "region": "公园街道", "url": "",
               "reasons": ["已90天未报送进度。"]}  # fmt: skip
    MonthlyReport.objects.filter(pk=submitted.pk).update(numbers={**submitted.numbers, "lagging": [lagging]})
    submitted.refresh_from_db()
    issuer = notice_issuers()["淄建"]
    notice = notice_issue(kind=BULLETIN, subject=submitted, issuer=issuer, user=world["city"], render=False)
    text = subprocess.run(["pdftotext", "-", "-"], input=notice_pdf(notice), capture_output=True, check=True)
    flat = "".join(text.stdout.decode().split())
    assert "1.公园街道连片改造一期（公园街道）：已90天未报送进度。" in flat
    assert "公园街道公园街道" not in flat


def test_a_draft_report_gets_no_bulletin(world):
    october(world)
    draft = monthly_report_build(city=world.city, month=MONTH, user=world["city"])
    with pytest.raises(ValidationError):
        notice_issue(
            kind=BULLETIN, subject=draft, issuer=notice_issuers()["淄建"], user=world["city"], render=False
        )


def test_the_report_page_offers_the_bulletin_and_lists_it(world, submitted, client_for):
    client = client_for("city")
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert f"/reports/notices/issue/bulletin/{submitted.pk}/" in page
    assert client.get(f"/reports/notices/issue/bulletin/{submitted.pk}/").status_code == 200
    notice = notice_issue(
        kind=BULLETIN, subject=submitted, issuer=notice_issuers()["淄建"], user=world["city"], render=False
    )
    page = client_for("leader").get(submitted.get_absolute_url()).content.decode()
    assert notice.number in page and "/reports/notices/issue/" not in page
