"""Celery entry points for conversions: thin, idempotent, ids only (queue ``deliver``)."""

from __future__ import annotations

from celery import current_app

from conversions import services
from core.queues import Queue
from core.tasks import cross_tenant_task, tenant_task


@tenant_task(name="conversions.tasks.destination_deliver_task", queue=Queue.DELIVER)
def destination_deliver_task(*, tenant_id: int, destination_id: int) -> int:
    """Deliver one destination's due rows for a while, then hand over to a fresh message."""
    eager = bool(current_app.conf.task_always_eager)
    # Inline (eager) runs drain everything now; a worker works within its time budget.
    run = services.destination_deliver(tenant_id=tenant_id, destination_id=destination_id, budget_seconds=float("inf") if eager else None)
    if run.more:
        services.deliveries_enqueue(tenant_id=tenant_id, destination_ids=[destination_id])
    elif run.retry_in is not None and not eager:
        services.destination_wake_later(destination_id=destination_id, tenant_id=tenant_id, seconds=run.retry_in)
    return run.sent


@cross_tenant_task(name="conversions.tasks.deliveries_sweep_task", queue=Queue.DEFAULT)
def deliveries_sweep_task() -> int:
    """Beat: re-enqueue destinations with due deliveries whose message was lost."""
    return services.deliveries_sweep()
