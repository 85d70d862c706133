"""Create the staff role groups (Managers, Moderators) with their permissions."""

from django.db import migrations


def create_groups(apps, schema_editor):
    from accounts.roles import sync_groups

    sync_groups(apps)


def remove_groups(apps, schema_editor):
    from accounts.roles import GROUP_NAMES

    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_NAMES.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0001_initial"),
        ("venues", "0001_initial"),
        ("scheduling", "0001_initial"),
        ("booking", "0001_initial"),
        ("reviews", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
