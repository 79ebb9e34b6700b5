"""The dashboard's alerts (reports.dashboard.alerts): each kind shows what is late with a link to the
thing itself, leaves out what is not, stays inside the chosen area and the user's scope, is left
out for a user who may not read its model, and costs the same queries with one row or many."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals.models import ApprovalRequest
from org.models import Organisation, Region, User
from projects.models import Project
from reports.dashboard import alerts
from reports.dashboard.scope import Scope
from residents.models import Complaint
from tests.approvals.factories import pending_request_in
from tests.factories import compound_in, finding_in, project_in
from tests.funding.factories import receipt_in
from tests.residents.permissions.complaints import complaint_in

TODAY = timezone.localdate()
# Two a kind (the count, the first rows) but idle funds (the ledger's idle rule: the cities' policies
# and the money, and the user's roles), and six for the user's permissions and scope, read once.
ALERT_QUERIES = 17


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def scope_of(world, persona, region=None):
    # The user read afresh: a user object keeps its permissions and scope once read.
    user = User.objects.get(username=world[persona].username)
    return Scope(user=user, city=world.city, year=TODAY.year, as_of=TODAY, region=region or world.city)


def kinds_of(world, persona, region=None):
    section = alerts.build(scope_of(world, persona, region))
    return {kind.key: kind for kind in section.data} if section else {}


def community_of(district):
    """A community of ``district`` whose street has its office (approval requests wait for it)."""
    offices = Organisation.objects.filter(region__parent=district, region__level=Region.Level.STREET)
    street = offices.values_list("region", flat=True).first()
    return Region.objects.filter(parent_id=street, level=Region.Level.COMMUNITY).first()


def late_everything(community, user, *, days=10):
    """One late thing of each kind in ``community``; returns them by kind."""
    project = project_in(compound_in(community), next_due_on=days_ago(days))
    finding = finding_in(project, deadline=days_ago(days))
    complaint = complaint_in(community=community, received_on=days_ago(days + 15), deadline=days_ago(days))
    receipt_in(project, user, on=days_ago(200))
    request = pending_request_in(community.parent, user)
    ApprovalRequest.objects.filter(pk=request.pk).update(due_on=days_ago(days))
    return {
        "stages": project,
        "findings": finding,
        "complaints": complaint,
        "idle": project,
        "requests": request,
    }


def urls_of(kind):
    return [alert.url for alert in kind.rows]


@pytest.mark.django_db
def test_each_kind_links_to_the_late_thing_itself(world):
    late = late_everything(world.community_a, world["city"])

    kinds = kinds_of(world, "leader")

    project = late["stages"]
    assert urls_of(kinds["stages"]) == [reverse("projects:project_detail", args=[project.pk])]
    assert kinds["stages"].rows[0].days == 10
    assert urls_of(kinds["findings"]) == [
        reverse("projects:project_detail", args=[project.pk]) + "#inspections"
    ]
    assert urls_of(kinds["complaints"]) == [
        reverse("residents:complaint_detail", args=[late["complaints"].pk])
    ]
    assert urls_of(kinds["idle"]) == [reverse("funding:project_funding", args=[project.pk])]
    assert urls_of(kinds["requests"]) == [reverse("approvals:request_detail", args=[late["requests"].pk])]
    assert {key: kind.total for key, kind in kinds.items()} == dict.fromkeys(late, 1)


@pytest.mark.django_db
def test_nothing_due_yet_or_done_is_no_alert(world):
    user = world["city"]
    project = project_in(compound_in(world.community_a), next_due_on=TODAY)  # due today: not late yet
    finding_in(project, deadline=TODAY)
    finding_in(project, deadline=days_ago(9), closed_on=days_ago(1), closure_note="已清理")
    complaint_in(community=world.community_a, received_on=days_ago(30), deadline=days_ago(5),
                 status=Complaint.Status.ANSWERED)  # fmt: skip
    complaint_in(community=world.community_a, received_on=days_ago(3), deadline=TODAY)
    receipt_in(project, user, on=days_ago(20))  # arrived lately: not idle
    answered = pending_request_in(world.street_a, user)
    ApprovalRequest.objects.filter(pk=answered.pk).update(
        due_on=days_ago(4), state=ApprovalRequest.State.APPROVED, current_stage=None
    )
    pending_request_in(world.street_a, user)  # due today

    kinds = kinds_of(world, "leader")

    assert {key: kind.total for key, kind in kinds.items()} == dict.fromkeys(
        ("stages", "findings", "complaints", "idle", "requests"), 0
    )
    assert all(kind.rows == [] for kind in kinds.values())


@pytest.mark.django_db
def test_a_district_user_never_sees_another_districts_alerts(world):
    late_everything(world.community_a, world["city"])
    elsewhere = late_everything(community_of(world.district_b), world["city"])

    kinds = kinds_of(world, "district")  # the city's dashboard, as far as the user's area goes

    assert {key: kind.total for key, kind in kinds.items()} == dict.fromkeys(elsewhere, 1)
    shown = [url for kind in kinds.values() for url in urls_of(kind)]
    assert reverse("projects:project_detail", args=[elsewhere["stages"].pk]) not in shown
    assert reverse("funding:project_funding", args=[elsewhere["idle"].pk]) not in shown
    assert reverse("residents:complaint_detail", args=[elsewhere["complaints"].pk]) not in shown
    assert reverse("approvals:request_detail", args=[elsewhere["requests"].pk]) not in shown
    # The whole city for the leader; drilled into 张店区, only its own.
    assert all(kind.total == 2 for kind in kinds_of(world, "leader").values())
    assert all(kind.total == 1 for kind in kinds_of(world, "leader", world.district_a).values())


@pytest.mark.django_db
def test_a_street_shows_its_own_alerts_and_the_complaint_list_of_that_street(world):
    late_everything(world.community_a, world["city"])
    late_everything(world.community_b, world["city"])

    kinds = kinds_of(world, "leader", world.street_a)

    assert all(kind.total == 1 for kind in kinds.values())
    assert f"street={world.street_a.pk}" in kinds["complaints"].more_url
    # The project list and the ledger filter by district only: no list of a street's own.
    assert kinds["stages"].more_url == ""
    assert kinds["idle"].more_url == ""


@pytest.mark.django_db
def test_see_all_leads_to_the_list_filtered_to_the_kind_and_district(world):
    late_everything(world.community_a, world["city"])

    kinds = kinds_of(world, "leader", world.district_a)

    district = world.district_a.pk
    assert (
        kinds["stages"].more_url == f"{reverse('projects:project_list')}?overdue=deadline&district={district}"
    )
    assert (
        kinds["findings"].more_url
        == f"{reverse('projects:project_list')}?overdue=findings&district={district}"
    )
    assert (
        kinds["complaints"].more_url
        == f"{reverse('residents:complaint_list')}?overdue=true&district={district}"
    )
    assert kinds["idle"].more_url == f"{reverse('funding:ledger')}?district={district}#ledger-warnings"
    assert kinds["requests"].more_url == ""


@pytest.mark.django_db
def test_a_kind_whose_model_the_user_may_not_read_is_left_out(world):
    late_everything(world.community_a, world["city"])

    kinds = kinds_of(world, "finance")  # a department reviewer reads no complaint

    assert "complaints" not in kinds
    assert {"stages", "findings", "idle", "requests"} <= set(kinds)


@pytest.mark.django_db
def test_the_first_rows_are_the_most_overdue_and_the_count_says_how_many(world):
    for days in range(1, alerts.SHOWN + 3):
        project_in(compound_in(world.community_a), next_due_on=days_ago(days))

    stages = kinds_of(world, "leader")["stages"]

    assert stages.total == alerts.SHOWN + 2
    assert [alert.days for alert in stages.rows] == list(range(alerts.SHOWN + 2, 2, -1))
    assert stages.more


@pytest.mark.django_db
def test_alerts_run_the_same_queries_with_one_late_thing_of_each_kind_or_many(world):
    alerts.build(scope_of(world, "leader"))  # content types are cached once per process
    late_everything(world.community_a, world["city"])
    scope = scope_of(world, "leader")
    with CaptureQueriesContext(connection) as one:
        alerts.build(scope)

    for days in range(2, 9):
        late_everything(world.community_a if days % 2 else world.community_b, world["city"], days=days)
    scope = scope_of(world, "leader")
    with CaptureQueriesContext(connection) as many:
        section = alerts.build(scope)

    assert {kind.key: kind.total for kind in section.data} == dict.fromkeys(
        ("stages", "findings", "complaints", "idle", "requests"), 8
    )
    assert len(many) == len(one) == ALERT_QUERIES


@pytest.mark.django_db
def test_the_dashboard_shows_the_alerts_with_their_links(world, client_for):
    late = late_everything(world.community_a, world["city"])

    page = client_for("leader").get(reverse("reports:dashboard")).content.decode()

    assert 'id="dash-alerts"' in page
    assert f'href="{reverse("residents:complaint_detail", args=[late["complaints"].pk])}"' in page
    assert f'href="{reverse("approvals:request_detail", args=[late["requests"].pk])}"' in page
    assert "逾期 10 天" in page
    wall = client_for("leader").get(reverse("reports:dashboard_wall")).content.decode()
    assert 'id="dash-alerts"' in wall


@pytest.mark.django_db
def test_a_projects_plan_year_does_not_hide_its_late_stage(world):
    last_years = project_in(
        compound_in(world.community_a), plan_year=TODAY.year - 1, next_due_on=days_ago(40)
    )

    stages = kinds_of(world, "leader")["stages"]

    assert [alert.title for alert in stages.rows] == [last_years.name]
    assert Project.objects.filter(pk=last_years.pk, plan_year=TODAY.year - 1).exists()


@pytest.mark.django_db
def test_lateness_is_counted_to_the_as_of_date_but_never_to_a_day_to_come(world):
    late = project_in(compound_in(world.community_a), next_due_on=days_ago(10))
    project_in(compound_in(world.community_a), next_due_on=TODAY + datetime.timedelta(days=5))
    leader = User.objects.get(username="leader")

    def stages(as_of):
        scope = Scope(user=leader, city=world.city, year=TODAY.year, as_of=as_of, region=world.city)
        return {kind.key: kind for kind in alerts.build(scope).data}["stages"]

    assert [(alert.url, alert.days) for alert in stages(days_ago(4)).rows] == [
        (reverse("projects:project_detail", args=[late.pk]), 6)
    ]
    # A month ahead, what is due in five days is not late yet.
    assert [alert.days for alert in stages(TODAY + datetime.timedelta(days=30)).rows] == [10]
