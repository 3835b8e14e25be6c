"""Autopilot tasks: brain runs (one part of a ``core.SyncRun`` each, named by
``AutopilotConfig.sync_runners``) and the daily batch's beat fan-out."""

from __future__ import annotations

from autopilot.services.batch import brain_batch_run
from autopilot.services.brain import brain_run_part_run
from core.queues import Queue
from core.tasks import cross_tenant_task, tenant_task


@tenant_task(name="autopilot.tasks.brain.brain_run_part_task", queue=Queue.BRAIN)
def brain_run_part_task(*, tenant_id: int, part_id: int) -> None:
    """One brain run, from its checkpoint; a second delivery of the same message is a no-op."""
    brain_run_part_run(part_id=part_id)


@cross_tenant_task(name="autopilot.tasks.brain.brain_batch_task", queue=Queue.DEFAULT)
def brain_batch_task() -> int:
    """Beat, cross-tenant on purpose: the brain runs due now (schedule and time zone)."""
    return len(brain_batch_run().started)
