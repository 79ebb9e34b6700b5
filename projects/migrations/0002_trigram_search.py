"""Substring search on Chinese names and addresses: trigram GIN indexes (PostgreSQL only).

``name__contains`` becomes LIKE '%…%', which these indexes serve for three characters or more.
"""

from django.db import migrations

INDEXES = (
    ("projects_compound_name_trgm", "name"),
    ("projects_compound_address_trgm", "address"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for index, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON projects_compound USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_compounds_and_buildings")]
    operations = [migrations.RunPython(create, drop)]
