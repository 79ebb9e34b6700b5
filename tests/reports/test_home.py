"""The home page fits the role."""

import pytest


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


def test_menu_shows_only_what_the_role_may_open(world, client_for):
    clerk_menu = [item["url_name"] for item in client_for("clerk_a").get("/").context["menu"]]
    auditor_menu = [item["url_name"] for item in client_for("auditor").get("/").context["menu"]]
    assert "core:auditentry_list" not in clerk_menu
    assert "core:auditentry_list" in auditor_menu
