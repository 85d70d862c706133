"""The job engine: Celery with Redis as the broker.

Tasks live in each app's ``tasks.py`` and are queued with ``cinema.jobs.enqueue``
(after the transaction that caused them commits). With no broker configured
(``make run``, the tests) tasks run in-process right after the commit.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinema.settings")

app = Celery("cinema")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
