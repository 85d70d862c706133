"""Two live sessions never overlap in one hall: a PostgreSQL exclusion constraint.

The rule covers [starts_at, busy_until) — the film plus the hall's cleaning
time — for every session that is not cancelled. Other databases get the same
rule from ``scheduling.services`` (validation under a hall lock).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_session
  ADD CONSTRAINT session_no_overlap_in_hall
  EXCLUDE USING gist (hall_id WITH =, tstzrange(starts_at, busy_until, '[)') WITH &&)
  WHERE (status <> 'cancelled');
"""
DROP = "ALTER TABLE scheduling_session DROP CONSTRAINT IF EXISTS session_no_overlap_in_hall;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
