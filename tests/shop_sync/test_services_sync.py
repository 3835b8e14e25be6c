"""Order syncs against the TikTok Shop sandbox, compared exactly with its truth: full sync in
parallel windows, resume after a kill between pages, faults, incremental sync, tokens."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Sum

from core.http import AuthExpired
from core.models import ApiCallLog, SyncRunPart, SyncState
from core.services import SyncRunConflict, sync_run_resume
from sandbox.testing import SandboxBridge
from shop_sync import services
from shop_sync.client import TikTokShopClient
from shop_sync.models import Brand, ConnectionStatus, DailyRollup, DailyStatusRollup, Order, OrderLine, ShopConnection, ShopSyncState
from shop_sync.services import daily_rollups_recompute, orders_full_sync_start, orders_incremental_sync_start
from tests.shop_sync.sandbox_helpers import (
    AUTH_API,
    OPEN_API,
    connect_seller,
    control,
    freeze_clock,
    movable_orders,
    run_to_end,
    stored_truth,
    truth,
)


@pytest.fixture
def frozen(sandbox):
    return freeze_clock()


@pytest.fixture
def mini_shop(frozen, tenant_a, owner_a) -> ShopConnection:
    (shop,) = connect_seller(tenant_a, owner_a, "mini")
    return shop


@pytest.fixture
def demo_shop(frozen, tenant_a, owner_a) -> ShopConnection:
    shops = connect_seller(tenant_a, owner_a, "demo")
    return next(shop for shop in shops if shop.region == "MY")


@pytest.fixture
def no_waits(monkeypatch, upstream_sleeps):
    """Sync clients record their backoff pauses instead of sleeping them."""

    class RecordingClient(TikTokShopClient):
        def __init__(self, **kwargs):
            kwargs.setdefault("sleep", upstream_sleeps)
            super().__init__(**kwargs)

    # Every shop client the services use is built by shop_client, in services/oauth.py.
    monkeypatch.setattr("shop_sync.services.oauth.TikTokShopClient", RecordingClient)
    return upstream_sleeps


def full_sync(tenant, shop, capture):
    return run_to_end(lambda: orders_full_sync_start(tenant=tenant, shop=shop), capture)


def search_calls(tenant, since_pk=0) -> int:
    return ApiCallLog.objects.for_tenant(tenant).filter(pk__gt=since_pk, endpoint="/order/202309/orders/search").count()


def rollup_rows(shop):
    return sorted(
        DailyRollup.objects.for_tenant(shop.tenant_id)
        .filter(shop=shop)
        .values_list("day", "brand", "orders", "units", "gmv", "cancelled_orders")
    )


def test_full_sync_in_parallel_windows_stores_exactly_the_truth(tenant_a, demo_shop, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("shop_sync.services.sync.WINDOW_TARGET_ORDERS", 700)
    Brand.objects.create(tenant=tenant_a, name="Glow Lab")
    Brand.objects.create(tenant=tenant_a, name="Bloom & Co")
    expected = truth(demo_shop)

    run = full_sync(tenant_a, demo_shop, django_capture_on_commit_callbacks)

    assert run.state == SyncState.SUCCEEDED
    assert stored_truth(demo_shop) == {"order_count": expected["order_count"], "digest": expected["digest"]}
    assert run.parts_total == run.parts_done == 8  # ceil(3,185 / 700) = 5, raised to the minimum of 8
    assert run.items_done == run.items_total == expected["order_count"]
    windows = list(SyncRunPart.objects.for_tenant(tenant_a).filter(run=run).values_list("items_done", "items_total"))
    assert all(done == total for done, total in windows) and sum(done for done, _ in windows) == expected["order_count"]
    # lines: one per unit, none twice
    orders = Order.objects.for_tenant(tenant_a).filter(shop=demo_shop)
    assert OrderLine.objects.for_tenant(tenant_a).filter(order__shop=demo_shop).count() == orders.aggregate(units=Sum("units"))["units"]
    # the full call count: one probe, then pages of 100 per window
    assert search_calls(tenant_a) == 1 + sum(-(-total // 100) for _, total in windows)

    state = ShopSyncState.objects.for_tenant(tenant_a).get(shop=demo_shop)
    newest = orders.order_by("-update_time").values_list("update_time", flat=True).first()
    assert (state.orders_count, state.last_full_sync_orders, state.last_full_run_id, state.watermark) == (
        expected["order_count"],
        expected["order_count"],
        run.pk,
        newest,
    )
    assert state.last_full_sync_at is not None and state.last_error == ""
    shop_days = DailyRollup.objects.for_tenant(tenant_a).filter(shop=demo_shop, brand="")
    assert shop_days.aggregate(n=Sum("orders"))["n"] == expected["order_count"]
    assert shop_days.aggregate(n=Sum("cancelled_orders"))["n"] == expected["status_counts"]["CANCELLED"]
    brands = set(DailyRollup.objects.for_tenant(tenant_a).filter(shop=demo_shop).values_list("brand", flat=True))
    assert {"", "Glow Lab", "Bloom & Co", "Kiyora", "Nuvo", "Aurelle", "Mintra", "Solenne", "Verde Botanica"} <= brands


def test_a_sync_killed_between_pages_resumes_exact_with_no_page_twice(tenant_a, demo_shop, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("shop_sync.services.sync.WINDOW_TARGET_ORDERS", 1_200)
    real_write = services.orders_page_write
    pages = {"written": 0}

    def dying_write(**kwargs):
        if pages["written"] == 7:
            raise RuntimeError("worker killed")
        pages["written"] += 1
        return real_write(**kwargs)

    monkeypatch.setattr("shop_sync.services.sync.orders_page_write", dying_write)
    with pytest.raises(RuntimeError, match="worker killed"):
        full_sync(tenant_a, demo_shop, django_capture_on_commit_callbacks)
    run = demo_shop_run = services.sync_run_active(tenant_a, kind=services.KIND_FULL, target=f"shop:{demo_shop.pk}")
    assert run is not None and run.pages_done == 7  # seven pages committed, the eighth rolled back
    assert Order.objects.for_tenant(tenant_a).count() == run.items_done

    monkeypatch.setattr("shop_sync.services.sync.orders_page_write", real_write)
    with django_capture_on_commit_callbacks(execute=True):
        sync_run_resume(run=demo_shop_run)

    run.refresh_from_db()
    expected = truth(demo_shop)
    assert (run.state, run.attempts) == (SyncState.SUCCEEDED, 2)
    assert stored_truth(demo_shop) == {"order_count": expected["order_count"], "digest": expected["digest"]}
    assert run.items_done == expected["order_count"]  # every page counted once
    units = Order.objects.for_tenant(tenant_a).aggregate(units=Sum("units"))["units"]
    assert OrderLine.objects.for_tenant(tenant_a).count() == units
    kept = status_rollup_rows(demo_shop)  # the rolled-back page moved no rollup either
    services.order_status_rollups_rebuild(shop=demo_shop)
    assert kept == status_rollup_rows(demo_shop)


def status_rollup_rows(shop) -> dict:
    rows = DailyStatusRollup.objects.for_tenant(shop.tenant_id).filter(shop=shop, orders__gt=0)
    return {(r.day, r.status, r.currency): (r.orders, r.total_amount) for r in rows}


@pytest.fixture
def faulty_sandbox(db, settings, mock_upstream):
    """The sandbox answering 10% of Open API calls with a 5xx and 5% with a 429 (its own fault
    responses, asked for through the fault header on a fixed share of requests)."""

    class FaultyBridge(SandboxBridge):
        served = 0
        faulted: list[str] = []

        def _forward(self, prepared):
            if f"/{OPEN_API}/" in prepared.url:
                FaultyBridge.served += 1
                n = FaultyBridge.served
                fault = "status=503" if n % 10 == 3 else "status=429;retry_after=1" if n % 20 == 7 else None
                if fault:
                    prepared.headers["X-Sandbox-Fault"] = fault
                    FaultyBridge.faulted.append(fault)
            return super()._forward(prepared)

    with FaultyBridge(settings.SANDBOX_BASE_URL, mock=mock_upstream) as bridge:
        yield bridge


def test_with_5xx_and_429_faults_the_sync_still_ends_exact(
    tenant_a, owner_a, faulty_sandbox, no_waits, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("shop_sync.services.sync.WINDOW_TARGET_ORDERS", 700)
    freeze_clock()
    shop = next(s for s in connect_seller(tenant_a, owner_a, "demo") if s.region == "MY")

    run = full_sync(tenant_a, shop, django_capture_on_commit_callbacks)

    expected = truth(shop)
    assert run.state == SyncState.SUCCEEDED
    assert stored_truth(shop) == {"order_count": expected["order_count"], "digest": expected["digest"]}
    assert faulty_sandbox.faulted.count("status=503") >= 3 and faulty_sandbox.faulted.count("status=429;retry_after=1") >= 1
    assert 1.0 in no_waits  # the 429's Retry-After was honoured (recorded, not slept)


def test_incremental_picks_exactly_the_new_and_changed_orders_in_one_call(tenant_a, mini_shop, django_capture_on_commit_callbacks):
    full_sync(tenant_a, mini_shop, django_capture_on_commit_callbacks)
    before = {o.order_id: (o.update_time, o.status) for o in Order.objects.for_tenant(tenant_a)}
    watermark_before = ShopSyncState.objects.for_tenant(tenant_a).get(shop=mini_shop).watermark
    # How many of the mini shop's orders can still move depends on the day (its generated orders
    # finish their schedule); up to 20, and at least a few, are changed.
    changed = min(20, movable_orders(mini_shop))
    assert changed >= 5
    changes = control("POST", f"{OPEN_API}/changes", {"shop_id": mini_shop.shop_id, "new_orders": 50, "changed_orders": changed})
    last_call = ApiCallLog.objects.for_tenant(tenant_a).order_by("-pk").values_list("pk", flat=True).first()

    run = run_to_end(lambda: orders_incremental_sync_start(tenant=tenant_a, shop=mini_shop), django_capture_on_commit_callbacks)

    assert run.state == SyncState.SUCCEEDED
    assert ApiCallLog.objects.for_tenant(tenant_a).filter(pk__gt=last_call).count() <= 2
    after = {o.order_id: (o.update_time, o.status) for o in Order.objects.for_tenant(tenant_a)}
    touched = {order_id for order_id, value in after.items() if before.get(order_id) != value}
    assert touched == set(changes["new_order_ids"]) | set(changes["changed_order_ids"])
    assert len(touched) == 50 + changed
    expected = truth(mini_shop)
    assert stored_truth(mini_shop) == {"order_count": expected["order_count"], "digest": expected["digest"]}
    state = ShopSyncState.objects.for_tenant(tenant_a).get(shop=mini_shop)
    assert state.watermark > watermark_before
    assert int(state.watermark.timestamp()) == changes["now"]
    assert (state.last_incremental_orders, state.orders_count) == (50 + changed, expected["order_count"])
    # rollups of the touched days only, yet equal to a full recompute
    incremental_rollups = rollup_rows(mini_shop)
    daily_rollups_recompute(shop=mini_shop)
    assert incremental_rollups == rollup_rows(mini_shop)
    # status rollups, moved by every page write of both syncs, equal a rebuild from the orders
    kept = status_rollup_rows(mini_shop)
    assert sum(orders for orders, _ in kept.values()) == expected["order_count"]
    services.order_status_rollups_rebuild(shop=mini_shop)
    assert kept == status_rollup_rows(mini_shop)


def test_incremental_with_nothing_new_keeps_the_watermark(tenant_a, mini_shop, django_capture_on_commit_callbacks):
    full_sync(tenant_a, mini_shop, django_capture_on_commit_callbacks)
    watermark = ShopSyncState.objects.for_tenant(tenant_a).get(shop=mini_shop).watermark

    run = run_to_end(lambda: orders_incremental_sync_start(tenant=tenant_a, shop=mini_shop), django_capture_on_commit_callbacks)

    state = ShopSyncState.objects.for_tenant(tenant_a).get(shop=mini_shop)
    assert (run.state, run.counters["orders_written"], state.watermark, state.last_incremental_orders) == (
        SyncState.SUCCEEDED,
        0,
        watermark,
        0,
    )


def test_incremental_needs_a_full_sync_first(tenant_a, mini_shop):
    with pytest.raises(services.ApplicationError) as caught:
        orders_incremental_sync_start(tenant=tenant_a, shop=mini_shop)

    assert (caught.value.code, caught.value.status) == ("full_sync_required", 409)


def test_a_second_sync_while_one_runs_is_a_conflict_with_the_running_one(tenant_a, mini_shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        running = orders_full_sync_start(tenant=tenant_a, shop=mini_shop)
        with pytest.raises(SyncRunConflict) as caught:
            orders_full_sync_start(tenant=tenant_a, shop=mini_shop)
        assert (caught.value.run.pk, caught.value.status) == (running.pk, 409)
        ShopSyncState.objects.for_tenant(tenant_a).filter(shop=mini_shop).update(watermark=running.created_at)
        with pytest.raises(SyncRunConflict):
            orders_incremental_sync_start(tenant=tenant_a, shop=mini_shop)


def test_an_expired_access_token_is_refreshed_and_the_sync_goes_on(tenant_a, mini_shop, django_capture_on_commit_callbacks):
    old_token = mini_shop.access_token
    control("POST", f"{AUTH_API}/tokens/expire", {"seller": "mini"})

    run = full_sync(tenant_a, mini_shop, django_capture_on_commit_callbacks)

    assert run.state == SyncState.SUCCEEDED
    shop = ShopConnection.objects.for_tenant(tenant_a).get(pk=mini_shop.pk)
    assert shop.access_token != old_token and shop.status == ConnectionStatus.ACTIVE
    assert ApiCallLog.objects.for_tenant(tenant_a).filter(endpoint="/api/v2/token/refresh", outcome="ok").count() == 1
    expired = ApiCallLog.objects.for_tenant(tenant_a).filter(endpoint="/order/202309/orders/search").order_by("pk").first()
    assert expired.attempts == 2  # 105002, then the same call with the new token
    expected = truth(mini_shop)
    assert stored_truth(mini_shop)["digest"] == expected["digest"]


def test_a_revoked_authorization_marks_the_shop_and_stores_nothing(tenant_a, mini_shop):
    control("POST", f"{AUTH_API}/tokens/revoke", {"seller": "mini"})

    with pytest.raises(AuthExpired):
        orders_full_sync_start(tenant=tenant_a, shop=mini_shop)

    shop = ShopConnection.objects.for_tenant(tenant_a).get(pk=mini_shop.pk)
    assert shop.status == ConnectionStatus.NEEDS_REAUTH
    assert shop.status_reason.startswith("Token refresh refused: ")
    assert Order.objects.for_tenant(tenant_a).count() == 0
    with pytest.raises(services.ApplicationError) as caught:
        orders_full_sync_start(tenant=tenant_a, shop=shop)
    assert caught.value.code == "shop_needs_reauth"


def test_plan_windows_covers_the_history_without_gaps():
    windows = services.plan_windows(first_create_time=1_000, now=101_000, total=95_000)

    assert len(windows) == 10
    assert windows[0][0] == 1_000 and windows[-1][1] is None
    assert all(lt == next_ge for (_, lt), (next_ge, _) in zip(windows, windows[1:], strict=False))
    assert services.plan_windows(first_create_time=None, now=5, total=0) == [(None, None)]
    assert len(services.plan_windows(first_create_time=1_000, now=101_000, total=3_000)) == 8  # small shops in parallel too
    assert len(services.plan_windows(first_create_time=1_000, now=101_000, total=240)) == 1  # a tiny one in one window


def test_webhook_pushed_by_the_sandbox_refreshes_the_order(
    tenant_a, mini_shop, client, sandbox, settings, django_capture_on_commit_callbacks
):
    full_sync(tenant_a, mini_shop, django_capture_on_commit_callbacks)
    changes = control("POST", f"{OPEN_API}/changes", {"shop_id": mini_shop.shop_id, "new_orders": 0, "changed_orders": 1})
    (order_id,) = changes["changed_order_ids"]

    def deliver(request):  # the sandbox pushes to the product's webhook URL: serve it in-process
        response = client.post(
            "/webhooks/tiktok-shop/",
            data=request.body,
            content_type="application/json",
            HTTP_AUTHORIZATION=request.headers["Authorization"],
        )
        return response.status_code, {}, response.content

    sandbox.mock.add_callback("POST", settings.SANDBOX_TIKTOK_SHOP_WEBHOOK_URL, callback=deliver)
    with django_capture_on_commit_callbacks(execute=True):
        control("POST", f"{OPEN_API}/webhooks/send", {"shop_id": mini_shop.shop_id, "order_ids": [order_id]})

    assert stored_truth(mini_shop)["digest"] == truth(mini_shop)["digest"]
    day = Order.objects.for_tenant(tenant_a).get(order_id=order_id).create_time
    assert isinstance(day.date(), date)
