"""Managers see the outbox and may send a message again (accounts.roles)."""

from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_groups

    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_outbox"),
        ("accounts", "0002_role_groups"),
    ]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
