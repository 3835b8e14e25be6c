"""Celery entry points for GMV Max: thin, idempotent, ids only."""

from __future__ import annotations

from datetime import date

from core.models import Tenant
from core.queues import Queue
from core.signals import register_default_schedule
from core.tasks import cross_tenant_task, tenant_task
from gmvmax import services


@tenant_task(name="gmvmax.tasks.room_fetch_task", queue=Queue.FETCH)
def room_fetch_task(*, tenant_id: int, record_id: int) -> str | None:
    """One campaign's rooms for one range; a second delivery of the same message is a no-op."""
    record = services.room_fetch_run(record_id=record_id, tenant_id=tenant_id)
    return record.state if record is not None else None


@tenant_task(name="gmvmax.tasks.campaign_stats_sync_task", queue=Queue.SYNC)
def campaign_stats_sync_task(*, tenant_id: int, advertiser_pk: int, start: str, end: str) -> int:
    from tiktok_ads.models import Advertiser

    advertiser = Advertiser.objects.for_tenant(tenant_id).filter(pk=advertiser_pk).first()
    if advertiser is None:
        return 0
    # The platform has no figures after the account's today; clamp rather than fail.
    last = min(date.fromisoformat(end), services.advertiser_today(advertiser))
    first = min(date.fromisoformat(start), last)
    result = services.campaign_stats_sync(advertiser=advertiser, start=first, end=last)
    return result.rows


@tenant_task(name="gmvmax.tasks.recent_days_sync_tenant_task", queue=Queue.SYNC)
def recent_days_sync_tenant_task(*, tenant_id: int) -> int:
    return len(services.recent_days_sync(tenant=Tenant.objects.get(pk=tenant_id)))


@cross_tenant_task(name="gmvmax.tasks.recent_days_sync_all_task", queue=Queue.DEFAULT)
def recent_days_sync_all_task() -> int:
    """Beat, cross-tenant on purpose: one recent-days sync per tenant with an active advertiser."""
    from tiktok_ads.models import Advertiser

    tenant_ids = sorted(set(Advertiser.all_tenants.filter(is_active=True).values_list("tenant_id", flat=True)))
    for tenant_id in tenant_ids:
        recent_days_sync_tenant_task.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@cross_tenant_task(name="gmvmax.tasks.room_fetches_sweep_task", queue=Queue.DEFAULT)
def room_fetches_sweep_task(stale_after_seconds: int = 180) -> int:
    """Beat, cross-tenant on purpose: re-enqueue room fetches whose message or worker was lost."""
    return services.room_fetches_sweep(stale_after_seconds=stale_after_seconds)


register_default_schedule(
    "GMV Max recent days sync",
    "gmvmax.tasks.recent_days_sync_all_task",
    {"minute": "7,37"},
    expires=2700,
)
register_default_schedule(
    "GMV Max lost room fetches",
    "gmvmax.tasks.room_fetches_sweep_task",
    {"minute": "*/2"},
    expires=180,
)
