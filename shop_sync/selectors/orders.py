"""Order filters, the orders list, one order with its lines, and the orders export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from core.exceptions import NotFound
from core.models import Tenant
from shop_sync.errors import ShopSyncError
from shop_sync.models import Order, OrderLine, ShopConnection
from shop_sync.selectors.common import zone
from shop_sync.selectors.shops import ORDER_LIST_DEFERRED, shops_for_tenant

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
ORDERS_PAGE_SIZE = 50


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
        raise NotFound("No such order in this tenant.", code=ShopSyncError.ORDER_NOT_FOUND)
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


def order_line_groups(order: Order) -> list[dict]:
    """The order's lines grouped by SKU and price: the platform sends one line per unit, an
    analyst reads quantity × unit price."""
    rows = (
        OrderLine.objects.for_tenant(order.tenant_id)
        .filter(order=order)
        .values("product_id", "product_name", "sku_id", "sku_name", "seller_sku", "brand", "currency", "sale_price", "original_price")
        .annotate(quantity=Count("id"), line_total=Sum("sale_price"), discounts=Sum(F("seller_discount") + F("platform_discount")))
        .order_by("product_name", "sku_id", "-sale_price")
    )
    return list(rows)


def order_timeline(order: Order) -> list[dict]:
    """What the sync stores of an order's life: created, paid, and its current status as of the
    last update (the platform's order search carries no shipping or delivery times)."""
    steps = [{"key": "created", "label": "Created", "at": order.create_time}]
    if order.paid_time:
        steps.append({"key": "paid", "label": "Paid", "at": order.paid_time})
    if order.update_time and order.update_time != order.create_time:
        steps.append({"key": "status", "status": order.status, "at": order.update_time})
    return steps
