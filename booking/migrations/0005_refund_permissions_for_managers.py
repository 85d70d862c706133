"""Managers see refunds and may send a failed one again."""

from django.db import migrations


def sync_groups(apps, schema_editor):
    from accounts.roles import sync_groups

    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0004_payments_confirmed_by_provider"),
        ("accounts", "0002_role_groups"),
    ]
    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]
