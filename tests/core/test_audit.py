"""The audit log records domain actions and is itself restricted by region."""

from core.models import AuditEntry
from org.models import Region
from org.services import region_create, region_update
from tests.helpers import assert_list_queries_constant


def test_service_records_who_created_what(world):
    city = world["city"]
    region = region_create(
        actor=city, code="370303001099", name="测试社区", level=Region.Level.COMMUNITY, parent=world.street_a
    )
    entry = AuditEntry.objects.get(object_id=str(region.pk), action=AuditEntry.Action.CREATE)
    assert entry.actor == city
    assert entry.region_path == region.path
    assert entry.changes["name"] == "测试社区"


def test_update_records_only_the_changed_fields(world):
    region_update(
        actor=world["city"],
        instance=world.community_a,
        code=world.community_a.code,
        name="华光路新社区",
        level=world.community_a.level,
        parent=world.street_a,
    )
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).latest("at")
    assert entry.changes == {"name": ["华光路社区", "华光路新社区"]}


def test_auditor_reads_entries_of_their_city_only(world):
    inside = AuditEntry.objects.create(action="update", region_path=world.street_a.path)
    outside = AuditEntry.objects.create(action="update", region_path="110000/110100/")
    visible = AuditEntry.objects.restrict(world["auditor"])
    assert visible.filter(pk=inside.pk).exists()
    assert not visible.filter(pk=outside.pk).exists()


def test_clerk_cannot_read_the_audit_log(world):
    AuditEntry.objects.create(action="update", region_path=world.street_a.path)
    assert not AuditEntry.objects.restrict(world["clerk_a"]).exists()


def test_login_is_recorded_where_the_user_works(world, client):
    from tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN)
    assert entry.actor == world["clerk_a"]
    assert entry.region_path == world.street_a.path


def test_failed_login_is_recorded_with_the_username(world, client):
    client.post("/accounts/login/", {"username": "clerk_a", "password": "wrong"})
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, summary="clerk_a").exists()


def test_audit_page_lists_and_filters_entries(world, client_for):
    AuditEntry.objects.create(action="update", region_path=world.street_a.path, object_repr="车站街道")
    AuditEntry.objects.create(action="delete", region_path=world.street_a.path, object_repr="旧社区")
    response = client_for("auditor").get("/audit/", {"action": "delete"})
    assert response.status_code == 200
    rows = list(response.context["object_list"])
    assert [e.object_repr for e in rows] == ["旧社区"]


def test_audit_page_runs_the_same_queries_for_1_and_20_rows(world, client_for):
    def add_rows(n):
        for _ in range(n):
            AuditEntry.objects.create(action="update", region_path=world.street_a.path, object_repr="某社区")

    assert_list_queries_constant(client_for("auditor"), "/audit/", add_rows)
