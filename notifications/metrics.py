"""Counters of jobs and messages, exported at /metrics.

Jobs count where they run: in the worker (its own /metrics on
CELERY_METRICS_PORT, see ``cinema/celery.py``) or, with no broker, in the web
process. Task outcomes come from Celery's signals, so every task is counted
without each one saying so.
"""

from celery import signals
from prometheus_client import Counter

tasks = Counter("cinema_tasks_total", "Jobs run, by task and outcome (succeeded, failed, retried)", ["task", "outcome"])
messages_sent = Counter("cinema_messages_sent_total", "Messages accepted by the mail server, by kind", ["kind"])
messages_failed = Counter("cinema_messages_failed_total", "Messages given up after the last attempt, by kind", ["kind"])


def _name(sender) -> str:
    return getattr(sender, "name", None) or str(sender)


def _succeeded(sender=None, **kwargs):
    tasks.labels(_name(sender), "succeeded").inc()


def _failed(sender=None, **kwargs):
    tasks.labels(_name(sender), "failed").inc()


def _retried(sender=None, **kwargs):
    tasks.labels(_name(sender), "retried").inc()


def connect_task_signals() -> None:
    signals.task_success.connect(_succeeded, weak=False, dispatch_uid="cinema-task-succeeded")
    signals.task_failure.connect(_failed, weak=False, dispatch_uid="cinema-task-failed")
    signals.task_retry.connect(_retried, weak=False, dispatch_uid="cinema-task-retried")
