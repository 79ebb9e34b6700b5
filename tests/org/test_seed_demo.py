"""The demo city: 淄博 with its eight districts and counties, and one account per role."""

from io import StringIO

from django.core.management import call_command

from org.models import Organisation, Region, User

USERNAMES = [
    "city_admin",
    "district_staff",
    "street_clerk",
    "street_clerk_b",
    "reviewer_finance",
    "leader",
    "auditor",
]


def seed():
    out = StringIO()
    call_command("seed_demo", password="Demo#2026zb", stdout=out)
    return out.getvalue()


def test_seed_builds_zibo_and_prints_every_login(db):
    output = seed()
    districts = set(Region.objects.filter(parent__name="淄博市").values_list("name", flat=True))
    assert districts == {"张店区", "淄川区", "博山区", "周村区", "临淄区", "桓台县", "高青县", "沂源县"}
    for username in USERNAMES:
        assert username in output
    assert "Demo#2026zb" in output


def test_seed_twice_changes_nothing(db):
    seed()
    counts = (Region.objects.count(), Organisation.objects.count(), User.objects.count())
    seed()
    assert (Region.objects.count(), Organisation.objects.count(), User.objects.count()) == counts


def test_the_two_clerks_work_in_different_streets_of_one_district(db):
    seed()
    a = User.objects.get(username="street_clerk").organisation.region
    b = User.objects.get(username="street_clerk_b").organisation.region
    assert a != b and a.parent == b.parent and a.parent.name == "张店区"


def test_demo_accounts_log_in_with_the_printed_password(db, client):
    seed()
    for username in USERNAMES:
        response = client.post("/accounts/login/", {"username": username, "password": "Demo#2026zb"})
        assert response.status_code == 302, username
        client.post("/accounts/logout/")


def test_city_admin_can_open_the_administration(db, client):
    seed()
    client.force_login(User.objects.get(username="city_admin"))
    assert client.get("/admin/org/user/").status_code == 200
