"""Writes for TikTok Shop: connecting shops (OAuth, tokens), order syncs, webhooks and rollups.

Full sync: the shop's history is split into create-time windows of about ``WINDOW_TARGET_ORDERS``
orders, one ``SyncRunPart`` (and one Celery task on the ``sync`` queue) per window. Each page of
100 orders is written together with the window's next ``page_token`` in one transaction
(``core.services.sync_page_commit``), so a killed worker resumes at the page it lost and never
writes one twice. An order is only replaced by an equal-or-newer ``update_time`` with different
content; its lines are replaced with it.

On PostgreSQL a page is COPYed into a temporary staging table; one statement inserts the orders
the shop doesn't have yet (``ON CONFLICT DO NOTHING``), and only when some were stored already a
second one replaces those by the rule (``ON CONFLICT DO UPDATE ... WHERE``); both move the shop's
``DailyStatusRollup`` rows in the same statement. Lines of the orders actually written are
deleted and COPYed in. Other databases use ``bulk_create`` with the same rule applied in Python
and recompute the status rollups of the touched days.

Incremental sync: ``update_time >= watermark - 5 minutes``, sorted by update time, the same write
path; the watermark moves only when the run succeeds, and only touched days are re-rolled-up.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as day_start
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core.exceptions import ApplicationError
from core.http import AuthExpired, BadRequest, UpstreamError
from core.locks import named_lock
from core.models import SyncRun, SyncRunPart, SyncState, Tenant
from core.selectors import sync_run_active
from core.services import (
    StaleCheckpoint,
    SyncRunConflict,
    sync_page_commit,
    sync_part_claim,
    sync_part_fail,
    sync_run_start,
)
from shop_sync.brands import OTHER_BRAND, BrandMatcher, brand_matcher
from shop_sync.client import TikTokShopAuthClient, TikTokShopClient, from_unix, webhook_signature
from shop_sync.models import (
    ConnectionStatus,
    DailyRollup,
    DailyStatusRollup,
    OAuthState,
    Order,
    OrderLine,
    Product,
    ShopConnection,
    ShopSyncState,
    Sku,
)

logger = logging.getLogger(__name__)

KIND_FULL = "shop_sync.orders_full"
KIND_INCREMENTAL = "shop_sync.orders_incremental"

OAUTH_STATE_TTL = timedelta(minutes=10)
WATERMARK_OVERLAP = timedelta(minutes=5)
# Windows small enough that parallel workers finish together (the slowest window bounds the
# run), large enough that each costs one extra partial page at most.
WINDOW_TARGET_ORDERS = 10_000
# A smaller shop still gets a few windows (of at least a few pages each), so latency-bound
# syncs run in parallel too.
MIN_WINDOWS = 8
MIN_WINDOW_ORDERS = 300
TOKEN_REFRESH_AHEAD = timedelta(days=1)
# A full sync that loaded this many orders refreshes the tables' statistics at once (smaller
# loads leave it to autovacuum: ANALYZE samples the whole table, other shops' rows too).
ANALYZE_AFTER_ORDERS = 20_000
CANCELLED = "CANCELLED"

# Region → (currency, time zone) of a shop: the authorized-shops call gives only the region.
REGION_SETTINGS = {
    "MY": ("MYR", "Asia/Kuala_Lumpur"),
    "ID": ("IDR", "Asia/Jakarta"),
    "TH": ("THB", "Asia/Bangkok"),
    "VN": ("VND", "Asia/Ho_Chi_Minh"),
    "PH": ("PHP", "Asia/Manila"),
    "SG": ("SGD", "Asia/Singapore"),
    "US": ("USD", "America/Los_Angeles"),
    "GB": ("GBP", "Europe/London"),
    "MX": ("MXN", "America/Mexico_City"),
    "BR": ("BRL", "America/Sao_Paulo"),
    "JP": ("JPY", "Asia/Tokyo"),
    "ES": ("EUR", "Europe/Madrid"),
    "DE": ("EUR", "Europe/Berlin"),
    "FR": ("EUR", "Europe/Paris"),
    "IT": ("EUR", "Europe/Rome"),
    "IE": ("EUR", "Europe/Dublin"),
}

ORDER_MONEY_FIELDS = ("total_amount", "sub_total", "shipping_fee", "seller_discount", "platform_discount", "tax")
LINE_MONEY_FIELDS = ("sale_price", "original_price", "seller_discount", "platform_discount")


# --- OAuth and tokens ---------------------------------------------------------------------


def shop_oauth_start(*, tenant: Tenant, user) -> str:
    """A fresh single-use ``state`` for this tenant, and the authorize URL carrying it."""
    state = OAuthState.objects.create(tenant=tenant, state=secrets.token_urlsafe(32), created_by=user)
    query = urlencode({"app_key": settings.TIKTOK_SHOP_APP_KEY, "state": state.state, "redirect_uri": settings.TIKTOK_SHOP_REDIRECT_URI})
    return f"{settings.TIKTOK_SHOP_AUTHORIZE_URL}?{query}"


def shop_oauth_complete(*, tenant: Tenant, user, state: str, code: str) -> list[ShopConnection]:
    """Check ``state`` (this tenant's, unused, under 10 minutes old; used up now), exchange the
    code for tokens, and store every shop they authorize, with its tokens encrypted."""
    now = timezone.now()
    consumed = (
        OAuthState.objects.for_tenant(tenant)
        .filter(state=state or "", used_at__isnull=True, created_at__gte=now - OAUTH_STATE_TTL)
        .update(used_at=now)
    )
    if not state or not code or consumed != 1:
        raise ApplicationError("This authorization link is invalid or has expired. Start again from Connect a shop.", code="invalid_state")

    try:
        grant = TikTokShopAuthClient(tenant=tenant).token_get(auth_code=code)
        authorized = TikTokShopClient(tenant=tenant, access_token=grant.access_token).authorized_shops()
    except (AuthExpired, BadRequest) as exc:
        raise ApplicationError(f"TikTok Shop refused the authorization: {exc.message}", code="authorization_refused", status=400)
    if not authorized:
        raise ApplicationError("The authorization grants no shop.", code="no_shops", status=400)

    shops = []
    with transaction.atomic():
        for entry in authorized:
            region = str(entry.get("region") or "").upper()
            currency, time_zone = REGION_SETTINGS.get(region, ("", "UTC"))
            shop, _ = ShopConnection.objects.for_tenant(tenant).update_or_create(
                tenant=tenant,
                shop_id=str(entry["id"]),
                defaults={
                    "name": str(entry.get("name") or entry["id"])[:200],
                    "code": str(entry.get("code") or "")[:32],
                    "region": region[:8],
                    "seller_type": str(entry.get("seller_type") or "")[:32],
                    "cipher": str(entry["cipher"]),
                    "currency": currency,
                    "time_zone": time_zone,
                    "open_id": grant.open_id,
                    "seller_name": grant.seller_name[:200],
                    "granted_scopes": grant.granted_scopes,
                    "access_token": grant.access_token,
                    "access_token_expires_at": grant.access_token_expires_at,
                    "refresh_token": grant.refresh_token,
                    "refresh_token_expires_at": grant.refresh_token_expires_at,
                    "status": ConnectionStatus.ACTIVE,
                    "status_reason": "",
                    "connected_by": user,
                },
            )
            ShopSyncState.objects.for_tenant(tenant).get_or_create(tenant=tenant, shop=shop)
            shops.append(shop)
    return shops


def shop_mark_needs_reauth(*, shop: ShopConnection, reason: str) -> ShopConnection:
    ShopConnection.objects.for_tenant(shop.tenant_id).filter(pk=shop.pk).update(
        status=ConnectionStatus.NEEDS_REAUTH, status_reason=reason[:300], updated_at=timezone.now()
    )
    shop.status, shop.status_reason = ConnectionStatus.NEEDS_REAUTH, reason[:300]
    return shop


def shop_credentials_renew(*, shop: ShopConnection, failed_access_token: str) -> ShopConnection | None:
    """Called by the client, under the shop's credential lock, after the platform refused
    ``failed_access_token``. Returns the shop with a working token, or None (and the shop marked
    as needing re-authorization) when the refresh token is refused too."""
    stored = ShopConnection.objects.for_tenant(shop.tenant_id).get(pk=shop.pk)
    if stored.status != ConnectionStatus.ACTIVE:
        return None
    if stored.access_token != failed_access_token:
        return stored  # another worker refreshed it while this one waited for the lock
    return _shop_tokens_refresh(shop=stored)


def shop_token_refresh(*, shop: ShopConnection) -> ShopConnection:
    """Refresh the shop's tokens now (under the same lock as the client's own refresh).
    Raises ``ApplicationError`` ``shop_needs_reauth`` when the platform refuses."""
    lock_name = TikTokShopClient(tenant=shop.tenant, shop=shop).refresh_lock_name
    with named_lock(lock_name, ttl=TikTokShopClient.refresh_lock_ttl, wait=TikTokShopClient.refresh_lock_wait):
        stored = ShopConnection.objects.for_tenant(shop.tenant_id).get(pk=shop.pk)
        refreshed = _shop_tokens_refresh(shop=stored)
    if refreshed is None:
        raise ApplicationError("TikTok Shop refused the refresh token: re-authorize the shop.", code="shop_needs_reauth", status=409)
    return refreshed


def _shop_tokens_refresh(*, shop: ShopConnection) -> ShopConnection | None:
    try:
        grant = TikTokShopAuthClient(tenant=shop.tenant).token_refresh(refresh_token=shop.refresh_token)
    except (AuthExpired, BadRequest) as exc:
        shop_mark_needs_reauth(shop=shop, reason=f"Token refresh refused: {exc.message}")
        return None
    shop.access_token = grant.access_token
    shop.access_token_expires_at = grant.access_token_expires_at
    shop.refresh_token = grant.refresh_token
    shop.refresh_token_expires_at = grant.refresh_token_expires_at
    shop.status, shop.status_reason = ConnectionStatus.ACTIVE, ""
    shop.save(
        update_fields=[
            "access_token",
            "access_token_expires_at",
            "refresh_token",
            "refresh_token_expires_at",
            "status",
            "status_reason",
            "updated_at",
        ]
    )
    return shop


def shop_tokens_refresh_expiring(*, ahead: timedelta = TOKEN_REFRESH_AHEAD) -> int:
    """Cross-tenant on purpose (beat): refresh every active shop whose access token expires
    within ``ahead``. Returns how many were refreshed."""
    from core.tenancy import tenant_scope

    due = ShopConnection.all_tenants.select_related("tenant").filter(
        status=ConnectionStatus.ACTIVE, access_token_expires_at__lt=timezone.now() + ahead
    )
    refreshed = 0
    for shop in due:
        with tenant_scope(shop.tenant):
            try:
                shop_token_refresh(shop=shop)
                refreshed += 1
            except (ApplicationError, UpstreamError) as exc:
                logger.warning("Token refresh of shop %s failed: %s", shop.shop_id, exc)
    return refreshed


# --- Starting syncs -----------------------------------------------------------------------


def _sync_target(shop: ShopConnection) -> str:
    return f"shop:{shop.pk}"


def _running_order_sync(tenant: Tenant, shop: ShopConnection) -> SyncRun | None:
    target = _sync_target(shop)
    return sync_run_active(tenant, kind=KIND_FULL, target=target) or sync_run_active(tenant, kind=KIND_INCREMENTAL, target=target)


def _ensure_syncable(tenant: Tenant, shop: ShopConnection) -> ShopSyncState:
    if shop.tenant_id != tenant.pk:
        raise ApplicationError("Shop not found.", code="not_found", status=404)
    if shop.status != ConnectionStatus.ACTIVE:
        raise ApplicationError(f"{shop.name} needs re-authorization before it can sync.", code="shop_needs_reauth", status=409)
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
    probe = TikTokShopClient(tenant=tenant, shop=shop).orders_search(filters={}, page_size=1, sort_field="create_time", sort_order="ASC")
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


def orders_incremental_sync_start(*, tenant: Tenant, shop: ShopConnection, requested_by=None) -> SyncRun:
    """Start an incremental sync: orders updated since the watermark minus five minutes."""
    state = _ensure_syncable(tenant, shop)
    if state.watermark is None:
        raise ApplicationError(f"{shop.name} has no full sync yet: run one first.", code="full_sync_required", status=409)
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
    client = TikTokShopClient(tenant=shop.tenant, shop=shop)
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
    zone = ZoneInfo(shop.time_zone or "UTC")
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
            from shop_sync.tasks import products_sync_task

            transaction.on_commit(lambda: products_sync_task.delay(tenant_id=run.tenant_id, shop_pk=shop.pk))
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


# --- The write path -----------------------------------------------------------------------


@dataclass
class PageWrite:
    """What a page changed: orders written (new or replaced) and the days (shop time) they fall on."""

    written: int = 0
    inserted: int = 0
    days: set[date] = field(default_factory=set)


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


_MONEY_TEXT = re.compile(r"-?\d{1,12}(?:\.\d{1,2})?")


def _money(value) -> str:
    """A platform amount as the decimal string a numeric(14, 2) column takes; "0" when missing
    or unreadable. The platform's own strings pass straight through (no Decimal per field)."""
    if value.__class__ is str and _MONEY_TEXT.fullmatch(value):
        return value
    if value in (None, ""):
        return "0"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return "0"
    return str(amount) if amount.is_finite() else "0"


def content_hash(order: dict) -> bytes:
    """BLAKE2b-128 of the order's JSON: equal for a page read twice, different for any change."""
    return hashlib.blake2b(orjson.dumps(order), digest_size=16).digest()


@dataclass(slots=True)
class _ParsedOrder:
    order_id: str
    update_time: int
    create_time: int
    values: tuple  # staging-row values after order_id, up to and including content_hash
    lines: list[tuple]  # line values after tenant_id, order_id (db id)


def _text(value, limit: int) -> str:
    if value.__class__ is str:
        return value[:limit]
    return str(value or "")[:limit]


def _parse_orders(*, shop: ShopConnection, orders: list[dict], matcher: BrandMatcher) -> list[_ParsedOrder]:
    latest: dict[str, dict] = {}
    for order in orders:
        order_id = str(order.get("id") or "")
        if order_id and (order_id not in latest or _int(order.get("update_time")) >= _int(latest[order_id].get("update_time"))):
            latest[order_id] = order
    brand_for = matcher.brand_for
    shop_currency = shop.currency or ""
    parsed = []
    for order_id, order in latest.items():
        payment = order.get("payment") or {}
        currency = _text(payment.get("currency") or shop_currency, 3)
        lines, seen_lines, brands = [], set(), set()
        for item in order.get("line_items") or ():
            line_id = _text(item.get("id"), 32)
            if not line_id or line_id in seen_lines:
                continue
            seen_lines.add(line_id)
            product_name = _text(item.get("product_name"), 500)
            brand = brand_for(product_name)[:100] if product_name else OTHER_BRAND
            brands.add(brand)
            lines.append(
                (
                    line_id,
                    _text(item.get("sku_id"), 32),
                    _text(item.get("product_id"), 32),
                    product_name,
                    _text(item.get("sku_name"), 200),
                    _text(item.get("seller_sku"), 100),
                    brand,
                    _text(item.get("currency") or currency, 3),
                    _money(item.get("sale_price")),
                    _money(item.get("original_price")),
                    _money(item.get("seller_discount")),
                    _money(item.get("platform_discount")),
                    _text(item.get("display_status"), 32),
                )
            )
        create_time, update_time = _int(order.get("create_time")), _int(order.get("update_time"))
        values = (
            _text(order.get("status"), 32),
            create_time,
            update_time,
            _int(order.get("paid_time")) or None,
            currency,
            *(_money(payment.get(name)) for name in ORDER_MONEY_FIELDS),
            _text(order.get("user_id"), 32),
            _text((order.get("recipient_address") or {}).get("region_code"), 8),
            len(lines),
            ",".join(sorted(brands))[:300],
            content_hash(order),
        )
        parsed.append(_ParsedOrder(order_id=order_id[:32], update_time=update_time, create_time=create_time, values=values, lines=lines))
    return parsed


def _zone_name(shop: ShopConnection) -> str:
    """The shop's zone as PostgreSQL and zoneinfo both read it; UTC when empty or unknown."""
    try:
        return ZoneInfo(shop.time_zone or "UTC").key
    except (ValueError, KeyError, ZoneInfoNotFoundError):
        return "UTC"


def orders_page_write(
    *, shop: ShopConnection, orders: list[dict], matcher: BrandMatcher | None = None, disjoint: bool = False
) -> PageWrite:
    """Upsert one page of platform orders with their lines, in one transaction.

    A stored order is replaced only by an equal-or-newer ``update_time`` whose content differs
    (a page read twice writes nothing the second time); its lines are replaced with it. The
    shop's ``DailyStatusRollup`` rows move with the orders written, in the same statement.

    ``disjoint``: the caller vouches that no other writer touches the same orders meanwhile
    (full-sync windows: disjoint create-time ranges), so pages of several windows may write in
    parallel; other writers of the shop (incremental syncs, webhooks) take turns.
    """
    if not orders:
        return PageWrite()
    matcher = matcher or brand_matcher(tenant=shop.tenant_id)
    parsed = _parse_orders(shop=shop, orders=orders, matcher=matcher)
    zone_name = _zone_name(shop)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            written = _write_postgresql(shop=shop, parsed=parsed, zone_name=zone_name, disjoint=disjoint)
        else:
            written = _write_portable(shop=shop, parsed=parsed, zone_name=zone_name, disjoint=disjoint)
    zone = ZoneInfo(zone_name)
    by_id = {p.order_id: p for p in parsed}
    return PageWrite(
        written=len(written),
        inserted=sum(1 for _, _, inserted in written if inserted),
        days={datetime.fromtimestamp(by_id[order_id].create_time, zone).date() for order_id, _, _ in written},
    )


# An order's written columns, in the order of a parsed order's ``values``.
_ORDER_VALUE_FIELDS = (
    "status",
    "create_time",
    "update_time",
    "paid_time",
    "currency",
    *ORDER_MONEY_FIELDS,
    "buyer_user_id",
    "recipient_region",
    "units",
    "brands",
    "content_hash",
)
_ORDER_STAGE_COLUMNS = ("order_id", *_ORDER_VALUE_FIELDS)
_ORDER_STAGE_DDL = """
CREATE TEMP TABLE IF NOT EXISTS shop_sync_order_stage (
    order_id varchar(32) NOT NULL,
    status varchar(32) NOT NULL,
    create_time bigint NOT NULL,
    update_time bigint NOT NULL,
    paid_time bigint,
    currency varchar(3) NOT NULL,
    total_amount numeric(14, 2) NOT NULL,
    sub_total numeric(14, 2) NOT NULL,
    shipping_fee numeric(14, 2) NOT NULL,
    seller_discount numeric(14, 2) NOT NULL,
    platform_discount numeric(14, 2) NOT NULL,
    tax numeric(14, 2) NOT NULL,
    buyer_user_id varchar(32) NOT NULL,
    recipient_region varchar(8) NOT NULL,
    units integer NOT NULL,
    brands varchar(300) NOT NULL,
    content_hash bytea NOT NULL
) ON COMMIT DELETE ROWS
"""
# One statement: the stored versions of the page's orders (``previous``), the upsert
# (``written``), and the status rollups moved by minus each replaced version, plus each written
# one. ``previous`` looks the ids up in the unique index (the staging table has no statistics:
# a join with it may scan the whole shop). Data-modifying CTEs share one snapshot, so ``previous`` holds the rows as they were
# before this statement. Rollup keys are applied in sorted order: parallel windows that share a
# boundary day lock those rows in the same order and never deadlock.
_ORDER_UPSERT = """
WITH previous AS (
    SELECT stored.id, stored.create_time, stored.status, stored.currency, stored.total_amount
    FROM shop_sync_order stored
    WHERE stored.tenant_id = %(tenant)s AND stored.shop_id = %(shop)s AND stored.order_id = ANY(%(order_ids)s)
), written AS (
    INSERT INTO shop_sync_order AS stored (
        tenant_id, shop_id, order_id, status, create_time, update_time, paid_time, currency,
        total_amount, sub_total, shipping_fee, seller_discount, platform_discount, tax,
        buyer_user_id, recipient_region, units, brands, content_hash, synced_at
    )
    SELECT %(tenant)s, %(shop)s, order_id, status, to_timestamp(create_time), to_timestamp(update_time),
           to_timestamp(paid_time), currency, total_amount, sub_total, shipping_fee, seller_discount,
           platform_discount, tax, buyer_user_id, recipient_region, units, brands, content_hash, %(now)s
    FROM shop_sync_order_stage
    ON CONFLICT (tenant_id, shop_id, order_id) DO UPDATE SET
        status = excluded.status, create_time = excluded.create_time, update_time = excluded.update_time,
        paid_time = excluded.paid_time, currency = excluded.currency, total_amount = excluded.total_amount,
        sub_total = excluded.sub_total, shipping_fee = excluded.shipping_fee,
        seller_discount = excluded.seller_discount, platform_discount = excluded.platform_discount,
        tax = excluded.tax, buyer_user_id = excluded.buyer_user_id, recipient_region = excluded.recipient_region,
        units = excluded.units, brands = excluded.brands, content_hash = excluded.content_hash,
        synced_at = excluded.synced_at
    WHERE stored.update_time < excluded.update_time
       OR (stored.update_time = excluded.update_time AND stored.content_hash IS DISTINCT FROM excluded.content_hash)
    RETURNING stored.order_id, stored.id, (stored.xmax = 0) AS inserted, stored.create_time, stored.status,
              stored.currency, stored.total_amount
), moved AS (
    SELECT (create_time AT TIME ZONE %(zone)s)::date AS day, status, currency, 1 AS orders, total_amount FROM written
    UNION ALL
    SELECT (p.create_time AT TIME ZONE %(zone)s)::date, p.status, p.currency, -1, -p.total_amount
    FROM previous p JOIN written w ON w.id = p.id
), rolled AS (
    INSERT INTO shop_sync_dailystatusrollup AS rollup (tenant_id, shop_id, day, status, currency, orders, total_amount)
    SELECT %(tenant)s, %(shop)s, day, status, currency, sum(orders), sum(total_amount)
    FROM moved GROUP BY day, status, currency ORDER BY day, status, currency
    ON CONFLICT (tenant_id, shop_id, day, status, currency) DO UPDATE SET
        orders = rollup.orders + excluded.orders, total_amount = rollup.total_amount + excluded.total_amount
)
SELECT order_id, id, inserted FROM written
"""
# The first pass: orders the shop doesn't have yet, inserted, and their rollups moved. On a first
# full sync that is every order, and no stored version has to be looked up at all.
_ORDER_INSERT_NEW = """
WITH written AS (
    INSERT INTO shop_sync_order (
        tenant_id, shop_id, order_id, status, create_time, update_time, paid_time, currency,
        total_amount, sub_total, shipping_fee, seller_discount, platform_discount, tax,
        buyer_user_id, recipient_region, units, brands, content_hash, synced_at
    )
    SELECT %(tenant)s, %(shop)s, order_id, status, to_timestamp(create_time), to_timestamp(update_time),
           to_timestamp(paid_time), currency, total_amount, sub_total, shipping_fee, seller_discount,
           platform_discount, tax, buyer_user_id, recipient_region, units, brands, content_hash, %(now)s
    FROM shop_sync_order_stage
    ON CONFLICT (tenant_id, shop_id, order_id) DO NOTHING
    RETURNING order_id, id, create_time, status, currency, total_amount
), rolled AS (
    INSERT INTO shop_sync_dailystatusrollup AS rollup (tenant_id, shop_id, day, status, currency, orders, total_amount)
    SELECT %(tenant)s, %(shop)s, (create_time AT TIME ZONE %(zone)s)::date AS day, status, currency, count(*), sum(total_amount)
    FROM written GROUP BY 3, 4, 5 ORDER BY 3, 4, 5
    ON CONFLICT (tenant_id, shop_id, day, status, currency) DO UPDATE SET
        orders = rollup.orders + excluded.orders, total_amount = rollup.total_amount + excluded.total_amount
)
SELECT order_id, id, true FROM written
"""
# Two-key advisory locks: (this constant, the shop's id).
_SHOP_WRITE_LOCK = 0x5359_4E43 & 0x7FFF_FFFF
_LINE_COLUMNS = (
    "tenant_id",
    "order_id",
    "line_id",
    "sku_id",
    "product_id",
    "product_name",
    "sku_name",
    "seller_sku",
    "brand",
    "currency",
    *LINE_MONEY_FIELDS,
    "display_status",
)


def _write_postgresql(*, shop: ShopConnection, parsed: list[_ParsedOrder], zone_name: str, disjoint: bool) -> list[tuple[str, int, bool]]:
    lock = "pg_advisory_xact_lock_shared" if disjoint else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        # A page and its checkpoint commit together, so a commit lost in a crash only means the
        # page is fetched again on resume: no need to wait for the WAL flush. The watermark
        # moves in a synchronous commit later in the same WAL, so it never outlives its pages.
        # The shop's write lock: shared between full-sync windows, exclusive for other writers
        # and for rollup rebuilds, so a status rollup never misses or doubles an order.
        cursor.execute(f"SELECT set_config('synchronous_commit', 'off', true), {lock}(%s, %s)", [_SHOP_WRITE_LOCK, shop.pk % 2**31])
        cursor.execute(_ORDER_STAGE_DDL)
        cursor.execute("DELETE FROM shop_sync_order_stage")  # a second page in the same transaction
        raw_cursor = cursor.cursor  # psycopg 3: COPY is not part of the DB-API
        with raw_cursor.copy(f"COPY shop_sync_order_stage ({', '.join(_ORDER_STAGE_COLUMNS)}) FROM STDIN") as copy:
            for order in parsed:
                copy.write_row((order.order_id, *order.values))
        params = {"tenant": shop.tenant_id, "shop": shop.pk, "now": timezone.now(), "zone": zone_name}
        cursor.execute(_ORDER_INSERT_NEW, params)
        written = cursor.fetchall()
        if len(written) < len(parsed):
            # The second pass: the orders stored already, replaced by the rule (the ones inserted
            # just now are equal to themselves and stay as they are).
            inserted_ids = {order_id for order_id, _, _ in written}
            cursor.execute(_ORDER_UPSERT, {**params, "order_ids": [p.order_id for p in parsed if p.order_id not in inserted_ids]})
            written += cursor.fetchall()
        if not written:
            return []
        replaced = [pk for _, pk, inserted in written if not inserted]
        if replaced:
            cursor.execute("DELETE FROM shop_sync_orderline WHERE order_id = ANY(%s)", [replaced])
        by_id = {p.order_id: p for p in parsed}
        tenant_id = shop.tenant_id
        with raw_cursor.copy(f"COPY shop_sync_orderline ({', '.join(_LINE_COLUMNS)}) FROM STDIN") as copy:
            for order_id, pk, _ in written:
                for line in by_id[order_id].lines:
                    copy.write_row((tenant_id, pk, *line))
    return [(order_id, pk, inserted) for order_id, pk, inserted in written]


def _write_portable(*, shop: ShopConnection, parsed: list[_ParsedOrder], zone_name: str, disjoint: bool) -> list[tuple[str, int, bool]]:
    """Other databases (SQLite: one writer at a time): the same rule applied in Python, and the
    status rollups of the touched days recomputed from the orders."""
    tenant_id = shop.tenant_id
    orders = Order.objects.for_tenant(tenant_id).filter(shop=shop)
    stored = {
        order_id: (update_time, bytes(digest), create_time)
        for order_id, update_time, digest, create_time in orders.filter(order_id__in=[p.order_id for p in parsed]).values_list(
            "order_id", "update_time", "content_hash", "create_time"
        )
    }
    to_write = []
    for p in parsed:
        previous = stored.get(p.order_id)
        update_time = from_unix(p.update_time)
        if previous is None or previous[0] < update_time or (previous[0] == update_time and previous[1] != p.values[-1]):
            to_write.append(p)
    if not to_write:
        return []
    now = timezone.now()
    rows = []
    for p in to_write:
        status, create_time, update_time, paid_time, currency, *rest = p.values
        money, (buyer, region, units, brands, digest) = rest[: len(ORDER_MONEY_FIELDS)], rest[len(ORDER_MONEY_FIELDS) :]
        rows.append(
            Order(
                tenant_id=tenant_id,
                shop=shop,
                order_id=p.order_id,
                status=status,
                create_time=from_unix(create_time),
                update_time=from_unix(update_time),
                paid_time=from_unix(paid_time),
                currency=currency,
                **{name: Decimal(value) for name, value in zip(ORDER_MONEY_FIELDS, money, strict=True)},
                buyer_user_id=buyer,
                recipient_region=region,
                units=units,
                brands=brands,
                content_hash=digest,
                synced_at=now,
            )
        )
    Order.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["tenant", "shop", "order_id"], update_fields=[*_ORDER_VALUE_FIELDS, "synced_at"]
    )
    ids = dict(orders.filter(order_id__in=[p.order_id for p in to_write]).values_list("order_id", "id"))
    replaced = [ids[p.order_id] for p in to_write if p.order_id in stored]
    if replaced:
        OrderLine.objects.for_tenant(tenant_id).filter(order_id__in=replaced)._raw_delete(OrderLine.objects.db)
    line_fields = _LINE_COLUMNS[2:]
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                tenant_id=tenant_id,
                order_id=ids[p.order_id],
                **{name: (Decimal(value) if name in LINE_MONEY_FIELDS else value) for name, value in zip(line_fields, line, strict=True)},
            )
            for p in to_write
            for line in p.lines
        ]
    )
    zone = ZoneInfo(zone_name)
    days = {datetime.fromtimestamp(p.create_time, zone).date() for p in to_write}
    days |= {previous[2].astimezone(zone).date() for order_id, previous in stored.items() if order_id in ids}
    _status_rollups_recompute(shop=shop, zone_name=zone_name, days=days)
    return [(p.order_id, ids[p.order_id], p.order_id not in stored) for p in to_write]


# --- Status rollups -------------------------------------------------------------------------


def _status_rollups_recompute(*, shop: ShopConnection, zone_name: str, days: Iterable[date] | None) -> None:
    """Rebuild the shop's status rollups (all days, or only ``days``) from its orders."""
    zone = ZoneInfo(zone_name)
    orders = Order.objects.for_tenant(shop.tenant_id).filter(shop=shop)
    rollups = DailyStatusRollup.objects.for_tenant(shop.tenant_id).filter(shop=shop)
    if days is not None:
        days = sorted(set(days))
        if not days:
            return
        start, end = _day_bounds(days[0], zone)[0], _day_bounds(days[-1], zone)[1]
        orders = orders.filter(create_time__gte=start, create_time__lt=end)
        rollups = rollups.filter(day__in=days)
    rows = (
        orders.order_by()
        .annotate(rollup_day=TruncDate("create_time", tzinfo=zone))
        .values("rollup_day", "status", "currency")
        .annotate(rollup_orders=Count("id"), rollup_total=Coalesce(Sum("total_amount"), Decimal(0)))
    )
    if days is not None:
        rows = rows.filter(rollup_day__in=days)
    rollups._raw_delete(rollups.db)
    DailyStatusRollup.objects.bulk_create(
        DailyStatusRollup(
            tenant_id=shop.tenant_id,
            shop=shop,
            day=row["rollup_day"],
            status=row["status"],
            currency=row["currency"],
            orders=row["rollup_orders"],
            total_amount=row["rollup_total"],
        )
        for row in rows
    )


def order_status_rollups_rebuild(*, shop: ShopConnection) -> int:
    """Rebuild the shop's status rollups from its orders and mark them ready, so order
    statistics and status breakdowns read them. Takes the shop's write lock exclusively: no page
    is written meanwhile. Returns the number of rollup rows."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_SHOP_WRITE_LOCK, shop.pk % 2**31])
        _status_rollups_recompute(shop=shop, zone_name=_zone_name(shop), days=None)
        ShopSyncState.objects.for_tenant(shop.tenant_id).update_or_create(
            tenant_id=shop.tenant_id, shop=shop, defaults={"status_rollups_ready": True}
        )
        return DailyStatusRollup.objects.for_tenant(shop.tenant_id).filter(shop=shop).count()


# --- Rollups --------------------------------------------------------------------------------


def _day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, day_start.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), day_start.min, tzinfo=zone)


def daily_rollups_recompute(*, shop: ShopConnection, days: Iterable[date] | None = None) -> int:
    """Recompute the shop's daily rollups (all days, or only ``days``) in the shop's time zone:
    one row per day for the whole shop (brand "") and one per day and brand.

    Orders counts every order, ``gmv`` sums ``total_amount`` (lines: ``sale_price``) of the
    orders that are not cancelled, ``cancelled_orders`` counts the cancelled ones. The
    aggregation runs in the database as one ``INSERT ... SELECT``.
    """
    zone = ZoneInfo(shop.time_zone or "UTC")
    tenant_id = shop.tenant_id
    orders = Order.objects.for_tenant(tenant_id).filter(shop=shop)
    lines = OrderLine.objects.for_tenant(tenant_id).filter(order__shop=shop)
    rollups = DailyRollup.objects.for_tenant(tenant_id).filter(shop=shop)
    order_day = TruncDate("create_time", tzinfo=zone)
    line_day = TruncDate("order__create_time", tzinfo=zone)
    if days is not None:
        days = sorted(set(days))
        if not days:
            return 0
        # One index range from the first day to the last, then only the listed days.
        start, end = _day_bounds(days[0], zone)[0], _day_bounds(days[-1], zone)[1]
        orders = orders.filter(create_time__gte=start, create_time__lt=end).annotate(rollup_day=order_day).filter(rollup_day__in=days)
        lines = (
            lines.filter(order__create_time__gte=start, order__create_time__lt=end)
            .annotate(rollup_day=line_day)
            .filter(rollup_day__in=days)
        )
        rollups = rollups.filter(day__in=days)

    not_cancelled, cancelled = ~Q(status=CANCELLED), Q(status=CANCELLED)
    shop_rows = (
        orders.order_by()
        .annotate(rollup_day=order_day)
        .values("rollup_day")
        .annotate(
            rollup_brand=Value(""),
            rollup_currency=Max("currency"),
            rollup_orders=Count("id"),
            rollup_units=Coalesce(Sum("units"), 0),
            rollup_gmv=Coalesce(Sum("total_amount", filter=not_cancelled), Decimal(0)),
            rollup_cancelled=Count("id", filter=cancelled),
        )
        .values_list("rollup_day", "rollup_brand", "rollup_currency", "rollup_orders", "rollup_units", "rollup_gmv", "rollup_cancelled")
    )
    brand_rows = (
        lines.order_by()
        .annotate(rollup_day=line_day, rollup_brand=F("brand"))
        .values("rollup_day", "rollup_brand")
        .annotate(
            rollup_currency=Max("currency"),
            rollup_orders=Count("order_id", distinct=True),
            rollup_units=Count("id"),
            rollup_gmv=Coalesce(Sum("sale_price", filter=~Q(order__status=CANCELLED)), Decimal(0)),
            rollup_cancelled=Count("order_id", distinct=True, filter=Q(order__status=CANCELLED)),
        )
        .values_list("rollup_day", "rollup_brand", "rollup_currency", "rollup_orders", "rollup_units", "rollup_gmv", "rollup_cancelled")
    )
    select_sql, params = shop_rows.union(brand_rows, all=True).query.sql_with_params()
    with transaction.atomic():
        rollups._raw_delete(rollups.db)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO shop_sync_dailyrollup (tenant_id, shop_id, day, brand, currency, orders, units, gmv, cancelled_orders) "
                f"SELECT %s, %s, agg.* FROM ({select_sql}) agg",
                [tenant_id, shop.pk, *params],
            )
            return cursor.rowcount


# --- Webhooks and single orders -------------------------------------------------------------

WEBHOOK_ORDER_STATUS = 1
WEBHOOK_DEAUTHORIZED = 6
WEBHOOK_AUTHORIZATION_EXPIRING = 7


def orders_refresh(*, shop: ShopConnection, order_ids: list[str]) -> PageWrite:
    """Fetch the named orders (``GET /order/202309/orders?ids=``) and write them; rollups of
    the days they fall on are recomputed."""
    order_ids = sorted({str(order_id) for order_id in order_ids if order_id})
    if not order_ids:
        return PageWrite()
    orders = TikTokShopClient(tenant=shop.tenant, shop=shop).orders_get(order_ids=order_ids)
    result = orders_page_write(shop=shop, orders=orders)
    if result.days:
        daily_rollups_recompute(shop=shop, days=result.days)
    return result


def shop_webhook_receive(*, body: bytes, signature: str) -> int:
    """Verify a platform push and act on it. Returns how many shop connections it concerned.

    The platform names the shop, not the tenant: the shop id is looked up across tenants on
    purpose (several tenants may have connected the same shop). Raises ``ApplicationError``
    401 ``invalid_signature`` or 400 ``malformed_webhook``.
    """
    expected = webhook_signature(app_key=settings.TIKTOK_SHOP_APP_KEY, app_secret=settings.TIKTOK_SHOP_APP_SECRET, body=body)
    if not hmac.compare_digest(expected.encode(), (signature or "").strip().lower().encode()):
        raise ApplicationError("Invalid webhook signature.", code="invalid_signature", status=401)
    try:
        payload = json.loads(body)
        kind, shop_id, data = int(payload["type"]), str(payload["shop_id"]), payload.get("data") or {}
        if not isinstance(data, dict):
            raise TypeError("data is not an object")
    except (ValueError, TypeError, KeyError) as exc:
        raise ApplicationError(f"Malformed webhook body: {exc}", code="malformed_webhook", status=400)

    from shop_sync.tasks import orders_refresh_task, shop_token_refresh_task

    shops = list(ShopConnection.all_tenants.filter(shop_id=shop_id))
    for shop in shops:
        if kind == WEBHOOK_ORDER_STATUS and data.get("order_id"):
            order_ids = [str(data["order_id"])]
            transaction.on_commit(
                lambda shop=shop, order_ids=order_ids: orders_refresh_task.delay(
                    tenant_id=shop.tenant_id, shop_pk=shop.pk, order_ids=order_ids
                )
            )
        elif kind == WEBHOOK_DEAUTHORIZED:
            shop_mark_needs_reauth(shop=shop, reason="The seller deauthorized the app on TikTok Shop.")
        elif kind == WEBHOOK_AUTHORIZATION_EXPIRING and shop.status == ConnectionStatus.ACTIVE:
            transaction.on_commit(lambda shop=shop: shop_token_refresh_task.delay(tenant_id=shop.tenant_id, shop_pk=shop.pk))
    return len(shops)


# --- Products -------------------------------------------------------------------------------


def products_sync(*, shop: ShopConnection) -> int:
    """Fetch the shop's products with their SKUs and upsert them (brands from the titles)."""
    client = TikTokShopClient(tenant=shop.tenant, shop=shop)
    matcher = brand_matcher(tenant=shop.tenant_id)
    page_token, synced = None, 0
    while True:
        page = client.products_search(page_token=page_token)
        with transaction.atomic():
            synced += _products_page_write(shop=shop, products=page["products"], matcher=matcher)
        page_token = page["next_page_token"]
        if not page_token or not page["products"]:
            return synced


def _products_page_write(*, shop: ShopConnection, products: list[dict], matcher: BrandMatcher) -> int:
    if not products:
        return 0
    tenant_id = shop.tenant_id
    rows = [
        Product(
            tenant_id=tenant_id,
            shop=shop,
            product_id=str(product["id"])[:32],
            title=str(product.get("title") or "")[:500],
            status=str(product.get("status") or "")[:32],
            brand=matcher.brand_for(str(product.get("title") or ""))[:100],
            create_time=from_unix(product.get("create_time")),
            update_time=from_unix(product.get("update_time")),
            raw=product,
        )
        for product in products
        if product.get("id")
    ]
    Product.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["tenant", "shop", "product_id"],
        update_fields=["title", "status", "brand", "create_time", "update_time", "raw"],
    )
    ids = dict(
        Product.objects.for_tenant(tenant_id).filter(shop=shop, product_id__in=[r.product_id for r in rows]).values_list("product_id", "id")
    )
    skus = []
    for product in products:
        for sku in product.get("skus") or []:
            if not sku.get("id") or str(product.get("id")) not in ids:
                continue
            price = sku.get("price") or {}
            skus.append(
                Sku(
                    tenant_id=tenant_id,
                    product_id=ids[str(product["id"])],
                    sku_id=str(sku["id"])[:32],
                    seller_sku=str(sku.get("seller_sku") or "")[:100],
                    name=str(sku.get("name") or sku.get("seller_sku") or "")[:200],
                    currency=str(price.get("currency") or shop.currency or "")[:3],
                    sale_price=Decimal(_money(price.get("sale_price"))),
                    inventory_quantity=sum(_int(stock.get("quantity")) for stock in sku.get("inventory") or []),
                )
            )
    Sku.objects.bulk_create(
        skus,
        update_conflicts=True,
        unique_fields=["tenant", "product", "sku_id"],
        update_fields=["seller_sku", "name", "currency", "sale_price", "inventory_quantity"],
    )
    return len(rows)
