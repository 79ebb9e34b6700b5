"""How the portal's connections to PostgreSQL are set up."""

from django.db import connection


def test_postgresql_connections_run_without_jit(db, needs_postgresql):
    # JIT compiles the big list queries for longer than they then run (docs/benchmarks.md, "JIT").
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
