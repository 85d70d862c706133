"""The four ticket types every price card and the API's default (``adult``)
rely on, and the managers' permissions on prices."""

from django.db import migrations

TICKET_TYPES = [
    # code, English, Russian, check ID at the door, sort order
    ("adult", "Adult", "Взрослый", False, 10),
    ("child", "Child (under 12)", "Детский (до 12 лет)", True, 20),
    ("student", "Student", "Студенческий", True, 30),
    ("senior", "Senior", "Пенсионный", True, 40),
]


def create(apps, schema_editor):
    TicketType = apps.get_model("pricing", "TicketType")
    for code, name, name_ru, check_id, order in TICKET_TYPES:
        TicketType.objects.get_or_create(
            code=code, defaults={"name": name, "name_ru": name_ru, "check_id": check_id, "sort_order": order}
        )
    from accounts.roles import sync_groups

    sync_groups(apps)


def remove(apps, schema_editor):
    apps.get_model("pricing", "TicketType").objects.filter(code__in=[t[0] for t in TICKET_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pricing", "0001_ticket_types_price_cards_promo_codes"),
        ("accounts", "0002_role_groups"),
    ]
    operations = [migrations.RunPython(create, remove)]
