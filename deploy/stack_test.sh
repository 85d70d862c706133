#!/usr/bin/env bash
# The stack test: real gunicorn on PostgreSQL and Redis behind Debian's nginx with
# the project's own nginx config (a self-signed certificate), all on loopback; then
# the job engine: a Celery worker and beat on a Redis broker of their own, and a
# real SMTP server (deploy/stack_jobs.py).
# Installs nginx if missing; stops everything it started, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
WORK=$(mktemp -d /tmp/cinema-stack.XXXXXX)
chmod 755 "$WORK"
DB="cinema_stack_$$"
API_PORT=${STACK_API_PORT:-18000}
THROTTLE_PORT=${STACK_THROTTLE_PORT:-18001}
HTTP_PORT=${STACK_HTTP_PORT:-18080}
HTTPS_PORT=${STACK_HTTPS_PORT:-18443}
SMTP_PORT=${STACK_SMTP_PORT:-18025}
BROKER_PORT=${STACK_BROKER_PORT:-18379}
WORKER_METRICS_PORT=${STACK_WORKER_METRICS_PORT:-18808}
PIDS=()

cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ -f "$WORK/nginx.pid" ] && nginx -c "$WORK/nginx.conf" -s quit 2>/dev/null
  sleep 0.5
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null
  redis-cli -n 15 flushdb >/dev/null 2>&1
  if [ "${KEEP_STACK_LOGS:-}" = "" ]; then rm -rf "$WORK"; else echo "logs kept in $WORK"; fi
}
trap cleanup EXIT

if ! command -v nginx >/dev/null; then
  echo "== installing nginx"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
command -v envsubst >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext-base >/dev/null; }
redis-cli -h 127.0.0.1 ping >/dev/null

export DEBUG=0
export SECRET_KEY=$("$PY" -c "import secrets; print(secrets.token_urlsafe(64))")
export ALLOWED_HOSTS=127.0.0.1,localhost
export CSRF_TRUSTED_ORIGINS=https://127.0.0.1:$HTTPS_PORT
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
export REDIS_URL=redis://127.0.0.1:6379/15
export STATIC_ROOT=$WORK/static
export MEDIA_ROOT=$WORK/media
export LOG_FORMAT=json LOG_LEVEL=INFO
export NUM_PROXIES=1 FORWARDED_ALLOW_IPS=127.0.0.1
# Jobs: a broker that stack_jobs.py starts (and stops, to test a broker outage),
# mail to its SMTP server, links to the stack's HTTPS address, and a sweep that
# runs every 2 s for messages 5 s old (minutes in production).
export CELERY_BROKER_URL=redis://127.0.0.1:$BROKER_PORT/${STACK_BROKER_DB:-12}
export EMAIL_HOST=127.0.0.1 EMAIL_PORT=$SMTP_PORT DEFAULT_FROM_EMAIL="Cinema <tickets@example.com>"
export SITE_URL=https://127.0.0.1:$HTTPS_PORT
export MESSAGE_STALE_SECONDS=5 MESSAGE_SWEEP_SECONDS=2
# The fake payment provider: a known webhook key (the checks sign a webhook
# themselves when no worker runs yet) and its webhooks sent to gunicorn directly.
export PAYMENT_FAKE_WEBHOOK_SECRET=stack-webhook-secret
export PAYMENT_FAKE_WEBHOOK_URL=http://127.0.0.1:$API_PORT/api/v1/payments/webhooks/fake/


echo "== database $DB, migrations, demo data, static files"
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $DB"
redis-cli -n 15 flushdb >/dev/null
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py seed_demo --password stack-demo-pass -v0 >/dev/null
"$PY" manage.py collectstatic --noinput -v0

echo "== gunicorn (2 workers) on 127.0.0.1:$API_PORT"
GUNICORN_BIND=127.0.0.1:$API_PORT GUNICORN_WORKERS=2 PROMETHEUS_MULTIPROC_DIR=$WORK/metrics \
  "$ROOT/.venv/bin/gunicorn" -c gunicorn.conf.py cinema.wsgi >"$WORK/gunicorn.log" 2>&1 &
PIDS+=($!)

echo "== gunicorn (3 workers, login limit 50/day per IP) on 127.0.0.1:$THROTTLE_PORT"
GUNICORN_BIND=127.0.0.1:$THROTTLE_PORT GUNICORN_WORKERS=3 NUM_PROXIES=0 SECURE_SSL_REDIRECT=0 THROTTLE_LOGIN_IP=50/day \
  THROTTLE_LOGIN_ACCOUNT=1000/day PROMETHEUS_MULTIPROC_DIR=$WORK/metrics-throttle \
  "$ROOT/.venv/bin/gunicorn" -c gunicorn.conf.py cinema.wsgi >"$WORK/gunicorn-throttle.log" 2>&1 &
PIDS+=($!)

echo "== nginx (project config, self-signed certificate) on :$HTTP_PORT / :$HTTPS_PORT"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
  -keyout "$WORK/tls.key" -out "$WORK/tls.crt" >/dev/null 2>&1
mkdir -p "$WORK/conf.d" "$WORK/tmp"
API_UPSTREAM=127.0.0.1:$API_PORT SERVER_NAME=localhost TLS_CERT=$WORK/tls.crt TLS_KEY=$WORK/tls.key \
  STATIC_ROOT=$WORK/static MEDIA_ROOT=$WORK/media HTTP_PORT=$HTTP_PORT HTTPS_PORT=$HTTPS_PORT ADMIN_URL=admin/ \
  envsubst '${API_UPSTREAM} ${SERVER_NAME} ${TLS_CERT} ${TLS_KEY} ${STATIC_ROOT} ${MEDIA_ROOT} ${HTTP_PORT} ${HTTPS_PORT} ${ADMIN_URL}' \
  < deploy/nginx/cinema.conf.template > "$WORK/conf.d/cinema.conf"
cat > "$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log $WORK/nginx-access.log;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    include $WORK/conf.d/*.conf;
}
NGINX
nginx -t -q -c "$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf"

for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$API_PORT/health/live" >/dev/null 2>&1 \
    && curl -fs "http://127.0.0.1:$THROTTLE_PORT/health/live" >/dev/null 2>&1 && break
  sleep 0.2
done

echo "== checks"
failed=0
"$PY" deploy/stack_check.py --https "https://127.0.0.1:$HTTPS_PORT" --http "http://127.0.0.1:$HTTP_PORT" \
  --direct "http://127.0.0.1:$API_PORT" --throttle "http://127.0.0.1:$THROTTLE_PORT" \
  --log "$WORK/gunicorn.log" --password stack-demo-pass || failed=1

echo "== jobs: Celery worker and beat, Redis broker, SMTP server"
"$PY" deploy/stack_jobs.py --https "https://127.0.0.1:$HTTPS_PORT" --direct "http://127.0.0.1:$API_PORT" \
  --smtp-port "$SMTP_PORT" --broker-port "$BROKER_PORT" --worker-metrics-port "$WORKER_METRICS_PORT" \
  --work "$WORK" --password stack-demo-pass || failed=1
exit $failed
