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


def insert(
    objs: list[models.Model],
    *,
    computed: dict | None = None,
    later: bool = False,
    after: list[tuple[str, list]] = (),
    returning: tuple[str, ...] = (),
):
    """INSERT new instances of one model in one statement and set their primary keys.

    What ``bulk_create`` does for a model with an auto primary key, without the
    query compiler; like it, no ``save()`` and no signals. ``computed`` maps a
    field's attname to ``(sql, params)`` that the database works out for every
    row (e.g. the key of a row inserted just before, in the same ``pipeline``).
    With ``later=True`` the keys are read when the returned function is called,
    so the statement can travel in a ``pipeline`` with others (call it after
    the block). ``returning``
    names more attnames to read back from the new rows.

    ``after``: writes to make first, in this order — ``(sql, params)`` of
    UPDATEs whose text ends with their WHERE clause. On PostgreSQL they travel
    in the INSERT's statement, as a ``WITH`` whose every write reads the one
    before it (``EXISTS``), which PostgreSQL therefore runs first: their rows
    are locked in the order given, as if they were sent one by one (a write
    that matches no row stops the ones after it). Elsewhere they are run one
    by one before the INSERT."""
    connection = connections[DEFAULT_DB_ALIAS]
    prefix, params = _writes_first(after, connection)
    sql, insert_params = _insert_statement(objs, computed or {}, returning, connection)
    return _run_insert(objs, prefix + sql, params + insert_params, returning, later, connection)


def insert_with_parent(parent: models.Model, children: list[models.Model], *, link: str, unique: str):
    """INSERT ``parent`` and its ``children`` (whose ``link`` attname holds the
    parent's key) and set every key: in one statement on PostgreSQL (a WITH
    that inserts the parent), in two elsewhere (the children find the parent
    by its ``unique`` field, already set). Like ``insert(later=True)``:
    returns the function that reads the keys."""
    connection = connections[DEFAULT_DB_ALIAS]
    quote, meta = connection.ops.quote_name, parent._meta
    if connection.vendor != "postgresql":
        column = quote(meta.get_field(unique).column)
        found = f"(SELECT {quote(meta.pk.column)} FROM {quote(meta.db_table)} WHERE {column} = %s)"
        parent_written = insert([parent], later=True)
        children_written = insert(children, computed={link: (found, [getattr(parent, unique)])}, later=True)

        def fetch_both() -> None:
            parent_written()
            children_written()
            for child in children:
                setattr(child, link, parent.pk)

        return fetch_both
    parent_sql, params = _insert_statement([parent], {}, (), connection)
    new_parent_key = (f"(SELECT {quote(meta.pk.column)} FROM new_parent)", [])
    sql, children_params = _insert_statement(children, {link: new_parent_key}, (link,), connection)
    fetch_children = _run_insert(
        children, f"WITH new_parent AS ({parent_sql}) {sql}", params + children_params, (link,), True, connection
    )

    def fetch() -> None:
        fetch_children()
        parent.pk = getattr(children[0], link)
        parent._state.adding = False
        parent._state.db = connection.alias

    return fetch


def _insert_statement(objs, computed: dict, returning: tuple, connection) -> tuple[str, list]:
    model = type(objs[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    key = (model, connection.vendor, tuple((name, sql) for name, (sql, _) in sorted(computed.items())), returning)
    sql = _inserts.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        sql = _inserts[key] = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES ",
            "(" + ", ".join(computed[f.attname][0] if f.attname in computed else "%s" for f in fields) + ")",
            " RETURNING " + ", ".join(quote(meta.get_field(name).column) for name in (meta.pk.attname, *returning)),
        )
    head, values, returned = sql
    params = []
    for obj in objs:
        for f in fields:
            if f.attname in computed:
                params += computed[f.attname][1]
            else:
                value = f.pre_save(obj, add=True)
                params.append(None if value is None else f.get_db_prep_save(value, connection))
    return head + ", ".join([values] * len(objs)) + returned, params


def _run_insert(objs, sql: str, params: list, returning: tuple, later: bool, connection):
    cursor = connection.cursor()
    cursor.execute(sql, params)

    def fetch() -> None:
        with cursor:
            for obj, (pk, *more) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
                for name, value in zip(returning, more, strict=True):
                    setattr(obj, name, value)
                obj._state.adding = False
                obj._state.db = connection.alias

    if later:
        return fetch
    fetch()
    return None


def _writes_first(writes, connection) -> tuple[str, list]:
    """``insert``'s ``after``: the WITH clause and its params (PostgreSQL), or
    the writes run now and nothing to put before the INSERT."""
    if not writes:
        return "", []
    if connection.vendor != "postgresql":
        for sql, params in writes:
            execute(sql, params)
        return "", []
    parts, params = [], []
    for index, (sql, write_params) in enumerate(writes):
        waits = f" AND EXISTS (SELECT FROM write_{index - 1})" if index else ""
        parts.append(f"write_{index} AS ({sql}{waits} RETURNING 1)")
        params += write_params
    return "WITH " + ", ".join(parts) + " ", params


@contextmanager
def pipeline():
    """Send the statements executed inside to PostgreSQL together, in one round
    trip (psycopg's pipeline mode), at the end of the block. The server still
    runs them one after another, in order, each with its own snapshot, so a
    statement sees what the locks taken by the ones before it waited for.

    Give each statement whose rows you read its own cursor, and read them
    after the block: a fetch inside it costs a round trip of its own (psycopg
    flushes and waits) before the block's. An error of any statement is raised
    as Django's (``IntegrityError``…) when the block ends. A transaction's
    ``BEGIN`` joins its first batch (``cinema/db_backends/postgresql``).
    Elsewhere statements simply run one by one."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield


def commit_with_batch(*, wait_for_disk: bool = True) -> None:
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
            if not wait_for_disk:
                cursor.execute("SET LOCAL synchronous_commit TO OFF", [])
            cursor.execute("COMMIT")


def execute(sql: str, params) -> int:
    """Run one statement; returns the number of rows it touched."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
