"""Order syncs: starting full and incremental runs, working a part page by page, finishing a run."""

from __future__ import annotations

import logging
import math
import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.connections import NeedsReauth
from core.exceptions import ApplicationError
from core.http import UpstreamError
from core.jobs import enqueue
from core.models import SyncRun, SyncRunPart, SyncState, Tenant
from core.selectors import sync_run_active
from core.services import StaleCheckpoint, SyncRunConflict, sync_page_commit, sync_part_claim, sync_part_fail, sync_run_start
from core.targets import shop_target
from core.timezones import zone_or_utc
from integrations.tiktok_shop import from_unix
from shop_sync.brands import brand_matcher
from shop_sync.errors import ShopSyncError
from shop_sync.models import ConnectionStatus, Order, ShopConnection, ShopSyncState
from shop_sync.services.common import _int
from shop_sync.services.oauth import shop_client
from shop_sync.services.order_write import orders_page_write
from shop_sync.services.rollups import daily_rollups_recompute, order_status_rollups_rebuild

logger = logging.getLogger(__name__)

KIND_FULL = "shop_sync.orders_full"
KIND_INCREMENTAL = "shop_sync.orders_incremental"
# Registered task names (shop_sync.tasks), enqueued through core.jobs.
PRODUCTS_SYNC_TASK = "shop_sync.tasks.products_sync_task"


WATERMARK_OVERLAP = timedelta(minutes=5)
# Windows small enough that parallel workers finish together (the slowest window bounds the
# run), large enough that each costs one extra partial page at most.
WINDOW_TARGET_ORDERS = 10_000
# A smaller shop still gets a few windows (of at least a few pages each), so latency-bound
# syncs run in parallel too.
MIN_WINDOWS = 8
MIN_WINDOW_ORDERS = 300
# A full sync that loaded this many orders refreshes the tables' statistics at once (smaller
# loads leave it to autovacuum: ANALYZE samples the whole table, other shops' rows too).
ANALYZE_AFTER_ORDERS = 20_000


# --- Starting syncs -----------------------------------------------------------------------


def _sync_target(shop: ShopConnection) -> str:
    return shop_target(shop.pk)


def _running_order_sync(tenant: Tenant, shop: ShopConnection) -> SyncRun | None:
    target = _sync_target(shop)
    return sync_run_active(tenant, kind=KIND_FULL, target=target) or sync_run_active(tenant, kind=KIND_INCREMENTAL, target=target)


def _ensure_syncable(tenant: Tenant, shop: ShopConnection) -> ShopSyncState:
    if shop.tenant_id != tenant.pk:
        raise ApplicationError("Shop not found.", code=ShopSyncError.SHOP_NOT_FOUND, status=404)
    if shop.status != ConnectionStatus.ACTIVE:
        raise NeedsReauth(f"{shop.name} needs re-authorization before it can sync.", code=ShopSyncError.SHOP_NEEDS_REAUTH)
    running = _running_order_sync(tenant, shop)
    if running is not None:
        raise SyncRunConflict(running)
    state, _ = ShopSyncState.objects.for_tenant(tenant).get_or_create(tenant=tenant, shop=shop)
    return state


def plan_windows(*, first_create_time: int | None, now: int, total: int) -> list[tuple[int | None, int | None]]:
    """Create-time windows ``[ge, lt)`` of about ``WINDOW_TARGET_ORDERS`` orders each, equal in
    length; the last one is open-ended so orders created during the run are not cut off."""
    if not total or first_create_time is None or first_create_time >= now:
        return [(None, None)]
    count = max(math.ceil(total / WINDOW_TARGET_ORDERS), min(MIN_WINDOWS, total // MIN_WINDOW_ORDERS), 1)
    step = max(1, math.ceil((now - first_create_time + 1) / count))
    bounds = [first_create_time + i * step for i in range(count)]
    return [(ge, bounds[i + 1] if i + 1 < count else None) for i, ge in enumerate(bounds)]


def orders_full_sync_start(*, tenant: Tenant, shop: ShopConnection, requested_by=None) -> SyncRun:
    """Start a full order sync of ``shop``: one part per create-time window, run in parallel.

    One probe call (the oldest order and the total) sizes the windows. Raises
    ``SyncRunConflict`` (409, with the running run) while an order sync of the shop runs.
    """
    state = _ensure_syncable(tenant, shop)
    if not state.status_rollups_ready:
        order_status_rollups_rebuild(shop=shop)  # from here on every page write keeps them
    probe = shop_client(shop).orders_search(filters={}, page_size=1, sort_field="create_time", sort_order="ASC")
    first = int(probe["orders"][0]["create_time"]) if probe["orders"] else None
    windows = plan_windows(first_create_time=first, now=int(time.time()), total=probe["total_count"])
    parts = [
        (
            f"window-{position:03d}",
            {"filters": {"create_time_ge": ge, "create_time_lt": lt}, "sort_field": "create_time"},
        )
        for position, (ge, lt) in enumerate(windows)
    ]
    return sync_run_start(
        tenant=tenant,
        kind=KIND_FULL,
        target=_sync_target(shop),
        parts=parts,
        params={"shop": shop.pk, "shop_id": shop.shop_id},
        label=f"Full order sync of {shop.name}",
        items_total=probe["total_count"],
        requested_by=requested_by,
    )


def orders_first_syncs_start(*, tenant: Tenant, shops: list[ShopConnection], requested_by=None) -> tuple[list[SyncRun], list[str]]:
    """Right after connecting: a full sync of every shop that never had one, so orders arrive
    without a second click. Returns the runs started and, per shop that could not start, why
    (the connection itself stands; the sync page offers "Full sync" again)."""
    started, problems = [], []
    synced = set(
        ShopSyncState.objects.for_tenant(tenant).filter(shop__in=shops, last_full_sync_at__isnull=False).values_list("shop_id", flat=True)
    )
    for shop in shops:
        if shop.pk in synced or shop.status != ConnectionStatus.ACTIVE:
            continue
        try:
            started.append(orders_full_sync_start(tenant=tenant, shop=shop, requested_by=requested_by))
        except SyncRunConflict:
            continue  # already on its way
        except (ApplicationError, UpstreamError) as exc:
            logger.warning("first sync of shop %s not started: %s", shop.pk, exc)
            problems.append(f"{shop.name}: {getattr(exc, 'message', '') or exc}")
    return started, problems


def orders_incremental_sync_start(*, tenant: Tenant, shop: ShopConnection, requested_by=None) -> SyncRun:
    """Start an incremental sync: orders updated since the watermark minus five minutes."""
    state = _ensure_syncable(tenant, shop)
    if state.watermark is None:
        raise ApplicationError(f"{shop.name} has no full sync yet: run one first.", code=ShopSyncError.FULL_SYNC_REQUIRED, status=409)
    since = int((state.watermark - WATERMARK_OVERLAP).timestamp())
    # Cross-tenant on purpose: the table's id high-water mark, a number, not anyone's data.
    order_pk_before = Order.all_tenants.aggregate(top=Max("pk"))["top"] or 0
    return sync_run_start(
        tenant=tenant,
        kind=KIND_INCREMENTAL,
        target=_sync_target(shop),
        parts=[("main", {"filters": {"update_time_ge": since}, "sort_field": "update_time"})],
        params={"shop": shop.pk, "shop_id": shop.shop_id, "update_time_ge": since, "order_pk_before": order_pk_before},
        label=f"Incremental order sync of {shop.name}",
        requested_by=requested_by,
    )


def orders_incremental_sync_due(*, tenant: Tenant) -> list[SyncRun]:
    """Incremental syncs of the tenant's active, fully synced, idle shops (the beat's work)."""
    started = []
    states = (
        ShopSyncState.objects.for_tenant(tenant)
        .select_related("shop")
        .filter(watermark__isnull=False, shop__status=ConnectionStatus.ACTIVE)
    )
    for state in states:
        try:
            started.append(orders_incremental_sync_start(tenant=tenant, shop=state.shop))
        except ApplicationError as exc:  # running already, or needs re-authorization: next time
            logger.info("Incremental sync of shop %s not started: %s", state.shop.shop_id, exc.message)
        except UpstreamError as exc:
            logger.warning("Incremental sync of shop %s not started: %s", state.shop.shop_id, exc)
    return started


# --- Working a part -----------------------------------------------------------------------


def orders_sync_part_run(*, part_id: int) -> SyncRunPart | None:
    """Work one window (or the incremental range) page by page from its checkpoint.

    Each page and its checkpoint commit together. An upstream failure that survived the
    client's retries fails the part (resume continues from the checkpoint); the last part to
    finish finishes the run.
    """
    part = SyncRunPart.objects.select_related("run").filter(pk=part_id).first()
    if part is None:
        return None
    part = sync_part_claim(part=part)
    if part is None:
        return None
    run = part.run
    shop = ShopConnection.objects.for_tenant(run.tenant_id).get(pk=run.params["shop"])
    client = shop_client(shop)
    # Built once per run attempt in this process: dictionary edits apply from the next run.
    matcher = brand_matcher(tenant=run.tenant_id, cache_key=f"run:{run.pk}:{run.created_at.timestamp()}:{run.attempts}")
    filters, sort_field = part.params["filters"], part.params["sort_field"]
    # Windows of a full sync cover disjoint create-time ranges: their pages write in parallel.
    disjoint = run.kind == KIND_FULL
    checkpoint = dict(part.checkpoint)
    try:
        while True:
            page = client.orders_search(filters=filters, page_token=checkpoint.get("page_token"), sort_field=sort_field, sort_order="ASC")
            orders = page["orders"]
            done = not page["next_page_token"] or not orders
            next_checkpoint = {
                "page_token": page["next_page_token"],
                "max_update_time": max([checkpoint.get("max_update_time") or 0, *(_int(o.get("update_time")) for o in orders)]),
            }
            part = sync_page_commit(
                part=part,
                write_rows=lambda orders=orders: orders_page_write(shop=shop, orders=orders, matcher=matcher, disjoint=disjoint),
                checkpoint=next_checkpoint,
                items=len(orders),
                done=done,
                items_total=page["total_count"] if part.items_total is None else None,
            )
            checkpoint = next_checkpoint
            if done:
                break
    except StaleCheckpoint:
        return None  # another worker owns this part now
    except UpstreamError as exc:
        _part_failed(part=part, shop=shop, error=str(exc))
        return part
    except Exception as exc:
        _part_failed(part=part, shop=shop, error=f"{type(exc).__name__}: {exc}")
        raise
    run.refresh_from_db(fields=["state"])
    if run.state == SyncState.SUCCEEDED:
        orders_sync_finish(run=run)
    return part


def _part_failed(*, part: SyncRunPart, shop: ShopConnection, error: str) -> None:
    sync_part_fail(part=part, error=error)
    ShopSyncState.objects.for_tenant(shop.tenant_id).filter(shop=shop).update(last_error=error[:2000], updated_at=timezone.now())


def orders_sync_finish(*, run: SyncRun) -> ShopSyncState:
    """After a run succeeded: move the watermark, record counts, recompute rollups. Runs once
    per run (the state row is locked, and the run remembers it was finished)."""
    shop = ShopConnection.objects.for_tenant(run.tenant_id).get(pk=run.params["shop"])
    zone = zone_or_utc(shop.time_zone)
    orders = Order.objects.for_tenant(run.tenant_id).filter(shop=shop)
    now = timezone.now()
    with transaction.atomic():
        state = ShopSyncState.objects.for_tenant(run.tenant_id).select_for_update().get(shop=shop)
        run = SyncRun.all_tenants.get(pk=run.pk)
        if run.counters.get("finished"):
            return state
        checkpoints = SyncRunPart.objects.for_tenant(run.tenant_id).filter(run=run).values_list("checkpoint", flat=True)
        max_seen = from_unix(max((checkpoint.get("max_update_time") or 0 for checkpoint in checkpoints), default=0))
        # Orders changed while the run paged may sit behind pages already read: the watermark
        # never passes the run's start, so the next incremental sync still covers them.
        if max_seen is not None:
            reached = min(max_seen, run.started_at) if run.started_at else max_seen
            state.watermark = max(state.watermark, reached) if state.watermark else reached
        if run.kind == KIND_FULL:
            if connection.vendor == "postgresql" and run.items_done >= ANALYZE_AFTER_ORDERS:
                # Fresh statistics after a bulk load, so the rollup and page queries plan well.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE shop_sync_order, shop_sync_orderline")
            daily_rollups_recompute(shop=shop)
            state.last_full_sync_at = now
            state.last_full_sync_orders = run.items_done
            state.last_full_run = run
            state.orders_count = orders.count()
            written = run.items_done
            # The catalogue (products, SKUs) follows each full sync: a call or two per 100 products.
            enqueue(PRODUCTS_SYNC_TASK, tenant_id=run.tenant_id, shop_pk=shop.pk)
        else:
            # Rows this run wrote carry a synced_at after its start (and an update_time inside
            # its range, which keeps the lookup on the shop/update_time index).
            touched = orders.filter(update_time__gte=from_unix(run.params["update_time_ge"]), synced_at__gte=run.started_at)
            days = set(touched.order_by().annotate(day=TruncDate("create_time", tzinfo=zone)).values_list("day", flat=True).distinct())
            written = touched.count()
            if days:
                daily_rollups_recompute(shop=shop, days=days)
            state.last_incremental_sync_at = now
            state.last_incremental_orders = written
            # New rows have ids above the high-water mark taken at the start: cheaper than
            # counting the shop's orders again.
            state.orders_count += touched.filter(pk__gt=run.params["order_pk_before"]).count()
        state.last_error = ""
        state.save()
        SyncRun.all_tenants.filter(pk=run.pk).update(counters={**run.counters, "finished": True, "orders_written": written})
    return state
