"""The rest of the suite runs with DATABASE_REPLICA_URL set (CI): the "replica" alias mirrors the
primary's test database, so code inside reads_from_replica() reads the primary, inside the test's
own transaction, and sees what the test wrote."""

from django.contrib.auth.models import Group

from core.replica import reading_replica, reads_from_replica, replica_configured


def test_the_suites_mirror_of_the_primary_is_not_a_replica_of_its_own(needs_replica, db):
    assert not replica_configured()
    Group.objects.create(name="镜像")
    with reads_from_replica():
        assert not reading_replica()
        found = Group.objects.get(name="镜像")
    assert found._state.db == "default"
