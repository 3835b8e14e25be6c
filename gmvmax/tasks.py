"""Celery entry points for GMV Max: thin, idempotent, ids only.

Room fetches and stats backfills are ``core.SyncRun`` parts: their runners are registered with
core, which enqueues them (and re-enqueues lost ones from its sweeper)."""

from __future__ import annotations

from core.models import Tenant
from core.services import sync_register_runner
from core.signals import register_default_schedule
from core.tasks import cross_tenant_task, tenant_task
from gmvmax import services
from gmvmax.models import RunKind


@tenant_task(name="gmvmax.tasks.room_fetch_part_task", queue=services.FETCH_QUEUE)
def room_fetch_part_task(*, tenant_id: int, part_id: int) -> None:
    """One campaign's rooms for one range; a second delivery of the same message is a no-op."""
    services.room_fetch_part_run(part_id=part_id)


@tenant_task(name="gmvmax.tasks.stats_backfill_part_task", queue=services.FETCH_QUEUE)
def stats_backfill_part_task(*, tenant_id: int, part_id: int) -> None:
    """One ad account × ≤ 93-day chunk of a backfill."""
    services.stats_backfill_part_run(part_id=part_id)


sync_register_runner(RunKind.ROOM_FETCH, room_fetch_part_task)
sync_register_runner(RunKind.STATS_BACKFILL, stats_backfill_part_task)


@tenant_task(name="gmvmax.tasks.recent_days_sync_tenant_task", queue=services.SYNC_QUEUE)
def recent_days_sync_tenant_task(*, tenant_id: int) -> int:
    return len(services.recent_days_sync(tenant=Tenant.objects.get(pk=tenant_id)))


@cross_tenant_task(name="gmvmax.tasks.recent_days_sync_all_task", queue="default")
def recent_days_sync_all_task() -> int:
    """Beat, cross-tenant on purpose: one recent-days sync per tenant with an active advertiser."""
    from tiktok_ads.selectors import tenant_ids_with_active_advertisers

    tenant_ids = tenant_ids_with_active_advertisers()
    for tenant_id in tenant_ids:
        recent_days_sync_tenant_task.delay(tenant_id=tenant_id)
    return len(tenant_ids)


register_default_schedule(
    "GMV Max recent days sync",
    "gmvmax.tasks.recent_days_sync_all_task",
    {"minute": "7,37"},
    expires=2700,
)
