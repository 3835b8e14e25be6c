"""Order statistics and status breakdowns: from the status rollups when the filters allow, else a scan; cached while the orders are unchanged."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from core.models import Tenant
from core.money import money_quantize
from shop_sync.models import DailyStatusRollup, Order, ShopConnection, ShopSyncState
from shop_sync.selectors.common import CANCELLED, ZERO, _ratio
from shop_sync.selectors.orders import OrderFilters, orders_filtered

AGGREGATE_CACHE_SECONDS = 600


# --- Order statistics ---------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyTotals:
    currency: str
    orders: int
    cancelled_orders: int
    gmv: Decimal
    average_order_value: Decimal


@dataclass(frozen=True)
class OrderStats:
    total_orders: int
    by_currency: list[CurrencyTotals]


def order_stats(tenant: Tenant, filters: OrderFilters) -> OrderStats:
    """Total orders, GMV and average order value over the filtered set, money per currency.

    GMV sums the totals of the orders that are not cancelled (as the daily rollups do); the
    average is over those orders. Cached until the tenant's orders change."""

    def compute() -> OrderStats:
        not_cancelled = ~Q(status=CANCELLED)
        rollups = status_rollups_for(tenant, filters)
        if rollups is not None:
            # (Annotations can't reuse the field name "orders".)
            rows = [
                {**row, "orders": row["order_count"]}
                for row in rollups.order_by()
                .values("currency")
                .annotate(
                    order_count=Sum("orders"),
                    cancelled=Coalesce(Sum("orders", filter=Q(status=CANCELLED)), 0),
                    gmv=Sum("total_amount", filter=not_cancelled),
                )
                .filter(order_count__gt=0)
                .order_by("currency")
            ]
        else:
            rows = (
                orders_filtered(tenant, filters)
                .order_by()
                .values("currency")
                .annotate(
                    orders=Count("id"),
                    cancelled=Count("id", filter=Q(status=CANCELLED)),
                    gmv=Sum("total_amount", filter=not_cancelled),
                )
                .order_by("currency")
            )
        by_currency = [
            CurrencyTotals(
                currency=row["currency"],
                orders=row["orders"],
                cancelled_orders=row["cancelled"],
                gmv=money_quantize(row["gmv"]),
                average_order_value=_ratio(row["gmv"] or ZERO, row["orders"] - row["cancelled"]),
            )
            for row in rows
        ]
        return OrderStats(total_orders=sum(c.orders for c in by_currency), by_currency=by_currency)

    return _cached_while_orders_unchanged(tenant, "stats", filters, compute)


@dataclass(frozen=True)
class StatusCount:
    status: str
    orders: int
    percent: float


def order_status_breakdown(tenant: Tenant, filters: OrderFilters) -> list[StatusCount]:
    """Orders per status, most frequent first. Cached until the tenant's orders change."""

    def compute() -> list[StatusCount]:
        rollups = status_rollups_for(tenant, filters)
        if rollups is not None:
            counts = rollups.order_by().values_list("status").annotate(n=Sum("orders")).filter(n__gt=0)
        else:
            counts = orders_filtered(tenant, filters).order_by().values_list("status").annotate(n=Count("id"))
        rows = list(counts.order_by("-n", "status"))
        total = sum(n for _, n in rows)
        return [StatusCount(status, n, round(n * 100 / total, 1) if total else 0.0) for status, n in rows]

    return _cached_while_orders_unchanged(tenant, "status-breakdown", filters, compute)


def status_rollups_for(tenant: Tenant, filters: OrderFilters) -> QuerySet[DailyStatusRollup] | None:
    """The status rollups that add up to exactly what a scan of the filtered orders would give,
    or None when only a scan can answer: an order id, brand or product filter, or a shop whose
    rollups were never built (``ShopSyncState.status_rollups_ready``)."""
    if filters.order_id or filters.brand or filters.product:
        return None
    shop_ids = [filters.shop.pk] if filters.shop else list(ShopConnection.objects.for_tenant(tenant).values_list("pk", flat=True))
    ready = ShopSyncState.objects.for_tenant(tenant).filter(shop_id__in=shop_ids, status_rollups_ready=True).count()
    if ready != len(shop_ids):
        return None
    rollups = DailyStatusRollup.objects.for_tenant(tenant)
    if filters.shop:
        rollups = rollups.filter(shop=filters.shop)
    if filters.status:
        rollups = rollups.filter(status=filters.status)
    # Rollup days are days in each shop's zone, as the scan's date filter is.
    if filters.date_from:
        rollups = rollups.filter(day__gte=filters.date_from)
    if filters.date_to:
        rollups = rollups.filter(day__lte=filters.date_to)
    return rollups


def orders_version(tenant: Tenant) -> str:
    """The latest write to the tenant's orders (every sync write stamps ``synced_at``): one
    index lookup that changes whenever an order is created or replaced."""
    latest = Order.objects.for_tenant(tenant).order_by("-synced_at").values_list("synced_at", flat=True).first()
    return latest.isoformat() if latest else "none"


def _cached_while_orders_unchanged(tenant: Tenant, name: str, filters: OrderFilters, compute):
    """Aggregates over a whole order history take a scan; a dashboard asks for the same ones
    again and again between syncs, so they are cached under the orders' version."""
    shop_pk = filters.shop.pk if filters.shop else None
    identity = (
        tenant.pk,
        name,
        shop_pk,
        filters.order_id,
        filters.status,
        filters.brand,
        filters.product,
        filters.date_from,
        filters.date_to,
    )
    digest = hashlib.sha256(repr((identity, orders_version(tenant))).encode()).hexdigest()
    key = f"shop_sync:orders:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, AGGREGATE_CACHE_SECONDS)
    return value


# --- Status mix over time -----------------------------------------------------------------


@dataclass(frozen=True)
class StatusMix:
    days: list[date]
    statuses: list[str]  # most orders first
    counts: dict[str, list[int]]  # per status: orders per day, aligned with ``days``


def order_status_mix(tenant: Tenant, *, start: date, end: date, shop: ShopConnection | None = None) -> StatusMix | None:
    """Orders per day and status (days in each shop's zone), from the status rollups in one
    grouped query; None while a shop's rollups are not built yet (a scan would be the price)."""
    rollups = status_rollups_for(tenant, OrderFilters(shop=shop, date_from=start, date_to=end))
    if rollups is None:
        return None
    rows = rollups.order_by().values_list("day", "status").annotate(n=Sum("orders")).filter(n__gt=0)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    index = {day: n for n, day in enumerate(days)}
    counts: dict[str, list[int]] = {}
    for day, status, n in rows:
        counts.setdefault(status, [0] * len(days))[index[day]] += n
    statuses = sorted(counts, key=lambda status: (-sum(counts[status]), status))
    return StatusMix(days=days, statuses=statuses, counts={status: counts[status] for status in statuses})
