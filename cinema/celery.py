"""The job engine: Celery with Redis as the broker.

Tasks live in each app's ``tasks.py`` and are queued with ``cinema.jobs.enqueue``
(after the transaction that caused them commits). With no broker configured
(``make run``, the tests) tasks run in-process right after the commit.

A worker serves its own counters (jobs by outcome, messages sent and failed)
at ``/metrics`` on CELERY_METRICS_PORT: its pool processes write them to
PROMETHEUS_MULTIPROC_DIR, as gunicorn's workers do, and the main process adds
them up.
"""

import glob
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinema.settings")
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # counters are files there from the first import on
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

app = Celery("cinema")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def _serve_worker_metrics(**kwargs) -> None:
    from django.conf import settings

    port = settings.CELERY_METRICS_PORT
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not port:
        return
    from prometheus_client import CollectorRegistry, start_http_server

    registry = None
    if directory:
        from prometheus_client import multiprocess

        # Counters of processes of an earlier run (a restarted container) are stale.
        for path in glob.glob(os.path.join(directory, "*.db")):
            if not path.endswith(f"_{os.getpid()}.db"):
                os.remove(path)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(port, registry=registry) if registry else start_http_server(port)


@signals.worker_process_shutdown.connect
def _forget_dead_pool_process(pid=None, **kwargs) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and pid:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
