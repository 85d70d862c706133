"""Database helpers shared by the apps."""

from contextlib import contextmanager

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


# --- Hand-written statements on hot paths -----------------------------------
#
# On the booking path the ORM spent about 1 ms of CPU compiling each statement,
# more than PostgreSQL took to run it. These helpers run hand-written SQL and
# still go through the fields for conversion both ways (``get_db_prep_save``
# on the way in, the backend's converters on the way out), so they behave the
# same on PostgreSQL and SQLite. Each takes the connection once: every use of
# ``django.db.connection`` (a proxy) looks it up again (about 1 µs each).

_loaders: dict = {}
_inserts: dict = {}


def lock_clause(clause: str) -> str:
    """``clause`` (e.g. ``"FOR UPDATE OF b"``) where the database locks rows, else nothing:
    SQLite serialises writers, so there a plain read suffices."""
    connection = connections[DEFAULT_DB_ALIAS]
    return f" {clause}" if connection.features.has_select_for_update else ""


def columns(model, names: list[str], alias: str) -> str:
    """The select list for ``names`` (attnames) of ``model`` under ``alias``."""
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    return ", ".join(f"{alias}.{connection.ops.quote_name(meta.get_field(n).column)}" for n in names)


def load(model, names: list[str], row) -> models.Model:
    """A ``model`` instance from the first ``len(names)`` values of a row (in
    the order of ``names``), as the ORM would build it; other fields deferred."""
    connection = connections[DEFAULT_DB_ALIAS]
    key = (model, tuple(names), connection.vendor)
    plan = _loaders.get(key)
    if plan is None:
        position = {f.attname: i for i, f in enumerate(model._meta.concrete_fields)}
        order = sorted(range(len(names)), key=lambda i: position[names[i]])  # from_db wants field order
        steps = []
        for index in order:
            expression = model._meta.get_field(names[index]).get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            steps.append((index, expression, found))
        plan = _loaders[key] = ([names[i] for i in order], steps)
    ordered_names, steps = plan
    values = []
    for index, expression, found in steps:
        value = row[index]
        for convert in found:
            value = convert(value, expression, connection)
        values.append(value)
    return model.from_db(connection.alias, ordered_names, values)


def insert(objs: list[models.Model], *, computed: dict | None = None, later: bool = False):
    """INSERT new instances of one model in one statement and set their primary keys.

    What ``bulk_create`` does for a model with an auto primary key, without the
    query compiler; like it, no ``save()`` and no signals. ``computed`` maps a
    field's attname to ``(sql, params)`` that the database works out for every
    row (e.g. the key of a row inserted just before, in the same ``pipeline``).
    With ``later=True`` the keys are read when the returned function is called,
    so the statement can travel in a ``pipeline`` with others."""
    connection = connections[DEFAULT_DB_ALIAS]
    model = type(objs[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    computed = computed or {}
    key = (model, connection.vendor, tuple((name, sql) for name, (sql, _) in sorted(computed.items())))
    sql = _inserts.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        sql = _inserts[key] = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES ",
            "(" + ", ".join(computed[f.attname][0] if f.attname in computed else "%s" for f in fields) + ")",
            f" RETURNING {quote(meta.pk.column)}",
        )
    head, values, returning = sql
    params = []
    for obj in objs:
        for f in fields:
            if f.attname in computed:
                params += computed[f.attname][1]
            else:
                value = f.pre_save(obj, add=True)
                params.append(None if value is None else f.get_db_prep_save(value, connection))
    cursor = connection.cursor()
    cursor.execute(head + ", ".join([values] * len(objs)) + returning, params)

    def fetch() -> None:
        with cursor:
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias

    if later:
        return fetch
    fetch()
    return None


@contextmanager
def pipeline():
    """Send the statements executed inside to PostgreSQL together, in one round
    trip (psycopg's pipeline mode; with the transaction's ``BEGIN`` if it is
    the first). The server still runs them one after another, in order, each
    with its own snapshot, so a statement sees what the locks taken by the ones
    before it waited for. Give each statement whose rows you read its own
    cursor; fetching syncs. Elsewhere statements simply run one by one."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield


def commit_with_batch() -> None:
    """Send ``COMMIT`` after the statements of a ``pipeline``, so the commit
    travels with the last writes instead of taking a round trip of its own.

    Only on PostgreSQL, and only when the current ``transaction.atomic`` block
    is the outermost one: Django's own commit at the end of the block then
    finds the transaction closed (psycopg sends nothing) and just runs the
    on-commit hooks. A failed commit raises here, inside the block, which
    then rolls back as usual. Inside an enclosing transaction nothing is sent:
    committing is the enclosing block's business."""
    connection = connections[DEFAULT_DB_ALIAS]
    outermost = connection.in_atomic_block and len(connection.atomic_blocks) == 1 and not connection.savepoint_ids
    if connection.vendor == "postgresql" and outermost and not connection.needs_rollback:
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")


def execute(sql: str, params) -> int:
    """Run one statement; returns the number of rows it touched."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
