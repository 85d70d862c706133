"""PostgreSQL, as django-prometheus wraps it (queries counted), with health
checks skipped for a connection that has just served a request, and the
query metrics counted at a third of the cost.

Django checks a persistent connection (``SELECT 1``) at the start of every
request that uses the database: a round trip that cost about 5% of the
booking path's throughput under load. A connection that finished a request
without errors less than ``HEALTH_CHECK_AFTER_IDLE`` seconds ago is taken as
it is; one that sat idle longer (where a restarted server, a firewall or an
idle timeout may have dropped it) is still checked. The price: if PostgreSQL
restarts in the middle of a busy second, the next request of each worker can
fail once, as the requests in flight at that moment fail anyway; the broken
connection is then closed at the end of that request.
"""

import time

from django.core.signals import request_finished
from django.db import connections
from django.db.backends.postgresql import base as django_base
from django_prometheus.db import errors_total, execute_many_total, execute_total, query_duration_seconds
from django_prometheus.db.backends.postgresql.base import DatabaseWrapper as PrometheusDatabaseWrapper

HEALTH_CHECK_AFTER_IDLE = 1.0  # seconds


def counting_cursor(cursor_class, alias: str, vendor: str):
    """django-prometheus's cursor wrapper, the same metrics (``django_db_execute_total``,
    ``django_db_query_duration_seconds``, ``django_db_errors_total``) with their
    labelled series looked up once per connection instead of three times per
    statement: the lookups, a context manager and a dict copy per statement
    cost a fifth of what sending a statement in a pipeline does."""
    executed, duration = execute_total.labels(alias, vendor), query_duration_seconds.labels(alias, vendor)
    executed_many = execute_many_total.labels(alias, vendor)

    class CountingCursor(cursor_class):
        def execute(self, *args, **kwargs):
            executed.inc()
            return self._timed(super().execute, args, kwargs)

        def executemany(self, query, params_seq, *args, **kwargs):
            params_seq = list(params_seq)
            executed.inc(len(params_seq))
            executed_many.inc(len(params_seq))
            return self._timed(super().executemany, (query, params_seq, *args), kwargs)

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

    def get_connection_params(self):
        params = django_base.DatabaseWrapper.get_connection_params(self)
        params["cursor_factory"] = counting_cursor(params["cursor_factory"], self.alias, self.vendor)
        return params

    def close_if_health_check_failed(self):
        if self.connection is not None and time.monotonic() - self.good_at < HEALTH_CHECK_AFTER_IDLE:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close(self):
        self.good_at = float("-inf")
        super().close()


def _served(**kwargs):
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        if isinstance(connection, DatabaseWrapper) and connection.connection is not None:
            if not connection.errors_occurred and not connection.in_atomic_block:
                connection.good_at = now


request_finished.connect(_served, dispatch_uid="cinema.db_backends.served")
