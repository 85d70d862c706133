"""Database helpers shared by the apps."""

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction


def delete_or_deactivate(instance: models.Model) -> str:
    """Delete a row, or set ``is_active = False`` when other rows protect it
    (``on_delete=PROTECT``: the database knows whether history exists).
    Returns ``"deleted"`` or ``"deactivated"``."""
    try:
        with transaction.atomic():
            instance.delete()
        return "deleted"
    except models.ProtectedError:
        instance.is_active = False
        instance.save(update_fields=["is_active", "updated_at"])
        return "deactivated"


def lock_for_key_share(model: type[models.Model], pk) -> bool:
    """Lock one row of ``model`` ``FOR KEY SHARE`` until the transaction ends;
    ``False`` if there is no such row.

    The ORM's ``select_for_update`` takes ``FOR UPDATE`` or ``FOR NO KEY
    UPDATE``; both exclude each other, so every hold of a session would queue
    behind the one before. ``FOR KEY SHARE`` lets any number of holds and
    payments share the row, and still makes a ``FOR UPDATE`` (cancelling the
    session) wait for them and them for it; updating the row's counters
    (``UPDATE ... SET seats_sold = ...``) does not conflict with it. Where the
    database has no row locks (SQLite serialises writers) this only checks
    that the row exists. Call it inside ``transaction.atomic()``."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("lock_for_key_share() outside of a transaction.")
    quote, meta = connection.ops.quote_name, model._meta
    sql = f"SELECT 1 FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"
    if connection.vendor == "postgresql":
        sql += " FOR KEY SHARE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.fetchone() is not None
