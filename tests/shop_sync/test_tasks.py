"""Scheduled work: default beat entries, token refresh ahead of expiry, incremental syncs for
every synced shop, and the product catalogue sync (against the sandbox)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.models import SyncRun, SyncState
from shop_sync.models import Brand, ConnectionStatus, Product, ShopConnection, ShopSyncState, Sku
from shop_sync.services import KIND_INCREMENTAL, orders_full_sync_start, products_sync, shop_tokens_refresh_expiring
from shop_sync.tasks import orders_incremental_sync_all_task
from tests.shop_sync.sandbox_helpers import connect_seller, freeze_clock, run_to_end
from tests.shop_sync.shop_fixtures import make_shop


@pytest.mark.parametrize(
    ("name", "task", "minute"),
    [
        ("TikTok Shop incremental order sync", "shop_sync.tasks.orders_incremental_sync_all_task", "*/5"),
        ("TikTok Shop token refresh", "shop_sync.tasks.shop_tokens_refresh_expiring_task", "23"),
    ],
)
def test_default_schedules_are_in_the_database_for_operators_to_edit(db, name, task, minute):
    entry = PeriodicTask.objects.get(name=name)

    assert (entry.task, entry.crontab.minute, entry.crontab.hour, entry.enabled) == (task, minute, "*", True)


@pytest.fixture
def demo_shops(sandbox, tenant_a, owner_a):
    freeze_clock()
    return {shop.region: shop for shop in connect_seller(tenant_a, owner_a, "demo")}


def test_tokens_expiring_within_a_day_are_refreshed_across_tenants(demo_shops, tenant_a, tenant_b):
    soon, later = demo_shops["MY"], demo_shops["ID"]
    ShopConnection.objects.for_tenant(tenant_a).filter(pk=soon.pk).update(access_token_expires_at=timezone.now() + timedelta(hours=3))
    ShopConnection.objects.for_tenant(tenant_a).filter(pk=later.pk).update(access_token_expires_at=timezone.now() + timedelta(days=3))
    revoked = make_shop(tenant_b, status=ConnectionStatus.NEEDS_REAUTH, access_token_expires_at=timezone.now())

    assert shop_tokens_refresh_expiring() == 1

    refreshed = ShopConnection.objects.for_tenant(tenant_a).get(pk=soon.pk)
    assert refreshed.access_token != soon.access_token
    assert refreshed.access_token_expires_at > timezone.now() + timedelta(days=1)
    assert ShopConnection.objects.for_tenant(tenant_a).get(pk=later.pk).access_token == later.access_token
    assert ShopConnection.objects.for_tenant(tenant_b).get(pk=revoked.pk).access_token == revoked.access_token


def test_the_beat_starts_an_incremental_sync_for_every_synced_shop(demo_shops, tenant_a, django_capture_on_commit_callbacks):
    synced = demo_shops["MY"]
    run_to_end(lambda: orders_full_sync_start(tenant=tenant_a, shop=synced), django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        assert orders_incremental_sync_all_task.delay().get() == 1

    runs = SyncRun.objects.for_tenant(tenant_a).filter(kind=KIND_INCREMENTAL)
    assert list(runs.values_list("target", "state")) == [(f"shop:{synced.pk}", SyncState.SUCCEEDED)]
    assert ShopSyncState.objects.for_tenant(tenant_a).get(shop=synced).last_incremental_sync_at is not None


def test_products_sync_stores_products_with_skus_and_brands(demo_shops, tenant_a):
    Brand.objects.create(tenant=tenant_a, name="Glow Lab")
    shop = demo_shops["MY"]

    synced = products_sync(shop=shop)

    products = Product.objects.for_tenant(tenant_a).filter(shop=shop)
    assert synced == products.count() == 48  # the sandbox's Glow Corner MY catalogue
    assert Sku.objects.for_tenant(tenant_a).filter(product__shop=shop).count() >= 48
    assert products.filter(brand="Glow Lab").exists()
    assert products_sync(shop=shop) == 48  # a second run updates in place
    assert Product.objects.for_tenant(tenant_a).count() == 48
