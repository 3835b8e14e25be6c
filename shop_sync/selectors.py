"""Reads of TikTok Shop data for pages, the API and exports.

Every selector takes the tenant explicitly and answers with a bounded number of queries: totals
are SQL aggregates (grouped by currency, since MYR and IDR never add up), never Python loops over
orders. KPIs, trends and brands read ``DailyRollup``, so a dashboard never scans orders.

Dates given by users are days in the shop's time zone; with several shops in different zones a
day range becomes one time range per zone.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.cache import cache
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core.exceptions import ApplicationError, NotFound
from core.models import SyncRun, Tenant
from core.selectors import sync_run_progress
from shop_sync.models import ConnectionStatus, DailyRollup, DailyStatusRollup, Order, OrderLine, Product, ShopConnection, ShopSyncState, Sku

ORDER_STATUSES = (
    "UNPAID",
    "ON_HOLD",
    "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING",
    "AWAITING_COLLECTION",
    "IN_TRANSIT",
    "DELIVERED",
    "COMPLETED",
    "CANCELLED",
)
SYNC_KIND_FULL = "shop_sync.orders_full"
SYNC_KIND_INCREMENTAL = "shop_sync.orders_incremental"
SYNC_KINDS = (SYNC_KIND_FULL, SYNC_KIND_INCREMENTAL)
CANCELLED = "CANCELLED"
ORDERS_PAGE_SIZE = 50
AGGREGATE_CACHE_SECONDS = 600
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The named zone; UTC for an empty or unknown name, so one bad row never breaks a page."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def shop_target(shop: ShopConnection) -> str:
    return f"shop:{shop.pk}"


def _money(value) -> Decimal:
    return (value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(numerator: Decimal, denominator: int) -> Decimal:
    return _money(numerator / denominator) if denominator else ZERO


def _change(current, previous) -> dict:
    """Delta and percentage of ``current`` against ``previous``; no percentage from zero."""
    delta = current - previous
    percent = None
    if previous:
        percent = float((Decimal(delta) / Decimal(previous) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return {"current": current, "previous": previous, "delta": delta, "percent": percent}


# --- Shops --------------------------------------------------------------------------------


# Reads never need the tokens: leaving them out spares a decryption per shop and keeps secrets
# out of every page's memory.
SHOP_SECRETS = ("access_token", "refresh_token")
ORDER_LIST_DEFERRED = ("content_hash", *(f"shop__{name}" for name in SHOP_SECRETS))


def shops_for_tenant(tenant: Tenant) -> QuerySet[ShopConnection]:
    return ShopConnection.objects.for_tenant(tenant).defer(*SHOP_SECRETS).order_by("name", "id")


def shop_get(tenant: Tenant, *, shop_id: str) -> ShopConnection:
    """The tenant's shop with the platform's ``shop_id``; another tenant's is the same 404 as a
    missing one."""
    shop = shops_for_tenant(tenant).filter(shop_id=shop_id).first()
    if shop is None:
        raise NotFound("No such shop in this tenant.", code="shop_not_found")
    return shop


def shop_resolve_for_sync(tenant: Tenant, *, shop_id: str | None) -> ShopConnection:
    """The shop a sync request means: the named one, else the tenant's only active shop. With
    several active shops the caller must say which (400), so a sync never starts on a guess."""
    if shop_id:
        return shop_get(tenant, shop_id=shop_id)
    active = list(shops_for_tenant(tenant).filter(status=ConnectionStatus.ACTIVE)[:50])
    if not active:
        raise ApplicationError("Connect a TikTok Shop first: this tenant has no active shop.", code="no_shop", status=400)
    if len(active) > 1:
        ids = ", ".join(shop.shop_id for shop in active)
        raise ApplicationError(
            f"This tenant has {len(active)} active shops; say which one with shop_id ({ids}).",
            code="shop_required",
            extra={"fields": {"shop_id": ["Required when the tenant has several active shops."]}},
        )
    return active[0]


# --- Order filters ------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilters:
    """What the orders list, stats and status breakdown are narrowed to. Dates are days in the
    shop's time zone, both ends included."""

    shop: ShopConnection | None = None
    order_id: str = ""
    status: str = ""
    brand: str = ""
    product: str = ""  # a product id (digits) or part of a product name
    date_from: date | None = None
    date_to: date | None = None


def _day_range_q(tenant: Tenant, filters: OrderFilters) -> Q:
    """``create_time`` within [date_from, date_to] in each shop's own time zone: one range per
    zone among the shops concerned (usually one), so the create_time index still serves."""
    shops = [filters.shop] if filters.shop else list(shops_for_tenant(tenant).only("pk", "time_zone"))
    by_zone: dict[str, list[int]] = defaultdict(list)
    for shop in shops:
        by_zone[shop.time_zone or "UTC"].append(shop.pk)
    if not by_zone:
        by_zone["UTC"] = []
    condition = Q()
    for zone_name, shop_ids in by_zone.items():
        bounds = Q()
        if filters.date_from:
            bounds &= Q(create_time__gte=datetime.combine(filters.date_from, time.min, tzinfo=zone(zone_name)))
        if filters.date_to:
            bounds &= Q(create_time__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone(zone_name)))
        if len(by_zone) > 1:
            bounds &= Q(shop_id__in=shop_ids)
        condition |= bounds
    return condition


def orders_filtered(tenant: Tenant, filters: OrderFilters) -> QuerySet[Order]:
    orders = Order.objects.for_tenant(tenant)
    if filters.shop:
        orders = orders.filter(shop=filters.shop)
    if filters.order_id:
        orders = orders.filter(order_id=filters.order_id)
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.date_from or filters.date_to:
        orders = orders.filter(_day_range_q(tenant, filters))
    if filters.brand:
        # ``brands`` holds the order's line brands, sorted and comma-separated: match one whole
        # entry of that list, without touching the lines.
        brand = filters.brand
        orders = orders.filter(
            Q(brands=brand) | Q(brands__startswith=f"{brand},") | Q(brands__endswith=f",{brand}") | Q(brands__contains=f",{brand},")
        )
    lines = OrderLine.objects.for_tenant(tenant).filter(order=OuterRef("pk"))
    if filters.product:
        if filters.product.isdigit():
            orders = orders.filter(Exists(lines.filter(product_id=filters.product)))
        else:
            orders = orders.filter(Exists(lines.filter(product_name__icontains=filters.product)))
    return orders


def orders_list(tenant: Tenant, filters: OrderFilters) -> QuerySet[Order]:
    """Newest first; the id breaks ties so pages never overlap or skip."""
    return orders_filtered(tenant, filters).select_related("shop").defer(*ORDER_LIST_DEFERRED).order_by("-create_time", "-id")


def order_get(tenant: Tenant, *, order_id: str) -> Order:
    order = (
        Order.objects.for_tenant(tenant)
        .select_related("shop")
        .defer(*ORDER_LIST_DEFERRED)
        .filter(order_id=order_id)
        .order_by("shop_id")
        .first()
    )
    if order is None:
        raise NotFound("No such order in this tenant.", code="order_not_found")
    return order


def order_lines(order: Order) -> QuerySet[OrderLine]:
    return OrderLine.objects.for_tenant(order.tenant_id).filter(order=order).order_by("line_id")


def orders_export_rows(tenant: Tenant, filters: OrderFilters):
    """Rows for the orders export, streamed from a server-side cursor; times in each order's
    shop's time zone."""
    header = (
        "shop_id",
        "order_id",
        "status",
        "create_time",
        "update_time",
        "paid_time",
        "currency",
        "total_amount",
        "sub_total",
        "shipping_fee",
        "seller_discount",
        "platform_discount",
        "tax",
        "units",
        "brands",
        "recipient_region",
    )
    # The same columns read through the shop, plus its zone to localise the times.
    columns = ("shop__shop_id", *header[1:], "shop__time_zone")
    rows = orders_filtered(tenant, filters).order_by("-create_time", "-id").values_list(*columns).iterator(chunk_size=2000)

    def localized():
        for row in rows:
            shop_zone = zone(row[-1])
            yield tuple(value.astimezone(shop_zone) if isinstance(value, datetime) else value for value in row[:-1])

    return header, localized()


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
                gmv=_money(row["gmv"]),
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


# --- Products -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Days ``start``..``end`` (both included) and the equal period just before them."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


def period_ending(end: date, days: int) -> Period:
    return Period(end - timedelta(days=days - 1), end)


def today_for(tenant: Tenant, shop: ShopConnection | None = None) -> date:
    """Today in the shop's time zone, or the tenant's when no shop is chosen."""
    name = shop.time_zone if shop else tenant.time_zone
    return timezone.now().astimezone(zone(name)).date()


# GMV ranks within a currency (MYR and IDR amounts don't compare); units compare across shops.
PRODUCT_ORDERINGS = {"gmv": ("currency", "-gmv", "-units", "product_id"), "units": ("-units", "currency", "-gmv", "product_id")}


def _lines_in_period(tenant: Tenant, *, shop: ShopConnection | None, period: Period) -> QuerySet[OrderLine]:
    """Lines sold in the period: lines of orders created in it and not cancelled."""
    filters = OrderFilters(shop=shop, date_from=period.start, date_to=period.end)
    sold = orders_filtered(tenant, filters).exclude(status=CANCELLED)
    return OrderLine.objects.for_tenant(tenant).filter(order__in=sold.values("pk"))


def products_ranking(tenant: Tenant, *, period: Period, shop: ShopConnection | None = None, order_by: str = "gmv", brand: str = ""):
    """Products ranked by GMV or units sold in the period (units = line items, one per unit),
    per currency. Rows: product_id, product_name, brand, currency, units, orders, gmv."""
    lines = _lines_in_period(tenant, shop=shop, period=period)
    if brand:
        lines = lines.filter(brand=brand)
    return (
        lines.order_by()
        .values("product_id", "currency")
        .annotate(
            product_name=Max("product_name"),
            brand=Max("brand"),
            units=Count("id"),
            orders=Count("order_id", distinct=True),
            gmv=Sum("sale_price"),
        )
        .order_by(*PRODUCT_ORDERINGS[order_by])
    )


def skus_ranking(tenant: Tenant, *, period: Period, shop: ShopConnection | None = None, product_id: str = "", order_by: str = "gmv"):
    """SKU level: the same figures per SKU. Rows: product_id, sku_id, seller_sku, sku_name,
    product_name, currency, units, orders, gmv."""
    lines = _lines_in_period(tenant, shop=shop, period=period)
    if product_id:
        lines = lines.filter(product_id=product_id)
    ordering = tuple(column.replace("product_id", "sku_id") for column in PRODUCT_ORDERINGS[order_by])
    return (
        lines.order_by()
        .values("product_id", "sku_id", "currency")
        .annotate(
            seller_sku=Max("seller_sku"),
            sku_name=Max("sku_name"),
            product_name=Max("product_name"),
            units=Count("id"),
            orders=Count("order_id", distinct=True),
            gmv=Sum("sale_price"),
        )
        .order_by(*ordering)
    )


def products_catalog(tenant: Tenant, *, product_ids) -> dict[str, Product]:
    """Catalog rows (title, status, brand) of the given product ids, in one query."""
    return {
        p.product_id: p for p in Product.objects.for_tenant(tenant).filter(product_id__in=list(product_ids)).order_by("product_id", "pk")
    }


@dataclass
class ProductAnalytics:
    product_id: str
    product_name: str
    brand: str
    catalog: Product | None
    period: Period
    totals: list[dict]  # per currency: units, orders, gmv, average_unit_price
    previous_totals: list[dict]
    skus: list[dict]
    daily: list[dict] = field(default_factory=list)  # per day and currency: units, gmv
    catalog_skus: list[Sku] = field(default_factory=list)


def product_analytics(tenant: Tenant, *, product_id: str, period: Period, shop: ShopConnection | None = None) -> ProductAnalytics:
    """One product over the period: totals against the previous period, SKUs and a daily series
    (days in the shop's time zone)."""
    catalog = (
        Product.objects.for_tenant(tenant)
        .select_related("shop")
        .defer("raw", *(f"shop__{name}" for name in SHOP_SECRETS))
        .filter(product_id=product_id)
        .order_by("pk")
        .first()
    )
    any_line = OrderLine.objects.for_tenant(tenant).filter(product_id=product_id).values("product_name", "brand").first()
    if catalog is None and any_line is None:
        raise NotFound("No such product in this tenant.", code="product_not_found")

    def totals(p: Period) -> list[dict]:
        rows = (
            _lines_in_period(tenant, shop=shop, period=p)
            .filter(product_id=product_id)
            .order_by()
            .values("currency")
            .annotate(units=Count("id"), orders=Count("order_id", distinct=True), gmv=Sum("sale_price"))
            .order_by("currency")
        )
        return [{**row, "gmv": _money(row["gmv"]), "average_unit_price": _ratio(row["gmv"] or ZERO, row["units"])} for row in rows]

    zone_name = shop.time_zone if shop else (catalog.shop.time_zone if catalog else tenant.time_zone)
    daily_rows = (
        _lines_in_period(tenant, shop=shop, period=period)
        .filter(product_id=product_id)
        .annotate(day=TruncDate("order__create_time", tzinfo=zone(zone_name)))
        .order_by()
        .values("day", "currency")
        .annotate(units=Count("id"), gmv=Sum("sale_price"))
        .order_by("day", "currency")
    )
    return ProductAnalytics(
        product_id=product_id,
        product_name=catalog.title if catalog else any_line["product_name"],
        brand=(catalog.brand if catalog else "") or (any_line or {}).get("brand", ""),
        catalog=catalog,
        period=period,
        totals=totals(period),
        previous_totals=totals(period.previous),
        skus=[{**row, "gmv": _money(row["gmv"])} for row in skus_ranking(tenant, period=period, shop=shop, product_id=product_id)],
        daily=[{**row, "gmv": _money(row["gmv"])} for row in daily_rows],
        catalog_skus=list(Sku.objects.for_tenant(tenant).filter(product=catalog).order_by("seller_sku", "sku_id")) if catalog else [],
    )


# --- KPIs from daily rollups --------------------------------------------------------------


def _rollups(tenant: Tenant, *, shop: ShopConnection | None, start: date, end: date, whole_shop: bool = True) -> QuerySet[DailyRollup]:
    rollups = DailyRollup.objects.for_tenant(tenant).filter(day__gte=start, day__lte=end)
    rollups = rollups.filter(brand="") if whole_shop else rollups.exclude(brand="")
    if shop:
        rollups = rollups.filter(shop=shop)
    return rollups


@dataclass(frozen=True)
class KpiTotals:
    currency: str
    orders: int
    units: int
    gmv: Decimal
    cancelled_orders: int
    average_order_value: Decimal


def _kpi_totals(rows) -> dict[str, KpiTotals]:
    return {
        row["currency"]: KpiTotals(
            currency=row["currency"],
            orders=row["orders"],
            units=row["units"],
            gmv=_money(row["gmv"]),
            cancelled_orders=row["cancelled"],
            average_order_value=_ratio(row["gmv"] or ZERO, row["orders"] - row["cancelled"]),
        )
        for row in rows
    }


@dataclass
class KpiSummary:
    period: Period
    previous_period: Period
    currencies: list[str]
    totals: dict[str, KpiTotals]  # this period, per currency
    previous_totals: dict[str, KpiTotals]
    comparison: dict[str, dict]  # per currency: orders, units, gmv, average_order_value -> _change
    trend: list[dict]  # per day: {"day", "orders", "units", "by_currency": {cur: {"orders","units","gmv"}}}
    total_orders: int
    previous_total_orders: int


def kpi_summary(tenant: Tenant, *, period: Period, shop: ShopConnection | None = None) -> KpiSummary:
    """KPI cards, the daily trend and this period against the previous equal period, all read
    from the shop-level rollups (two grouped queries)."""
    previous = period.previous
    sums = {"orders": Sum("orders"), "units": Sum("units"), "gmv": Sum("gmv"), "cancelled": Sum("cancelled_orders")}
    period_rows = (
        _rollups(tenant, shop=shop, start=previous.start, end=period.end)
        .annotate(current=ExpressionWrapper(Q(day__gte=period.start), output_field=BooleanField()))
        .order_by()
        .values("current", "currency")
        .annotate(**sums)
    )
    current_rows = [row for row in period_rows if row["current"]]
    previous_rows = [row for row in period_rows if not row["current"]]
    totals, previous_totals = _kpi_totals(current_rows), _kpi_totals(previous_rows)
    currencies = sorted(set(totals) | set(previous_totals))
    empty = KpiTotals("", 0, 0, ZERO, 0, ZERO)
    comparison = {}
    for currency in currencies:
        now, before = totals.get(currency, empty), previous_totals.get(currency, empty)
        comparison[currency] = {
            name: _change(getattr(now, name), getattr(before, name))
            for name in ("orders", "units", "gmv", "average_order_value", "cancelled_orders")
        }

    daily = (
        _rollups(tenant, shop=shop, start=period.start, end=period.end)
        .order_by()
        .values("day", "currency")
        .annotate(orders=Sum("orders"), units=Sum("units"), gmv=Sum("gmv"))
        .order_by("day", "currency")
    )
    by_day: dict[date, dict] = {
        day: {"day": day, "orders": 0, "units": 0, "by_currency": {c: {"orders": 0, "units": 0, "gmv": ZERO} for c in currencies}}
        for day in period.dates()
    }
    for row in daily:
        entry = by_day[row["day"]]
        entry["orders"] += row["orders"]
        entry["units"] += row["units"]
        entry["by_currency"][row["currency"]] = {"orders": row["orders"], "units": row["units"], "gmv": _money(row["gmv"])}
    return KpiSummary(
        period=period,
        previous_period=previous,
        currencies=currencies,
        totals=totals,
        previous_totals=previous_totals,
        comparison=comparison,
        trend=list(by_day.values()),
        total_orders=sum(t.orders for t in totals.values()),
        previous_total_orders=sum(t.orders for t in previous_totals.values()),
    )


# --- Brands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrandRow:
    brand: str
    currency: str
    orders: int
    units: int
    gmv: Decimal
    gmv_share: float  # percent of the currency's brand GMV in the period
    previous_orders: int
    previous_gmv: Decimal
    gmv_change: dict
    orders_change: dict


def brand_breakdown(tenant: Tenant, *, period: Period, shop: ShopConnection | None = None) -> list[BrandRow]:
    """Brands in the period with their share of GMV (per currency) and the comparison with the
    previous equal period; read from the brand rollups in one grouped query."""
    rows = (
        _rollups(tenant, shop=shop, start=period.previous.start, end=period.end, whole_shop=False)
        .annotate(current=ExpressionWrapper(Q(day__gte=period.start), output_field=BooleanField()))
        .order_by()
        .values("brand", "currency", "current")
        .annotate(orders=Sum("orders"), units=Sum("units"), gmv=Sum("gmv"))
    )
    figures: dict[tuple[str, str], dict] = defaultdict(lambda: {"now": None, "before": None})
    for row in rows:
        figures[(row["brand"], row["currency"])]["now" if row["current"] else "before"] = row
    gmv_per_currency: dict[str, Decimal] = defaultdict(Decimal)
    for (_, currency), pair in figures.items():
        if pair["now"]:
            gmv_per_currency[currency] += pair["now"]["gmv"] or ZERO
    result = []
    for (brand, currency), pair in figures.items():
        now = pair["now"] or {"orders": 0, "units": 0, "gmv": ZERO}
        before = pair["before"] or {"orders": 0, "units": 0, "gmv": ZERO}
        gmv, previous_gmv = _money(now["gmv"]), _money(before["gmv"])
        total = gmv_per_currency[currency]
        result.append(
            BrandRow(
                brand=brand,
                currency=currency,
                orders=now["orders"],
                units=now["units"],
                gmv=gmv,
                gmv_share=float((gmv / total * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) if total else 0.0,
                previous_orders=before["orders"],
                previous_gmv=previous_gmv,
                gmv_change=_change(gmv, previous_gmv),
                orders_change=_change(now["orders"], before["orders"]),
            )
        )
    result.sort(key=lambda row: (row.currency, -row.gmv, row.brand))
    return result


def brands_for_tenant(tenant: Tenant) -> list[str]:
    """Brand names present in the rollups, for filter choices."""
    return list(DailyRollup.objects.for_tenant(tenant).exclude(brand="").order_by("brand").values_list("brand", flat=True).distinct())


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
