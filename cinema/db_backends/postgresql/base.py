"""PostgreSQL, as django-prometheus wraps it (queries counted), with health
checks skipped for a connection that has just served a request, the query
metrics counted at a third of the cost, and a transaction's ``BEGIN`` sent
with its first statement.

Django checks a persistent connection (``SELECT 1``) at the start of every
request that uses the database: a round trip that cost about 5% of the
booking path's throughput under load. A connection that finished a request
without errors less than ``HEALTH_CHECK_AFTER_IDLE`` seconds ago is taken as
it is; one that sat idle longer (where a restarted server, a firewall or an
idle timeout may have dropped it) is still checked. The price: if PostgreSQL
restarts in the middle of a busy second, the next request of each worker can
fail once, as the requests in flight at that moment fail anyway; the broken
connection is then closed at the end of that request.

``BEGIN``: with autocommit off, psycopg starts a transaction by sending
``BEGIN`` and waiting for its answer before the first statement (also in
pipeline mode, where it syncs after it): a round trip per transaction that
carries nothing. Here psycopg stays in autocommit mode and each
``transaction.atomic`` block (Django's hook for databases that need an
explicit ``BEGIN``) sends ``BEGIN`` itself, in one round trip with the block's
first statement — in its pipeline batch when there is one. The transaction
then starts where psycopg would start it, at the first statement, and
commits and rolls back as before. (``set_autocommit(False)`` outside a block
still hands the transaction to psycopg.)
"""

import time

import psycopg
from django.core.signals import request_finished
from django.db import connections
from django.db.backends.postgresql import base as django_base
from django_prometheus.db import errors_total, execute_many_total, execute_total, query_duration_seconds
from django_prometheus.db.backends.postgresql.base import DatabaseWrapper as PrometheusDatabaseWrapper

HEALTH_CHECK_AFTER_IDLE = 1.0  # seconds


def counting_cursor(cursor_class, wrapper):
    """django-prometheus's cursor wrapper, the same metrics (``django_db_execute_total``,
    ``django_db_query_duration_seconds``, ``django_db_errors_total``) with their
    labelled series looked up once per connection instead of three times per
    statement: the lookups, a context manager and a dict copy per statement
    cost a fifth of what sending a statement in a pipeline does. The first
    statement of a ``wrapper``'s transaction takes its ``BEGIN`` along."""
    alias, vendor = wrapper.alias, wrapper.vendor
    executed, duration = execute_total.labels(alias, vendor), query_duration_seconds.labels(alias, vendor)
    executed_many = execute_many_total.labels(alias, vendor)

    class CountingCursor(cursor_class):
        def execute(self, *args, **kwargs):
            executed.inc()
            run = self._after_begin if wrapper.begin_pending else super().execute
            return self._timed(run, args, kwargs)

        def executemany(self, query, params_seq, *args, **kwargs):
            params_seq = list(params_seq)
            executed.inc(len(params_seq))
            executed_many.inc(len(params_seq))
            if wrapper.begin_pending:
                wrapper.send_begin()
            return self._timed(super().executemany, (query, params_seq, *args), kwargs)

        def _after_begin(self, query, params=None, **kwargs):
            """``BEGIN`` and this statement, in one round trip; alone first
            when the statement has no parameters (psycopg then sends it as a
            simple query, which may hold several commands: not in a pipeline)."""
            connection = self.connection
            if connection.pgconn.pipeline_status or params is None:  # in a pipeline: both go with its batch
                wrapper.send_begin()
                return super().execute(query, params, **kwargs)
            with connection.pipeline():
                wrapper.send_begin()
                super().execute(query, params, **kwargs)
            return self

        @staticmethod
        def _timed(run, args, kwargs):
            started = time.perf_counter()
            try:
                return run(*args, **kwargs)
            except Exception as error:
                errors_total.labels(alias, vendor, type(error).__name__).inc()
                raise
            finally:
                duration.observe(time.perf_counter() - started)

    return CountingCursor


class DatabaseWrapper(PrometheusDatabaseWrapper):
    good_at = float("-inf")  # when a request last finished on this connection without errors
    begin_pending = False  # an atomic block has started and sent nothing yet

    def get_connection_params(self):
        params = django_base.DatabaseWrapper.get_connection_params(self)
        params["cursor_factory"] = counting_cursor(params["cursor_factory"], self)
        return params

    def _start_transaction_under_autocommit(self):
        """Django's hook for ``atomic`` (SQLite's explicit ``BEGIN``): psycopg
        stays in autocommit mode, and ``BEGIN`` goes with the first statement."""
        self.begin_pending = True

    def send_begin(self) -> None:
        """``BEGIN`` now: queued in the pipeline if one is open, else a round trip."""
        self.begin_pending = False
        psycopg.Cursor(self.connection).execute("BEGIN")  # psycopg's own cursor: not a statement of ours

    def _set_autocommit(self, autocommit):
        self.begin_pending = False
        super()._set_autocommit(autocommit)

    def create_cursor(self, name=None):
        if name is not None and self.begin_pending:
            self.send_begin()  # a server-side cursor is declared inside the transaction
        return super().create_cursor(name)

    def close_if_health_check_failed(self):
        if self.connection is not None and time.monotonic() - self.good_at < HEALTH_CHECK_AFTER_IDLE:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close(self):
        self.good_at = float("-inf")
        self.begin_pending = False
        super().close()


def _served(**kwargs):
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        if isinstance(connection, DatabaseWrapper) and connection.connection is not None:
            if not connection.errors_occurred and not connection.in_atomic_block:
                connection.good_at = now


request_finished.connect(_served, dispatch_uid="cinema.db_backends.served")
