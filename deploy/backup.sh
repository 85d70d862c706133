#!/bin/sh
# Nightly database backup (cron): a custom-format pg_dump, 14 days kept.
set -eu
cd "$(dirname "$0")/.."
mkdir -p backups
stamp=$(date -u +%Y%m%dT%H%M%SZ)
docker compose exec -T db sh -c 'pg_dump -U "$POSTGRES_USER" -Fc "$POSTGRES_DB"' > "backups/cinema-$stamp.dump"
find backups -name 'cinema-*.dump' -mtime +14 -delete
