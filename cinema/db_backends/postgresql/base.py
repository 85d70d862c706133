"""PostgreSQL, as django-prometheus wraps it (queries counted), with health
checks skipped for a connection that has just served a request.

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
from django_prometheus.db.backends.postgresql.base import DatabaseWrapper as PrometheusDatabaseWrapper

HEALTH_CHECK_AFTER_IDLE = 1.0  # seconds


class DatabaseWrapper(PrometheusDatabaseWrapper):
    good_at = float("-inf")  # when a request last finished on this connection without errors

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
