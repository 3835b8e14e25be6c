"""Celery entry points for GMV Max: thin, idempotent, ids only.

Room fetches and stats backfills are ``core.SyncRun`` parts: ``GmvmaxConfig.sync_runners`` names
these tasks, so core enqueues them (and re-enqueues lost ones from its sweeper)."""

from __future__ import annotations

from core.models import Tenant
from core.queues import Queue
from core.selectors import schedule_due_tenant_ids
from core.tasks import cross_tenant_task, tenant_task
from gmvmax import services
from tiktok_ads.selectors import tenant_ids_with_active_advertisers


@tenant_task(name="gmvmax.tasks.room_fetch_part_task", queue=Queue.FETCH)
def room_fetch_part_task(*, tenant_id: int, part_id: int) -> None:
    """One campaign's rooms for one range; a second delivery of the same message is a no-op."""
    services.room_fetch_part_run(part_id=part_id)


@tenant_task(name="gmvmax.tasks.stats_backfill_part_task", queue=Queue.FETCH)
def stats_backfill_part_task(*, tenant_id: int, part_id: int) -> None:
    """One ad account × ≤ 93-day chunk of a backfill."""
    services.stats_backfill_part_run(part_id=part_id)


@tenant_task(name="gmvmax.tasks.recent_days_sync_tenant_task", queue=Queue.SYNC)
def recent_days_sync_tenant_task(*, tenant_id: int) -> int:
    return len(services.recent_days_sync(tenant=Tenant.objects.get(pk=tenant_id)))


@cross_tenant_task(name="gmvmax.tasks.recent_days_sync_all_task", queue=Queue.DEFAULT)
def recent_days_sync_all_task() -> int:
    """Beat, cross-tenant on purpose: one recent-days sync per tenant with an active advertiser."""
    tenant_ids = schedule_due_tenant_ids("gmvmax.recent_days", tenant_ids_with_active_advertisers())
    for tenant_id in tenant_ids:
        recent_days_sync_tenant_task.delay(tenant_id=tenant_id)
    return len(tenant_ids)
