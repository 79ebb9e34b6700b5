import datetime
import re
import secrets
import subprocess
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse

from projects.demo.records import png
from projects.models import ProgressReport
from reports.models import ProjectPublicPage
from reports.notices.services import notice_issue
from reports.notices.standard import PUBLICITY, public_url_for
from reports.public.selectors import photo_key
from reports.public.services import public_page_publish, public_page_withdraw
from reports.public.views import page_cache_key
from tests.factories import attachment_in, compound_in, finding_in, project_in
from tests.residents.factories import household_in
from tests.residents.permissions.complaints import complaint_in

PHONE_PATTERN = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
def project(world):
    compound = compound_in(world.community_a, name="华光路小区", address="华光路12号", household_count=96)
    return project_in(
        compound, stage="construction", name="华光路小区改造项目", contractor="淄博建工集团有限公司"
    )


@pytest.fixture
def page(world, project):
    return public_page_publish(project=project, user=world["city"])


def anonymous_get(client, url, ip="198.51.100.7"):
    client.logout()
    return client.get(url, REMOTE_ADDR=ip)


def test_anyone_opens_a_published_page_without_logging_in(client, page, project):
    response = anonymous_get(client, page.get_public_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "华光路小区改造项目" in html and "华光路12号" in html and "12345" in html
    assert response["X-Robots-Tag"].startswith("noindex, nofollow")
    assert '<meta name="robots" content="noindex, nofollow' in html
    assert 'class="navbar' not in html and "/accounts/login/" not in html  # no portal menu


def test_an_unknown_or_withdrawn_address_answers_404(client, world, page, project):
    assert anonymous_get(client, "/p/not-a-real-token-at-all-000000/").status_code == 404
    public_page_withdraw(project=project, user=world["city"])
    assert anonymous_get(client, page.get_public_url()).status_code == 404
    assert anonymous_get(client, reverse("reports:public_page_qr", args=[page.token])).status_code == 404


def test_the_page_shows_stage_progress_items_money_and_acceptance(client, world, page, project, sources):
    from funding.services import plan_line_save
    from tests.reports.notices.conftest import wan, with_items

    with_items(project)
    plan_line_save(
        actor=world["city"], project=project, source=sources["central_subsidy"], year=2026, amount=wan(150)
    )
    ProgressReport.objects.create(
        project=project, reported_on=datetime.date(2026, 6, 1), percent=30, investment_to_date=Decimal("1"),
        reported_by=world["clerk_a"],
    )  # fmt: skip
    ProgressReport.objects.create(
        project=project, reported_on=datetime.date(2026, 7, 1), percent=55, investment_to_date=Decimal("2"),
        reported_by=world["clerk_a"],
    )  # fmt: skip
    cache.delete(page_cache_key(page))
    html = anonymous_get(client, page.get_public_url()).content.decode()
    for fact in ("施工", 'value="55"', "基础类", "雨污分流改造850米", "中央补助资金", "150.00", "尚未验收"):
        assert fact in html, fact


def test_the_page_shows_no_personal_field_and_no_internal_opinion(client, world, project):
    compound = project.compounds.get()
    household_in(compound, head_name="欧阳秀兰", phone="13955556666")
    household_in(compound, head_name="司马建国", phone="13877778888")
    complaint_in(
        compound, complainant_name="诸葛春花", complainant_phone="13712349876", content="夜里十一点还在电钻"
    )
    finding_in(project, description="脚手架连墙件缺失，限期整改")
    ProgressReport.objects.create(
        project=project, reported_on=datetime.date(2026, 6, 1), percent=40, investment_to_date=Decimal("1"),
        note="监理反映施工单位人员不足，内部督办", reported_by=world["clerk_a"],
    )  # fmt: skip
    attachment_in(
        project,
        world["clerk_a"],
        kind="photo",
        name="现场.png",
        content=png(),
        description="东侧围挡破损待修",
    )
    page = public_page_publish(project=project, user=world["city"])
    html = anonymous_get(client, page.get_public_url()).content.decode()
    for secret in (
        "欧阳秀兰", "司马建国", "13955556666", "13877778888", "诸葛春花", "13712349876", "夜里十一点还在电钻",
        "脚手架连墙件缺失", "内部督办", "东侧围挡破损待修", "现场.png", world["clerk_a"].username, "张丽",
        world["city"].username,
    ):  # fmt: skip
        assert secret not in html, secret
    assert not PHONE_PATTERN.search(html)
    assert "/p/photo/" in html  # the photo itself is shown


def test_a_photo_is_served_only_while_its_page_is_published(client, world, page, project):
    photo = attachment_in(project, world["clerk_a"], kind="photo", name="现场.png", content=png())
    plan = attachment_in(project, world["clerk_a"], kind="plan", name="方案.png", content=png())
    url = reverse("reports:public_photo", args=[photo_key(page, photo.pk)])
    response = anonymous_get(client, url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    # A key made up for another file, a file that is not a photo, a tampered key: 404.
    assert (
        anonymous_get(client, reverse("reports:public_photo", args=[photo_key(page, plan.pk)])).status_code
        == 404
    )
    assert anonymous_get(client, url[:-3] + "xx/").status_code == 404
    public_page_withdraw(project=project, user=world["city"])
    assert anonymous_get(client, url).status_code == 404


def test_the_page_is_served_from_the_cache_until_it_is_withdrawn(
    client, world, page, project, django_assert_max_num_queries
):
    anonymous_get(client, page.get_public_url())
    assert cache.get(page_cache_key(page)) is not None
    with django_assert_max_num_queries(1):  # finding the page by its token; the HTML is cached
        assert client.get(page.get_public_url(), REMOTE_ADDR="198.51.100.7").status_code == 200
    public_page_withdraw(project=project, user=world["city"])
    assert anonymous_get(client, page.get_public_url()).status_code == 404
    again = public_page_publish(project=project, user=world["city"])
    assert page_cache_key(again) != page_cache_key(page)  # a fresh copy, never the old one


def test_a_new_hotline_shows_at_once(client, world, page, project):
    anonymous_get(client, page.get_public_url())
    public_page_publish(project=project, user=world["city"], hotline="0533-3181234")
    assert "0533-3181234" in anonymous_get(client, page.get_public_url()).content.decode()


def test_too_many_requests_from_one_address_answer_429(client, page, settings):
    settings.PUBLIC_PAGE_RATE_LIMIT = 5
    # Addresses of their own: with Redis the count outlives the test until the minute is over.
    ip, other = (f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}" for _ in range(2))
    statuses = [anonymous_get(client, page.get_public_url(), ip=ip).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    refused = anonymous_get(client, page.get_public_url(), ip=ip)
    assert "请稍等一分钟后再试" in refused.content.decode() and refused["Retry-After"] == "60"
    # Another address is not held back.
    assert anonymous_get(client, page.get_public_url(), ip=other).status_code == 200


def test_the_qr_code_is_an_svg_of_the_absolute_address(client, page, settings):
    settings.PORTAL_URL = "https://gaizao.zibo.gov.cn"
    response = anonymous_get(client, reverse("reports:public_page_qr", args=[page.token]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml") and b"<svg" in response.content
    assert public_url_for(page.project) == f"https://gaizao.zibo.gov.cn/p/{page.token}/"


def test_no_address_for_the_notice_without_a_published_page_or_a_portal_url(world, project, settings):
    settings.PORTAL_URL = "https://gaizao.zibo.gov.cn"
    assert public_url_for(project) is None
    public_page_publish(project=project, user=world["city"])
    settings.PORTAL_URL = ""
    assert public_url_for(project) is None


def test_the_management_page_shows_the_address_and_qr_code_to_city_staff(client_for, page, project):
    html = client_for("city").get(reverse("reports:public_page_manage", args=[project.pk])).content.decode()
    assert page.get_public_url() in html and reverse("reports:public_page_qr", args=[page.token]) in html
    assert 'id="public-withdraw"' in html


def test_district_staff_see_the_address_without_the_buttons(client_for, page, project):
    html = (
        client_for("district").get(reverse("reports:public_page_manage", args=[project.pk])).content.decode()
    )
    assert page.get_public_url() in html
    assert 'id="public-withdraw"' not in html and 'id="public-publish"' not in html


def test_the_project_page_links_to_its_public_page(client_for, project):
    html = client_for("city").get(project.get_absolute_url()).content.decode()
    assert reverse("reports:public_page_manage", args=[project.pk]) in html


def test_publishing_from_the_page_goes_back_to_it(client_for, project):
    url = reverse("reports:public_page_publish", args=[project.pk])
    response = client_for("city").post(url, {"hotline": "12345"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:public_page_manage", args=[project.pk]
    )
    assert ProjectPublicPage.objects.get(project=project).is_published


def pdf_text(data):
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def test_the_publicity_notice_prints_the_qr_code_of_a_published_page(
    needs_poppler, world, building, issuers, settings
):
    from reports.notices import rendering

    settings.PORTAL_URL = "https://gaizao.zibo.gov.cn"
    page = public_page_publish(project=building, user=world["city"])
    notice = notice_issue(
        kind=PUBLICITY, subject=building, issuer=issuers["city"], user=world["city"], render=False
    )
    address = f"https://gaizao.zibo.gov.cn/p/{page.token}/"
    assert notice.context["public_url"] == address
    html = render_to_string(rendering.DOCUMENT_TEMPLATE, rendering.document_context(notice))
    assert 'class="qr"><img src="data:image/svg+xml' in html
    rendering.run_item(None, str(notice.pk))
    notice.refresh_from_db()
    with notice.file.open("rb") as file:
        text = pdf_text(file.read())
    # The address wraps beside the QR code, whose caption pdftotext may read in between.
    assert (
        "项目详情：https://gaizao.zibo.gov.cn/p/" in text
        and page.token in text
        and "扫码查看项目详情" in text
    )
