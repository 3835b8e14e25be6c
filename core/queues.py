"""The Celery queues, one per kind of work, so workers scale per workload.

The one list: ``config.celery`` declares exactly these queues (a plain ``celery -A config worker``
consumes all of them), tasks name theirs with ``queue=Queue.SYNC`` and ``runstack``'s worker
consumes every one. Adding a queue is a line here.
"""

from __future__ import annotations

from enum import StrEnum


class Queue(StrEnum):
    DEFAULT = "default"  # beat sweepers and fan-outs: short, cross-tenant
    SYNC = "sync"  # order sync windows, token and report refreshes
    FETCH = "fetch"  # on-demand fetches a page is waiting for (GMV Max live rooms)
    DELIVER = "deliver"  # outbound conversion deliveries
    BRAIN = "brain"  # the autopilot's decisions


QUEUE_NAMES: tuple[str, ...] = tuple(queue.value for queue in Queue)
