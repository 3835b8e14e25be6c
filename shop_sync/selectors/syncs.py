"""The shops' order-sync status (with the running sync's progress) and history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, QuerySet

from core import targets
from core.models import SyncRun, Tenant
from core.selectors import sync_run_progress
from shop_sync.models import Order, ShopConnection, ShopSyncState
from shop_sync.selectors.common import zone
from shop_sync.selectors.shops import shops_for_tenant

SYNC_KIND_FULL = "shop_sync.orders_full"
SYNC_KIND_INCREMENTAL = "shop_sync.orders_incremental"
SYNC_KINDS = (SYNC_KIND_FULL, SYNC_KIND_INCREMENTAL)


def shop_target(shop: ShopConnection) -> str:
    return targets.shop_target(shop.pk)


# --- Sync status --------------------------------------------------------------------------


@dataclass
class ShopSyncStatus:
    shop: ShopConnection
    state: ShopSyncState | None
    running: SyncRun | None
    running_progress: dict | None
    last_run: SyncRun | None
    last_run_progress: dict | None
    stored_orders: int

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.shop.time_zone)

    @property
    def problem(self) -> str:
        return sync_error_explained(self.state.last_error if self.state else "")


def sync_status(tenant: Tenant, *, shop: ShopConnection | None = None) -> list[ShopSyncStatus]:
    """Per shop: the seed's sync metadata (last full, last incremental, watermark, counts) and the
    running sync's progress (orders, pages, windows, rate, ETA). Five queries for any number of
    shops."""
    shops = [shop] if shop else list(shops_for_tenant(tenant))
    if not shops:
        return []
    states = {s.shop_id: s for s in ShopSyncState.objects.for_tenant(tenant).filter(shop__in=shops)}
    targets = {shop_target(s): s.pk for s in shops}
    runs = SyncRun.objects.for_tenant(tenant).filter(kind__in=SYNC_KINDS, target__in=list(targets)).order_by("-created_at", "-id")
    running: dict[int, SyncRun] = {}
    for run in runs.filter(state__in=("pending", "running")):
        running.setdefault(targets[run.target], run)
    # The latest finished run per shop: ids grow with time, so the largest id per target.
    latest_ids = runs.exclude(state__in=("pending", "running")).order_by().values("target").annotate(last_id=Max("id")).values("last_id")
    last = {targets[run.target]: run for run in SyncRun.objects.for_tenant(tenant).filter(pk__in=latest_ids)}
    counts = dict(Order.objects.for_tenant(tenant).filter(shop__in=shops).order_by().values_list("shop_id").annotate(n=Count("id")))
    result = []
    for s in shops:
        run, done = running.get(s.pk), last.get(s.pk)
        result.append(
            ShopSyncStatus(
                shop=s,
                state=states.get(s.pk),
                running=run,
                running_progress=sync_run_progress(run) if run else None,
                last_run=done,
                last_run_progress=sync_run_progress(done) if done else None,
                stored_orders=counts.get(s.pk, 0),
            )
        )
    return result


def sync_history(tenant: Tenant, *, shop: ShopConnection | None = None) -> QuerySet[SyncRun]:
    """The tenant's order syncs, newest first."""
    runs = SyncRun.objects.for_tenant(tenant).filter(kind__in=SYNC_KINDS)
    if shop:
        runs = runs.filter(target=shop_target(shop))
    return runs.order_by("-created_at", "-id")


def sync_history_export_rows(tenant: Tenant, *, shop: ShopConnection | None = None):
    header = (
        "id",
        "kind",
        "target",
        "state",
        "items_done",
        "items_total",
        "pages_done",
        "parts_done",
        "parts_total",
        "attempts",
        "created_at",
        "started_at",
        "finished_at",
        "error",
    )
    return header, sync_history(tenant, shop=shop).values_list(*header).iterator(chunk_size=2000)


def tenant_ids_with_synced_shops() -> list[int]:
    """Cross-tenant on purpose (the incremental-sync beat): tenants with a shop synced once."""
    return sorted(set(ShopSyncState.all_tenants.filter(watermark__isnull=False).values_list("tenant_id", flat=True)))


_ERROR_WORDS = (
    (re.compile(r"status=429|rate.?limit", re.I), "TikTok Shop asked us to slow down (too many requests); the sync retries by itself."),
    (re.compile(r"circuit", re.I), "TikTok Shop failed several times in a row, so calls are paused for a moment before trying again."),
    (re.compile(r"status=401|auth|token", re.I), "TikTok Shop no longer accepts this shop's authorization: reconnect the shop."),
    (re.compile(r"status=5\d\d", re.I), "TikTok Shop had a server error; the sync retries by itself."),
    (re.compile(r"timed? ?out|unavailable|connection|refused", re.I), "TikTok Shop could not be reached; the sync retries by itself."),
    (re.compile(r"status=4\d\d", re.I), "TikTok Shop refused the request."),
)


def sync_error_explained(error: str) -> str:
    """A stored upstream error in words an analyst can act on; the raw text stays as detail."""
    if not error:
        return ""
    for pattern, words in _ERROR_WORDS:
        if pattern.search(error):
            return words
    return "The last sync stopped with an error."
