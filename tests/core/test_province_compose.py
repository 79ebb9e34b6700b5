"""The province profile of docker-compose.yml (docs/production.md, "One province").

Docker Compose is not on the CI machine; .ci/run validates the file against the Compose
specification, and these tests check what the specification cannot: that the second web process
and worker keep nothing on a local volume, and that the single-host layout is unchanged.
"""

from pathlib import Path

from django.conf import settings
from ruamel.yaml import YAML

PROVINCE_SERVICES = {"objectstore", "objectstore-bucket", "db-replica", "web-2", "worker-2", "balancer"}


def compose():
    return YAML(typ="safe").load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())


def test_the_single_host_layout_starts_without_the_profile():
    services = compose()["services"]
    plain = {name for name, service in services.items() if "profiles" not in service}
    assert plain == {"db", "redis", "web", "worker", "beat"}
    assert {name for name, service in services.items() if service.get("profiles") == ["province"]} == (
        PROVINCE_SERVICES
    )


def test_the_second_web_process_and_worker_share_nothing_local():
    services = compose()["services"]
    for name in ("web-2", "worker-2"):
        assert "volumes" not in services[name], f"{name} must keep its files in the bucket"
        # The same image and settings as web: the YAML anchor merged the portal's block in.
        assert services[name]["image"] == services["web"]["image"]
        assert services[name]["environment"] == services["web"]["environment"]


def test_the_balancer_sends_requests_to_both_web_processes():
    conf = (Path(settings.BASE_DIR) / "deploy/nginx/balancer.conf").read_text()
    assert "server web:8000" in conf and "server web-2:8000" in conf
    assert compose()["services"]["balancer"]["volumes"] == [
        "./deploy/nginx/balancer.conf:/etc/nginx/conf.d/default.conf:ro"
    ]


def test_the_replica_copies_the_primary_with_the_replication_role():
    services = compose()["services"]
    assert "pg_basebackup -h db -U replicator" in " ".join(services["db-replica"]["command"])
    init = (Path(settings.BASE_DIR) / "deploy/postgres/initdb/10-replication.sh").read_text()
    assert "CREATE ROLE replicator WITH REPLICATION" in init
    assert "./deploy/postgres/initdb:/docker-entrypoint-initdb.d:ro" in services["db"]["volumes"]
