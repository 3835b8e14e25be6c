"""Celery app. Queues per kind of work (``core.queues.Queue``: default, sync, fetch, deliver,
brain) so workers scale per workload; the correlation id of whoever enqueued a task travels in its
headers.

The queues are declared here, once, from ``core.queues``: a plain ``celery -A config worker``
consumes all of them, ``-Q sync`` one of them. Each task names its queue (``queue=Queue.SYNC``);
a task that names none goes to ``default``.
"""

import os

from celery import Celery
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from kombu import Exchange
from kombu import Queue as KombuQueue

from core.queues import QUEUE_NAMES, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CORRELATION_HEADER = "x_correlation_id"

app = Celery("commerce_analytics")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The same shape Celery gives a queue it creates on first use (a direct exchange of the queue's
# name), so brokers that already hold these queues see no change.
app.conf.task_queues = tuple(KombuQueue(name, Exchange(name), routing_key=name) for name in QUEUE_NAMES)
app.conf.task_default_queue = Queue.DEFAULT.value
app.autodiscover_tasks()


@setup_logging.connect
def _use_django_logging(**kwargs):
    # Celery would otherwise install its own handlers; Django's LOGGING (JSON, PII masked) rules.
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@before_task_publish.connect
def _propagate_correlation_id(headers=None, **kwargs):
    from core.correlation import get_correlation_id

    # Not "correlation_id": Celery uses that name for the task id in its own message properties.
    if headers is not None and not headers.get(CORRELATION_HEADER):
        headers[CORRELATION_HEADER] = get_correlation_id() or None


@task_prerun.connect
def _enter_correlation_scope(task=None, **kwargs):
    from core.correlation import clean_correlation_id, get_correlation_id, set_correlation_id

    # From the message headers (worker), else the caller's own id (eager runs in-process).
    incoming = getattr(task.request, CORRELATION_HEADER, None) or (task.request.headers or {}).get(CORRELATION_HEADER) or get_correlation_id()
    task.request._correlation_token = set_correlation_id(clean_correlation_id(incoming))


@task_postrun.connect
def _leave_correlation_scope(task=None, **kwargs):
    from core.correlation import reset_correlation_id

    token = getattr(task.request, "_correlation_token", None)
    if token is not None:
        try:
            reset_correlation_id(token)
        except ValueError:  # token from another context (eager mode nesting)
            pass
