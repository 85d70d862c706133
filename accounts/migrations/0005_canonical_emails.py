"""Every stored address in its canonical spelling (accounts.identity).

Refuses to run, changing nothing, when two accounts would end up with one
address (e.g. ``cuſtomer@…`` next to ``customer@…``): which of them is the
real person is for an operator to decide. The message lists them; merge or
rename all but one of each group, then migrate again.
"""

from collections import defaultdict

from django.db import migrations

from accounts.identity import canonical_email


class EmailCollision(Exception):
    pass


def canonicalise_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = User.objects.using(schema_editor.connection.alias)
    spellings = defaultdict(list)
    for pk, email in users.order_by("pk").values_list("pk", "email"):
        spellings[canonical_email(email)].append((pk, email))
    collisions = {canonical: rows for canonical, rows in spellings.items() if len(rows) > 1}
    if collisions:
        groups = "\n".join(
            f"  {canonical}: " + ", ".join(f"{email!r} (id {pk})" for pk, email in rows)
            for canonical, rows in sorted(collisions.items())
        )
        raise EmailCollision(
            "These accounts share one e-mail address once it is written canonically "
            "(trimmed, NFKC, case-folded). Merge or rename all but one of each group, "
            f"then migrate again:\n{groups}"
        )
    changed = [User(pk=rows[0][0], email=canonical) for canonical, rows in spellings.items() if rows[0][1] != canonical]
    users.bulk_update(changed, ["email"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_user_date_of_birth_not_in_future'),
    ]

    operations = [
        migrations.RunPython(canonicalise_emails, migrations.RunPython.noop, elidable=False),
    ]
