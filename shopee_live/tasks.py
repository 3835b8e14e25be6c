"""Celery entry points for Shopee Live: thin, idempotent, ids only."""

from __future__ import annotations

from core.models import Tenant
from core.queues import Queue
from core.selectors import schedule_due_tenant_ids
from core.tasks import cross_tenant_task, tenant_task
from shopee_live import selectors, services


@tenant_task(name="shopee_live.tasks.live_cycle_part_task", queue=Queue.SYNC)
def live_cycle_part_task(*, tenant_id: int, part_id: int) -> None:
    """One account of a 5-minute cycle: its ongoing sessions, minutes and items."""
    services.live_cycle_part_run(part_id=part_id)


@tenant_task(name="shopee_live.tasks.ended_cycle_part_task", queue=Queue.SYNC)
def ended_cycle_part_task(*, tenant_id: int, part_id: int) -> None:
    """One account of the hourly pass: missed sessions, and ended ones until final."""
    services.ended_cycle_part_run(part_id=part_id)


@tenant_task(name="shopee_live.tasks.account_first_sync_task", queue=Queue.SYNC)
def account_first_sync_task(*, tenant_id: int, account_pk: int) -> None:
    """A newly connected account: its last 30 days, what is live now, its daily analytics."""
    account = selectors.account_for_sync(tenant_id, account_pk)
    if account is not None:
        services.account_first_sync(account=account)


@tenant_task(name="shopee_live.tasks.live_cycle_tenant_task", queue=Queue.SYNC)
def live_cycle_tenant_task(*, tenant_id: int) -> None:
    services.live_cycle_start(tenant=Tenant.objects.get(pk=tenant_id))


@tenant_task(name="shopee_live.tasks.ended_cycle_tenant_task", queue=Queue.SYNC)
def ended_cycle_tenant_task(*, tenant_id: int) -> None:
    services.ended_cycle_start(tenant=Tenant.objects.get(pk=tenant_id))


@cross_tenant_task(name="shopee_live.tasks.live_cycle_all_task", queue=Queue.DEFAULT)
def live_cycle_all_task() -> int:
    """Beat, cross-tenant on purpose: a cycle for each tenant whose schedule is due."""
    tenant_ids = schedule_due_tenant_ids("shopee_live.live", selectors.tenant_ids_with_accounts())
    for tenant_id in tenant_ids:
        live_cycle_tenant_task.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@cross_tenant_task(name="shopee_live.tasks.ended_cycle_all_task", queue=Queue.DEFAULT)
def ended_cycle_all_task() -> int:
    tenant_ids = schedule_due_tenant_ids("shopee_live.ended", selectors.tenant_ids_with_accounts())
    for tenant_id in tenant_ids:
        ended_cycle_tenant_task.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@tenant_task(name="shopee_live.tasks.daily_analytics_tenant_task", queue=Queue.SYNC)
def daily_analytics_tenant_task(*, tenant_id: int) -> int:
    """The last few days again: sessions that ended late settle into them."""
    return services.daily_analytics_recent(tenant=Tenant.objects.get(pk=tenant_id))


@cross_tenant_task(name="shopee_live.tasks.daily_analytics_all_task", queue=Queue.DEFAULT)
def daily_analytics_all_task() -> int:
    """Beat, nightly, cross-tenant on purpose: the daily analytics of every tenant with an account."""
    tenant_ids = selectors.tenant_ids_with_accounts()
    for tenant_id in tenant_ids:
        daily_analytics_tenant_task.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@cross_tenant_task(name="shopee_live.tasks.account_tokens_refresh_expiring_task", queue=Queue.DEFAULT)
def account_tokens_refresh_expiring_task() -> int:
    """Beat, cross-tenant on purpose: rotate Open Platform pairs that expire within 30 minutes."""
    return services.account_tokens_refresh_expiring()
