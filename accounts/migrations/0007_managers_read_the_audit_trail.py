"""Managers read the audit trail (django-auditlog's log entries): view only."""

from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_groups

    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_user_email_unique_as_stored"),
        ("auditlog", "0017_add_actor_email"),
    ]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
