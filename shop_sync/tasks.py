"""Celery entry points for TikTok Shop: thin, idempotent, ids only."""

from __future__ import annotations

from core.models import Tenant
from core.queues import Queue
from core.selectors import schedule_due_tenant_ids
from core.tasks import cross_tenant_task, tenant_task
from shop_sync import selectors, services
from shop_sync.models import ShopConnection


@tenant_task(name="shop_sync.tasks.orders_sync_part_task", queue=Queue.SYNC)
def orders_sync_part_task(*, tenant_id: int, part_id: int) -> None:
    """One window of a full sync, or an incremental range, from its checkpoint."""
    services.orders_sync_part_run(part_id=part_id)


@tenant_task(name="shop_sync.tasks.orders_refresh_task", queue=Queue.SYNC)
def orders_refresh_task(*, tenant_id: int, shop_pk: int, order_ids: list[str]) -> int:
    shop = ShopConnection.objects.filter(pk=shop_pk).first()
    if shop is None:
        return 0
    return services.orders_refresh(shop=shop, order_ids=order_ids).written


@tenant_task(name="shop_sync.tasks.shop_token_refresh_task", queue=Queue.SYNC)
def shop_token_refresh_task(*, tenant_id: int, shop_pk: int) -> None:
    shop = ShopConnection.objects.filter(pk=shop_pk).first()
    if shop is not None:
        services.shop_token_refresh(shop=shop)


@tenant_task(name="shop_sync.tasks.products_sync_task", queue=Queue.SYNC)
def products_sync_task(*, tenant_id: int, shop_pk: int) -> int:
    shop = ShopConnection.objects.filter(pk=shop_pk).first()
    return services.products_sync(shop=shop) if shop is not None else 0


@tenant_task(name="shop_sync.tasks.orders_incremental_sync_tenant_task", queue=Queue.SYNC)
def orders_incremental_sync_tenant_task(*, tenant_id: int) -> int:
    return len(services.orders_incremental_sync_due(tenant=Tenant.objects.get(pk=tenant_id)))


@cross_tenant_task(name="shop_sync.tasks.orders_incremental_sync_all_task", queue=Queue.DEFAULT)
def orders_incremental_sync_all_task() -> int:
    """Beat, cross-tenant on purpose: one incremental-sync task per tenant with a synced shop."""
    tenant_ids = schedule_due_tenant_ids("shop_sync.incremental", selectors.tenant_ids_with_synced_shops())
    for tenant_id in tenant_ids:
        orders_incremental_sync_tenant_task.delay(tenant_id=tenant_id)
    return len(tenant_ids)


@cross_tenant_task(name="shop_sync.tasks.shop_tokens_refresh_expiring_task", queue=Queue.DEFAULT)
def shop_tokens_refresh_expiring_task() -> int:
    """Beat, cross-tenant on purpose: refresh tokens that expire within a day."""
    return services.shop_tokens_refresh_expiring()
