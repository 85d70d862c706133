#!/usr/bin/env bash
# Property-based fuzzing of the whole API with schemathesis: a live gunicorn on
# PostgreSQL with the demo data, driven from the OpenAPI schema at /api/schema/,
# as a customer, a manager and a moderator. Checks: no server error (any 5xx
# fails the run), and every answer is one the schema declares -- its status,
# its content type and its body (the contract generated clients rely on). A
# fixed seed and bounded examples keep it reproducible and to a few minutes.
# Stops and drops everything it started, whatever happens.
#
#   FUZZ_PORT (19180)       loopback port of gunicorn
#   FUZZ_SEED (20261201)    schemathesis seed
#   FUZZ_MAX_EXAMPLES (12)  examples per operation and phase
#   FUZZ_MAX_TIME (60)      seconds per role, all phases together
#   FUZZ_WORKERS (1)        concurrent schemathesis workers
#   KEEP_FUZZ_LOGS=1        keep the work directory (gunicorn log, reports)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
PORT=${FUZZ_PORT:-19180}
SEED=${FUZZ_SEED:-20261201}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-12}
MAX_TIME=${FUZZ_MAX_TIME:-60}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
WORKERS=${FUZZ_WORKERS:-1}
PASSWORD=fuzz-demo-pass
WORK=$(mktemp -d /tmp/cinema-fuzz.XXXXXX)
DB="cinema_fuzz_$$"
BASE="http://127.0.0.1:$PORT"
GUNICORN_PID=""

cleanup() {
  set +e
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null; wait "$GUNICORN_PID" 2>/dev/null; fi
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null
  if [ "${KEEP_FUZZ_LOGS:-}" = "" ]; then rm -rf "$WORK"; else echo "logs kept in $WORK"; fi
}
trap cleanup EXIT

export DEBUG=0 SECURE_SSL_REDIRECT=0
export SECRET_KEY=$("$PY" -c "import secrets; print(secrets.token_urlsafe(64))")
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
export REDIS_URL=  # no shared cache: the run must not touch anyone's Redis
export STATIC_ROOT=$WORK/static
export LOG_FORMAT=text LOG_LEVEL=WARNING ACCESS_LOG_LEVEL=WARNING
# The fuzzer sends thousands of requests from one address and three accounts.
export THROTTLE_ANON=1000000/min THROTTLE_USER=1000000/min THROTTLE_LOGIN_IP=1000000/min \
  THROTTLE_LOGIN_ACCOUNT=1000000/min THROTTLE_REGISTER=1000000/min THROTTLE_BOOKING=1000000/min \
  THROTTLE_PAYMENT=1000000/min

echo "== database $DB, migrations, demo data"
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $DB"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py seed_demo --password "$PASSWORD" -v0 >/dev/null

echo "== gunicorn (2 workers) on $BASE"
# The fuzz judges the app's answers. How long a request line or header may be is the
# HTTP server's limit (gunicorn's 4094-byte line, nginx's 8 kB buffers in production),
# answered with a 414/431 page before the app runs; it is lifted here so that the
# fuzzer's long query strings reach the app and get the app's answer.
GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_WORKERS=2 GUNICORN_TIMEOUT=60 PROMETHEUS_MULTIPROC_DIR=$WORK/metrics \
  "$ROOT/.venv/bin/gunicorn" -c gunicorn.conf.py --limit-request-line 0 --limit-request-field_size 0 \
  cinema.wsgi >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$BASE/health/live" 2>/dev/null && break; sleep 0.5; done
curl -fsS -o /dev/null "$BASE/health/live"

token() {
  curl -fsS -H 'Content-Type: application/json' \
    -d "{\"email\": \"$1\", \"password\": \"$PASSWORD\"}" "$BASE/api/v1/auth/login/" |
    "$PY" -c 'import json, sys; print(json.load(sys.stdin)["access"])'
}

STATUS=0
START=$(date +%s)
for ROLE in customer manager moderator; do
  echo "== schemathesis as $ROLE@cinema.local (seed $SEED)"
  TOKEN=$(token "$ROLE@cinema.local")
  (cd "$WORK" && "$ROOT/.venv/bin/schemathesis" run "$BASE/api/schema/" \
    --url "$BASE" \
    -H "Authorization: Bearer $TOKEN" \
    --checks "$CHECKS" \
    --phases examples,coverage,fuzzing,stateful \
    --seed "$SEED" \
    --max-examples "$MAX_EXAMPLES" --max-time "$MAX_TIME" \
    --workers "$WORKERS" --request-timeout 30 \
    --suppress-health-check all \
    --no-color \
    --report junit --report-dir "$WORK/$ROLE") || STATUS=1
done
echo "== schemathesis: $(( $(date +%s) - START )) s"
if [ "$STATUS" != 0 ]; then
  echo "== server errors in the gunicorn log:"
  grep -E "Traceback|Error|Exception" "$WORK/gunicorn.log" | sort | uniq -c | sort -rn | head -40
fi
exit "$STATUS"
