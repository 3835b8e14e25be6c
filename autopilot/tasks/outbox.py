"""Autopilot tasks: the Telegram and email outbox (queue ``deliver``)."""

from __future__ import annotations

from autopilot.services import outbox
from core.queues import Queue
from core.tasks import cross_tenant_task, tenant_task


@tenant_task(name="autopilot.tasks.outbox_send_task", queue=Queue.DELIVER)
def outbox_send_task(*, tenant_id: int, message_id: int) -> str:
    """Send one outbox message (a no-op unless it is pending and due)."""
    message = outbox.outbox_send(message_id=message_id)
    return message.state if message is not None else "missing"


@cross_tenant_task(name="autopilot.tasks.outbox_sweep_task", queue=Queue.DEFAULT)
def outbox_sweep_task() -> int:
    """Beat (every minute): re-enqueue pending messages that are due (a retry came due, or the
    message's task was lost)."""
    return outbox.outbox_sweep()
