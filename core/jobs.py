"""The seam services enqueue background work through: by the task's registered name, so a
service never imports a tasks module (tasks import services; the dependency goes one way).

The message is sent when the surrounding transaction commits (``transaction.on_commit``), so a
worker never looks for rows that are not there yet or were rolled back; outside a transaction it
is sent at once. In eager mode (tests) the task then runs inline, as Celery does for ``delay``.
"""

from __future__ import annotations

from functools import partial

from celery import current_app
from django.db import transaction


class UnknownTask(LookupError):
    pass


def registered_task(task_name: str):
    """The Celery task registered as ``task_name`` (apps register theirs when they are ready)."""
    try:
        return current_app.tasks[task_name]
    except KeyError:
        raise UnknownTask(f"No Celery task is registered as {task_name!r}.") from None


def enqueue(task_name: str, *, queue: str | None = None, countdown: float | None = None, on_commit: bool = True, **kwargs) -> None:
    """Send ``task_name(**kwargs)``; ``queue`` overrides the task's own, ``countdown`` delays it
    (seconds). The name is resolved now, so a wrong one fails in the caller, not after commit."""
    task = registered_task(task_name)
    options = {}
    if queue:
        options["queue"] = queue
    if countdown:
        options["countdown"] = countdown
    send = partial(task.apply_async, kwargs=kwargs, **options)
    if on_commit:
        transaction.on_commit(send)
    else:
        send()
