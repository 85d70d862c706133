"""Queueing jobs: only after the transaction that caused them commits.

``enqueue(task, *args, **kwargs)`` is the one way product code starts a job. A job
queued inside ``transaction.atomic()`` is sent when the outermost block commits and
never if it rolls back. A broker that cannot be reached at that moment does not fail
the request: the error is logged, and whatever the job was for must be recorded in
the database beforehand (an outbox row, a pending refund) so that a periodic sweep
queues it again.
"""

import logging
from functools import partial

from django.db import transaction

log = logging.getLogger(__name__)


def _send(task, args, kwargs) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # the broker is down: the periodic sweep re-queues from the database
        log.exception("job not queued", extra={"task": task.name})


def enqueue(task, *args, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` once the current transaction commits."""
    transaction.on_commit(partial(_send, task, args, kwargs))
