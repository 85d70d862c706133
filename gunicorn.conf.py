"""gunicorn settings, from the environment (the image and the stack test use this file)."""

import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads (gunicorn's gthread worker): a payment waits for the provider's answer
# in its thread while the worker's other threads serve, where a slow provider
# would stop sync workers. Raise it to the payments expected in flight at once
# while the provider is slow plus the usual concurrency (docs/PERFORMANCE.md,
# docs/DEPLOYMENT.md). GUNICORN_THREADS=1: sync workers.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# The application is imported once in the master and workers are forked from it:
# a worker recycled after max_requests is back at once instead of importing
# Django for a second while its share of connections waits (that wait was the
# p99 of every endpoint under load).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Recycling guards against slow leaks (a worker holds 75-85 MB through the
# benchmark). It is rare: at a premiere's 500 requests/s per worker, 5000 meant
# a restart every 10 s, each a queue of waiting connections.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "5000"))
# Django writes one JSON access line per request (cinema.logging); gunicorn's own
# access log is off unless asked for.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = os.environ.get(
    "GUNICORN_ACCESS_LOG_FORMAT", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}i)s"'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

# Prometheus counters from every worker process, added up at /metrics. Only the
# server sets this (manage.py commands keep plain in-process metrics).
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"cinema-metrics-{os.getpid()}")
)
shutil.rmtree(_metrics_dir, ignore_errors=True)  # counters of a previous run are stale
os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    shutil.rmtree(_metrics_dir, ignore_errors=True)
