"""The home page fits the role and shows its real work: what waits, what is overdue, the stage
picture, the user's imports and the projects they touched; no promise of a feature to come."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType

from core.models import AuditEntry, ImportBatch
from projects.models import Project
from tests.factories import compound_in, project_in
from tests.helpers import queries_of


@pytest.mark.parametrize(
    ("persona", "template", "heading"),
    [
        ("clerk_a", "reports/home_clerk.html", "街道办事处"),
        ("district", "reports/home_staff.html", "改造工作办公室"),
        ("city", "reports/home_staff.html", "改造工作办公室"),
        ("finance", "reports/home_reviewer.html", "部门审核"),
        ("leader", "reports/home_leader.html", "总览"),
        ("auditor", "reports/home_auditor.html", "审计"),
    ],
)
def test_home_page_fits_the_role(world, client_for, persona, template, heading):
    response = client_for(persona).get("/")
    assert template in [t.name for t in response.templates]
    assert heading in response.content.decode()


def test_clerk_home_counts_only_their_street(world, client_for):
    response = client_for("clerk_a").get("/")
    counts = dict(response.context["level_counts"])
    assert {str(label): n for label, n in counts.items()} == {"街道（镇）": 1, "社区": 3}
    assert [r.name for r in response.context["scope_regions"]] == ["车站街道"]


def test_auditor_home_lists_recent_audit_entries(world, client_for):
    from core.models import AuditEntry

    AuditEntry.objects.create(action="update", region_path=world.street_a.path, object_repr="车站街道")
    response = client_for("auditor").get("/")
    assert "车站街道" in response.content.decode()


def _menu_pages(client):
    """Every page the menu links to, those in dropdowns included."""
    return [name for item in client.get("/").context["menu"] for name in item["url_names"]]


def test_menu_shows_only_what_the_role_may_open(world, client_for):
    assert "core:auditentry_list" not in _menu_pages(client_for("clerk_a"))
    assert "core:auditentry_list" in _menu_pages(client_for("auditor"))


def test_menu_gathers_reference_pages_and_reports_in_dropdowns(world, client_for):
    menu = client_for("city").get("/").context["menu"]
    groups = {item["label"]: item["url_names"] for item in menu if item["children"]}
    assert groups["设置"][:2] == ["projects:renovationitem_list", "org:region_list"]
    assert groups["报表"] == [
        "reports:dashboard", "reports:progress", "reports:monthly_list", "reports:notice_list",
    ]  # fmt: skip
    assert len(menu) <= 8, [item["label"] for item in menu]


def test_the_home_links_to_every_page_of_the_menu_groups_not_to_the_groups(world, client_for):
    page = client_for("city").get("/").content.decode()
    links = re.findall(r'list-group-item-action" href="([^"]*)"', page)
    assert "" not in links  # 设置 and 报表 are dropdowns of the menu bar, not pages
    for url in ("/reports/progress/", "/reports/monthly/", "/reports/notices/", "/org/regions/"):
        assert url in links, url


def test_a_group_with_one_page_for_the_user_shows_that_page(world, client_for):
    clerk_menu = client_for("clerk_a").get("/").context["menu"]
    assert all(len(item["children"]) != 1 for item in clerk_menu)


# --- The role's real work ------------------------------------------------------------------------


S = Project.Stage
STALE = ("上线后将在此开放", "月报表", "居民意愿调查", "待您审批的资金", "将在此列出")
PAST = datetime.date(2025, 1, 31)


def _late(project, day=PAST):
    Project.objects.filter(pk=project.pk).update(next_due_on=day, next_milestone="survey")
    return project


@pytest.mark.parametrize(
    "persona", ["clerk_a", "district", "city", "finance", "leader", "auditor", "sysadmin"]
)
def test_no_home_page_promises_a_feature_that_does_not_exist(world, client_for, persona):
    body = client_for(persona).get("/").content.decode()
    for text in STALE:
        assert text not in body, (persona, text)


def test_clerk_home_lists_what_waits_for_her_and_what_is_overdue_in_her_street(world, client_for):
    waiting = project_in(compound_in(world.community_a), stage=S.SURVEY, name="华光路小区改造")
    late = _late(project_in(compound_in(world.community_a), stage=S.DESIGN, name="车站街道逾期项目"))
    in_review = project_in(compound_in(world.community_a), stage=S.REVIEW, name="车站街道审查中项目")
    other_street = _late(project_in(compound_in(world.community_b), stage=S.SURVEY, name="公园街道项目"))
    context = client_for("clerk_a").get("/").context
    waiting_names = {p.name for p in context["waiting"].rows}
    assert {waiting.name, late.name} <= waiting_names
    assert in_review.name not in waiting_names  # approval is the city's step
    assert other_street.name not in waiting_names
    assert [p.name for p in context["overdue"].rows] == [late.name]
    step = next(p for p in context["waiting"].rows if p.name == waiting.name).next_step
    assert step.action == "finish_survey"


def test_city_staff_wait_on_the_approval_steps(world, client_for):
    in_review = project_in(compound_in(world.community_b), stage=S.REVIEW, name="公园街道审查中项目")
    context = client_for("city").get("/").context
    assert in_review.name in {p.name for p in context["waiting"].rows}
    body = client_for("city").get("/").content.decode()
    assert "公园街道审查中项目" in body and "下一步： 登记批复" in body


def test_read_only_homes_show_the_dashboard_and_no_work_list(world, client_for):
    project_in(compound_in(world.community_a), stage=S.CONSTRUCTION)
    _late(project_in(compound_in(world.community_b), stage=S.DESIGN, name="逾期的设计项目"))
    for persona in ("leader", "auditor", "finance"):
        context = client_for(persona).get("/").context
        assert "waiting" not in context, persona
        # The dashboard's funnel and alerts take the place of the stage picture and the overdue list.
        assert context["dashboard"] and "picture" not in context and "overdue" not in context, persona
        assert context["sections"][0].key == "kpis"


def test_a_home_without_the_dashboard_keeps_the_stage_picture(world, client_for):
    project_in(compound_in(world.community_a), stage=S.CONSTRUCTION)
    context = client_for("sysadmin").get("/").context
    if "picture" in context:  # a system administrator who sees projects
        by_stage = {str(label): n for label, n in context["picture"]["by_stage"]}
        assert by_stage[str(S.CONSTRUCTION.label)] == 1
    assert not context["dashboard"] and context["level_counts"]


def test_reviewer_home_lists_the_projects_in_joint_review(world, client_for):
    in_review = project_in(compound_in(world.community_b), stage=S.REVIEW, name="公园街道连片改造一期")
    response = client_for("finance").get("/")
    assert [p.name for p in response.context["in_review"].rows] == [in_review.name]
    assert in_review.name in response.content.decode()


def test_home_lists_the_users_recent_imports_and_the_projects_they_touched(world, client_for):
    from django.core.files.base import ContentFile

    batch = ImportBatch(kind="compounds", created_by=world["district"], original_name="张店区小区.xlsx")
    batch.file.save("x.xlsx", ContentFile(b"x"), save=False)
    batch.save()
    touched = project_in(compound_in(world.community_a), name="最近改过的项目")
    AuditEntry.objects.create(
        action="update", actor=world["district"], region_path=touched.region.path,
        content_type=ContentType.objects.get_for_model(Project), object_id=str(touched.pk), object_repr=touched.name,
    )  # fmt: skip
    response = client_for("district").get("/")
    body = response.content.decode()
    assert "张店区小区.xlsx" in body
    assert [str(row.kind_label) for row in response.context["my_imports"]] == ["小区"]
    assert [p.name for p in response.context["touched"]] == [touched.name]


@pytest.mark.parametrize("persona", ["clerk_a", "district", "city", "finance", "leader", "auditor"])
def test_home_runs_the_same_queries_with_1_and_20_projects(world, client_for, persona):
    client = client_for(persona)
    queries_of(client, "/")

    def touch(project):
        AuditEntry.objects.create(
            action="update", actor=world[persona], region_path=project.region.path,
            content_type=ContentType.objects.get_for_model(Project), object_id=str(project.pk),
        )  # fmt: skip

    touch(_late(project_in(compound_in(world.community_a), stage=S.SURVEY)))
    one = queries_of(client, "/")
    for i in range(19):
        project = project_in(compound_in(world.community_a), stage=S.values[i % 9])
        if i % 2:
            _late(project)
        touch(project)
    assert queries_of(client, "/") == one, persona
