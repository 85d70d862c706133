#!/usr/bin/env bash
# The API against its own OpenAPI schema: schemathesis drives a live gunicorn on
# PostgreSQL with the demo data, as a customer, a manager and a moderator, and
# checks that no request answers 500 and that every response -- status, content
# type and body -- is one the schema declares. Fixed seed, bounded run.
#
#   bash deploy/schemathesis.sh        (needs PostgreSQL on 127.0.0.1:5432)
#   ST_PORT, ST_MAX_EXAMPLES, ST_SEED override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
ST=.venv/bin/st
PORT="${ST_PORT:-19210}"
MAX_EXAMPLES="${ST_MAX_EXAMPLES:-12}"
SEED="${ST_SEED:-20261201}"
PASSWORD=demo12345
BASE="http://127.0.0.1:$PORT"
CHECKS="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"

DB="cinema_st_$$"
WORK="$(mktemp -d)"
GUNICORN_PID=""
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DB" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $DB"

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DEBUG=0 SECRET_KEY="schemathesis-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 LOG_LEVEL=WARNING
unset REDIS_URL  # local-memory cache: the run is about the contract, not the cache
# Limits raised for the run: thousands of requests from one address and account.
for scope in ANON USER LOGIN_IP LOGIN_ACCOUNT BOOKING PAYMENT; do export "THROTTLE_$scope=100000/min"; done
export THROTTLE_REGISTER=100000/hour

echo "== database $DB: migrate and demo data"
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo --password "$PASSWORD" --seed 1 >/dev/null

echo "== gunicorn on $BASE"
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2 PROMETHEUS_MULTIPROC_DIR="$WORK/metrics" \
  .venv/bin/gunicorn cinema.wsgi:application -c gunicorn.conf.py >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do curl -fsS "$BASE/health/live" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS -H "Accept: application/vnd.oai.openapi+json" "$BASE/api/schema/" -o "$WORK/schema.json"

token() {
  curl -fsS -X POST "$BASE/api/v1/auth/login/" -H "Content-Type: application/json" \
    -d "{\"email\": \"$1@cinema.local\", \"password\": \"$PASSWORD\"}" | $PY -c "import json, sys; print(json.load(sys.stdin)['access'])"
}

failed=0
started=$(date +%s)
for role in customer manager moderator; do
  echo "== schemathesis as $role ($CHECKS)"
  if ! $ST run "$WORK/schema.json" --url "$BASE" \
    -H "Authorization: Bearer $(token "$role")" \
    --checks "$CHECKS" --phases examples,coverage,fuzzing \
    --max-examples "$MAX_EXAMPLES" --seed "$SEED" --workers 2 \
    --exclude-path /api/v1/auth/change-password/ --exclude-path /api/v1/auth/logout/ \
    --request-timeout 20 --no-color; then
    failed=1
  fi
done
echo "== schemathesis done in $(($(date +%s) - started)) s"
if grep -q "Traceback" "$WORK/gunicorn.log"; then
  echo "gunicorn logged a traceback:"; grep -A20 Traceback "$WORK/gunicorn.log" | head -60; failed=1
fi
exit $failed
