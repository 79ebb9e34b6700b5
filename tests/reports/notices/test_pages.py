"""The notice pages: the register (filters, scope, constant queries), a notice and its PDF, the
void form, a project's notices and the issue form (once per form, however often it is sent), the
batch page."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import DocumentCounter, Notice

from .factories import approved_in, construction_in, notice_in, notice_issuers

TOKEN = re.compile(r'name="submission_token" value="([0-9a-f]{32})"')


def register(client, **query):
    return client.get(reverse("reports:notice_list"), query)


def test_the_register_lists_numbers_titles_subjects_and_the_voided_ones(world, client_for):
    from reports.notices.services import notice_void

    kept = notice_in(world.community_a, world["city"])
    voided = notice_in(world.community_a, world["city"])
    notice_void(notice=voided, user=world["city"], reason="标题有误")
    content = register(client_for("city")).content.decode()
    assert kept.number in content and kept.title in content and kept.subject_label in content
    assert f"<s>{voided.number}</s>" in content and "已作废" in content
    assert reverse("reports:notice_download", args=[kept.pk]) in content
    assert voided.subject.get_absolute_url() in content


def test_the_register_filters_by_kind_year_status_and_issuer(world, client_for):
    construction = notice_in(world.community_a, world["city"])
    publicity = notice_in(world.community_a, world["city"], kind="publicity", issuer="淄财")
    client = client_for("city")
    by_kind = register(client, kind="publicity").context["object_list"]
    assert list(by_kind) == [publicity]
    assert list(register(client, issuer=notice_issuers()["淄建"].pk).context["object_list"]) == [construction]
    assert list(register(client, status="voided").context["object_list"]) == []
    assert set(register(client, year="2026").context["object_list"]) == {construction, publicity}
    assert set(register(client, number="〔2026〕1号").context["object_list"]) == {construction, publicity}


def test_a_street_clerk_reads_only_the_notices_of_their_streets_projects(world, client_for):
    own = notice_in(world.community_a, world["city"])
    other = notice_in(world.community_b, world["city"])
    listed = set(register(client_for("clerk_a")).context["object_list"])
    assert listed == {own}
    assert client_for("clerk_a").get(other.get_absolute_url()).status_code == 404
    assert set(register(client_for("district")).context["object_list"]) == {own, other}


def test_the_register_runs_the_same_queries_for_one_notice_and_twenty(world, client_for):
    client = client_for("city")
    notice_in(world.community_a, world["city"])
    register(client)  # warm the per-user caches
    with CaptureQueriesContext(connection) as one:
        assert register(client).status_code == 200
    for _ in range(19):
        notice_in(world.community_a, world["city"])
    with CaptureQueriesContext(connection) as twenty:
        response = register(client)
    assert len(response.context["object_list"]) == 20
    assert len(twenty) == len(one), [q["sql"] for q in twenty.captured_queries]


def test_the_pdf_is_downloaded_inline_by_its_number_and_not_before_it_is_rendered(world, client_for):
    notice = notice_in(world.community_a, world["city"])
    response = client_for("clerk_a").get(reverse("reports:notice_download", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    pending = notice_in(world.community_a, world["city"], rendered=False)
    assert client_for("city").get(reverse("reports:notice_download", args=[pending.pk])).status_code == 404


def test_city_staff_void_a_notice_with_a_reason_and_its_number_stays(world, client_for):
    notice = notice_in(world.community_a, world["city"])
    client = client_for("city")
    page = client.get(notice.get_absolute_url()).content.decode()
    assert reverse("reports:notice_void", args=[notice.pk]) in page
    missing = client.post(reverse("reports:notice_void", args=[notice.pk]), {"void_reason": ""})
    assert missing.status_code == 200 and "作废原因" in missing.content.decode()
    assert Notice.objects.get(pk=notice.pk).status == "issued"
    done = client.post(reverse("reports:notice_void", args=[notice.pk]), {"void_reason": "项目名称有误"})
    assert done.status_code == 302
    voided = Notice.objects.get(pk=notice.pk)
    assert (voided.status, voided.void_reason, voided.number) == ("voided", "项目名称有误", notice.number)
    assert "项目名称有误" in client.get(notice.get_absolute_url()).content.decode()


def test_the_project_page_links_to_its_notices_and_offers_the_kinds_the_user_may_issue(world, client_for):
    notice_issuers()
    project = approved_in(world.community_a)
    project_page = client_for("district").get(project.get_absolute_url()).content.decode()
    assert reverse("reports:project_notices", args=[project.pk]) in project_page
    district = (
        client_for("district").get(reverse("reports:project_notices", args=[project.pk])).content.decode()
    )
    assert reverse("reports:notice_issue", args=["construction", project.pk]) in district
    assert reverse("reports:notice_issue", args=["approval", project.pk]) not in district
    city = client_for("city").get(reverse("reports:project_notices", args=[project.pk])).content.decode()
    assert reverse("reports:notice_issue", args=["approval", project.pk]) in city
    clerk = client_for("clerk_a").get(reverse("reports:project_notices", args=[project.pk])).content.decode()
    assert "notices/issue/" not in clerk


def test_an_issue_form_sent_twice_issues_one_notice_and_takes_one_number(world, client_for):
    issuers = notice_issuers()
    project = construction_in(world.community_a)
    client = client_for("city")
    url = reverse("reports:notice_issue", args=["construction", project.pk])
    form = client.get(url)
    token = TOKEN.search(form.content.decode()).group(1)
    data = {
        "issuer": issuers["淄建"].pk, "title": "施工告知书", "addressee": "居民朋友们", "contact": "王明 0533-3182345",
        "note": "", "submission_token": token,
    }  # fmt: skip
    first = client.post(url, data)
    again = client.post(url, data)  # a double click
    assert (first.status_code, again.status_code) == (302, 302)
    assert Notice.objects.count() == 1
    assert DocumentCounter.objects.get(issuer=issuers["淄建"]).last_number == 1
    notice = Notice.objects.get()
    assert first["Location"] == notice.get_absolute_url() == again["Location"]
    assert (notice.title, notice.addressee, notice.context["contact"]) == (
        "施工告知书",
        "居民朋友们",
        "王明 0533-3182345",
    )


def test_the_issue_form_proposes_the_title_addressee_and_the_users_issuer(world, client_for):
    issuers = notice_issuers()
    project = construction_in(world.community_a)
    form = (
        client_for("city")
        .get(reverse("reports:notice_issue", args=["construction", project.pk]))
        .context["form"]
    )
    assert form["title"].value() == f"{project.name}项目施工告知书"
    assert form["addressee"].value().endswith("居民朋友们")
    assert form["issuer"].value() == issuers["淄建"].pk
    assert set(form.fields["issuer"].queryset) == {
        issuers["淄建"],
        issuers["淄财"],
    }  # not 张建: not the city's
    district_form = client_for("district").get(
        reverse("reports:notice_issue", args=["construction", project.pk])
    )
    assert set(district_form.context["form"].fields["issuer"].queryset) == {issuers["张建"]}


def test_an_ineligible_subject_has_no_issue_form(world, client_for):
    notice_issuers()
    project = construction_in(world.community_a)  # not approved
    assert (
        client_for("city").get(reverse("reports:notice_issue", args=["approval", project.pk])).status_code
        == 404
    )
    assert (
        client_for("city").get(reverse("reports:notice_issue", args=["nonsense", project.pk])).status_code
        == 404
    )


def test_the_batch_page_issues_one_notice_per_ticked_project_and_shows_the_job(world, client_for):
    issuers = notice_issuers()
    projects = [construction_in(world.community_a) for _ in range(3)]
    client = client_for("district")
    url = reverse("reports:notice_batch") + f"?kind=construction&region={world.district_a.pk}"
    page = client.get(url)
    assert {str(p.pk) for p in projects} <= {
        value for value, _label in page.context["form"].fields["subjects"].choices
    }
    response = client.post(url, {"issuer": issuers["张建"].pk, "subjects": [str(p.pk) for p in projects[:2]]})
    assert response.status_code == 302
    notices = Notice.objects.order_by("sequence")
    assert [n.number for n in notices] == ["张建〔2026〕1号", "张建〔2026〕2号"]
    assert response["Location"] == notices[0].job.get_absolute_url()


def test_the_batch_page_leaves_unticked_the_projects_that_have_such_a_notice(world, client_for):
    notice_issuers()
    done = notice_in(world.community_a, world["city"]).subject
    fresh = construction_in(world.community_a)
    page = client_for("city").get(reverse("reports:notice_batch") + "?kind=construction")
    form = page.context["form"]
    assert str(fresh.pk) in form.initial["subjects"] and str(done.pk) not in form.initial["subjects"]
    assert "（已有淄建〔2026〕1号）" in dict(form.fields["subjects"].choices)[str(done.pk)]


def test_without_an_issuer_of_their_own_district_staff_are_told_who_adds_one(world, client_for):
    from reports.models import NoticeIssuer

    notice_issuers()
    NoticeIssuer.objects.filter(abbreviation="张建").update(active=False)
    project = construction_in(world.community_a)
    page = client_for("district").get(reverse("reports:notice_issue", args=["construction", project.pk]))
    assert "尚无以您单位名义发文的发文机关" in page.content.decode()
