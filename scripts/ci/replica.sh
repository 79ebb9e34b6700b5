#!/usr/bin/env bash
# A real streaming replica of the local PostgreSQL (127.0.0.1:5432) on 127.0.0.1:5433, made with
# pg_basebackup -R, for the replica tests (tests/core/replica) and for trying the read replica by hand.
#
#   eval "$(scripts/ci/replica.sh)"     # prints only: export DATABASE_REPLICA_URL=postgres://...
#   scripts/ci/replica.sh stop          # stops it (the data directory stays for the next start)
#
# Idempotent: a replica already streaming from this primary is reused; a data directory left from
# an earlier run is started again, and copied afresh if it cannot catch up. The database name
# follows DATABASE_URL's: the whole cluster is replicated, so the test database Django creates on
# the primary (test_<name>) appears on the replica too, streamed like any other write.
# Logs go to stderr; stdout carries the export line only.
set -euo pipefail

PRIMARY_HOST=127.0.0.1
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
DATA="${REPLICA_DATA:-/var/tmp/portal-replica}"
LOG="${REPLICA_LOG:-/var/tmp/portal-replica.log}"
VERSION="$(ls /etc/postgresql | sort -V | tail -n 1)"
BIN="/usr/lib/postgresql/$VERSION/bin"

log() { echo "replica: $*" >&2; }
die() {
  log "ERROR: $*"
  [ -f "$LOG" ] && tail -n 20 "$LOG" >&2
  exit 1
}

# PostgreSQL refuses to run as root: the server and its files belong to the postgres OS user.
as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    die "run as root or as the postgres user"
  fi
}

primary() { psql -X -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -Atc "$1"; }
replica() { psql -X -q -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -Atc "$1" 2>/dev/null; }

database="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}"
database="${database%%\?*}"
database="${database##*/}"
[ -n "$database" ] || die "no database name in DATABASE_URL"
print_export() { echo "export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/$database"; }

if [ "${1:-}" = stop ]; then
  if [ -f "$DATA/postmaster.pid" ]; then
    as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
  fi
  exit 0
fi

pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" || die "the primary on $PRIMARY_HOST:$PRIMARY_PORT is not running"
primary_id="$(primary "SELECT system_identifier FROM pg_control_system()")"

# Streaming from our primary (same system identifier, WAL receiver up): nothing to do.
streaming() {
  [ "$(replica "SELECT pg_is_in_recovery()")" = t ] &&
    [ "$(replica "SELECT system_identifier FROM pg_control_system()")" = "$primary_id" ] &&
    [ "$(replica "SELECT status FROM pg_stat_wal_receiver")" = streaming ]
}
if pg_isready -q -h 127.0.0.1 -p "$REPLICA_PORT"; then
  if streaming; then
    log "reusing the replica already streaming on port $REPLICA_PORT"
    print_export
    exit 0
  fi
  if [ "$(replica "SELECT system_identifier FROM pg_control_system()")" != "$primary_id" ]; then
    die "port $REPLICA_PORT answers, but not as a replica of the primary on port $PRIMARY_PORT"
  fi
fi

# The primary must be able to send WAL and accept a replication connection from loopback.
[ "$(primary "SHOW wal_level")" != minimal ] || die "the primary's wal_level is minimal: set it to replica"
[ "$(primary "SHOW max_wal_senders")" -gt 0 ] || die "the primary's max_wal_senders is 0"
can_replicate() {
  psql -X -q "host=$PRIMARY_HOST port=$PRIMARY_PORT user=postgres replication=true" -Atc "IDENTIFY_SYSTEM" >/dev/null 2>&1
}
if ! can_replicate; then
  hba="$(primary "SHOW hba_file")"
  log "allowing replication connections from 127.0.0.1 in $hba"
  printf '\n# Streaming replica on loopback (scripts/ci/replica.sh)\nhost replication postgres 127.0.0.1/32 trust\n' >>"$hba"
  primary "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  can_replicate || die "replication connections are still refused; check $hba"
fi

start() {
  as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o "-p $REPLICA_PORT" start >&2 || return 1
}

# Waits for the replica to answer, be in recovery and stream; false when it cannot (e.g. the WAL it
# needs is gone from the primary after a long stop).
wait_streaming() {
  for _ in $(seq 1 "${1:-30}"); do
    pg_isready -q -h 127.0.0.1 -p "$REPLICA_PORT" && streaming && return 0
    sleep 1
  done
  return 1
}

copy_afresh() {
  if [ -f "$DATA/postmaster.pid" ]; then
    as_postgres "$BIN/pg_ctl" -D "$DATA" -m immediate -w stop >&2 || true
  fi
  rm -rf "$DATA"
  mkdir -p "$(dirname "$DATA")"
  install -d -o postgres -g postgres -m 700 "$DATA"
  log "copying the primary with pg_basebackup -R into $DATA"
  as_postgres "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$DATA" \
    -R -X stream -c fast --no-password >&2 || die "pg_basebackup failed"
  # Debian keeps the configuration in /etc, so the copy has none: a small one of its own. A hot
  # standby needs at least the primary's connection and worker limits.
  as_postgres tee "$DATA/postgresql.conf" >/dev/null <<EOF
# The replica of scripts/ci/replica.sh (port $REPLICA_PORT, loopback only).
listen_addresses = '127.0.0.1'
port = $REPLICA_PORT
unix_socket_directories = '/var/run/postgresql'
hot_standby = on
# Long report reads are not cancelled by the primary's vacuum.
hot_standby_feedback = on
max_connections = $(primary "SHOW max_connections")
max_worker_processes = $(primary "SHOW max_worker_processes")
max_wal_senders = $(primary "SHOW max_wal_senders")
max_prepared_transactions = $(primary "SHOW max_prepared_transactions")
max_locks_per_transaction = $(primary "SHOW max_locks_per_transaction")
shared_buffers = 128MB
jit = off
log_line_prefix = '%m [%p] replica '
EOF
  as_postgres tee "$DATA/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
  as_postgres touch "$DATA/pg_ident.conf"
}

if [ ! -f "$DATA/standby.signal" ] || [ "$(as_postgres "$BIN/pg_controldata" "$DATA" 2>/dev/null |
  sed -n 's/^Database system identifier: *//p')" != "$primary_id" ]; then
  copy_afresh
fi
if ! pg_isready -q -h 127.0.0.1 -p "$REPLICA_PORT"; then
  log "starting the replica on port $REPLICA_PORT (log: $LOG)"
  start || {
    log "the replica did not start; copying afresh"
    copy_afresh
    start || die "the replica did not start"
  }
fi
if ! wait_streaming 30; then
  log "the replica does not stream (the WAL it needs may be gone); copying afresh"
  copy_afresh
  start || die "the replica did not start"
  wait_streaming 60 || die "the replica does not stream from the primary"
fi
log "streaming on port $REPLICA_PORT, in recovery: $(replica "SELECT pg_is_in_recovery()")"
print_export
