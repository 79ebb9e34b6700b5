#!/bin/sh
# Runs once, when the db container initialises an empty data directory (docker-entrypoint-initdb.d).
# With REPLICATION_PASSWORD set, it creates the role a streaming replica copies the database with
# and lets it connect for replication (docker-compose.yml, profile "province"; docs/production.md).
set -eu
if [ -z "${REPLICATION_PASSWORD:-}" ]; then
  echo "REPLICATION_PASSWORD is not set: no replication role (a replica cannot follow this database)"
  exit 0
fi
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
