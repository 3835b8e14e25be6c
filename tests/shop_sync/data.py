"""Shops, orders, lines, products and rollups written straight through the ORM, so read tests
don't depend on the sync: each helper names only what a test cares about."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from shop_sync.models import ConnectionStatus, DailyRollup, Order, OrderLine, Product, ShopConnection, ShopSyncState, Sku

_serial = itertools.count(1)


def make_shop(
    tenant,
    *,
    shop_id: str | None = None,
    name: str = "Demo Shop MY",
    currency: str = "MYR",
    time_zone: str = "Asia/Kuala_Lumpur",
    status: str = ConnectionStatus.ACTIVE,
    **fields,
) -> ShopConnection:
    n = next(_serial)
    far = timezone.now() + timedelta(days=7)
    return ShopConnection.all_tenants.create(
        tenant=tenant,
        shop_id=shop_id or f"74940000{n:05d}",
        name=name,
        region=fields.pop("region", "MY"),
        cipher=f"cipher-{n}",
        currency=currency,
        time_zone=time_zone,
        access_token=f"access-{n}",
        access_token_expires_at=far,
        refresh_token=f"refresh-{n}",
        refresh_token_expires_at=far + timedelta(days=300),
        status=status,
        **fields,
    )


def local(shop: ShopConnection, *args) -> datetime:
    """A wall-clock time in the shop's time zone: ``local(shop, 2026, 3, 1, 23, 30)``."""
    return datetime(*args, tzinfo=ZoneInfo(shop.time_zone))


def make_order(
    shop: ShopConnection,
    *,
    created: datetime,
    total: str | Decimal = "100.00",
    status: str = "COMPLETED",
    order_id: str | None = None,
    lines: list[dict] | None = None,
    currency: str | None = None,
    **fields,
) -> Order:
    """An order with ``lines`` (dicts with product_id, product_name, sku_id, brand, sale_price);
    one line of the whole total by default. ``units`` and ``brands`` follow the lines."""
    n = next(_serial)
    currency = currency or shop.currency
    lines = lines if lines is not None else [{"sale_price": total}]
    brands = sorted({line.get("brand", "Other") for line in lines})
    order = Order.all_tenants.create(
        tenant_id=shop.tenant_id,
        shop=shop,
        order_id=order_id or f"5766{n:011d}",
        status=status,
        create_time=created,
        update_time=fields.pop("updated", created + timedelta(minutes=5)),
        currency=currency,
        total_amount=Decimal(str(total)),
        sub_total=Decimal(str(total)),
        units=len(lines),
        brands=",".join(brands),
        **fields,
    )
    OrderLine.all_tenants.bulk_create(
        [
            OrderLine(
                tenant_id=shop.tenant_id,
                order=order,
                line_id=f"{order.order_id}-{i}",
                product_id=line.get("product_id", "1729000999"),
                product_name=line.get("product_name", "Plain Tee"),
                sku_id=line.get("sku_id", "1729100999"),
                sku_name=line.get("sku_name", "M"),
                seller_sku=line.get("seller_sku", "TEE-M"),
                brand=line.get("brand", "Other"),
                currency=currency,
                sale_price=Decimal(str(line["sale_price"])),
                original_price=Decimal(str(line.get("original_price", line["sale_price"]))),
                display_status=status,
            )
            for i, line in enumerate(lines, start=1)
        ]
    )
    return order


def make_product(shop: ShopConnection, *, product_id: str, title: str, brand: str = "", status: str = "ACTIVATE", skus=()) -> Product:
    product = Product.all_tenants.create(
        tenant_id=shop.tenant_id, shop=shop, product_id=product_id, title=title, brand=brand, status=status
    )
    for sku_id, seller_sku, price in skus:
        Sku.all_tenants.create(
            tenant_id=shop.tenant_id,
            product=product,
            sku_id=sku_id,
            seller_sku=seller_sku,
            currency=shop.currency,
            sale_price=Decimal(price),
        )
    return product


def make_rollup(
    shop: ShopConnection, day: date, *, orders: int, gmv: str, units: int | None = None, cancelled: int = 0, brand: str = ""
) -> DailyRollup:
    return DailyRollup.all_tenants.create(
        tenant_id=shop.tenant_id,
        shop=shop,
        day=day,
        brand=brand,
        currency=shop.currency,
        orders=orders,
        units=orders if units is None else units,
        gmv=Decimal(gmv),
        cancelled_orders=cancelled,
    )


def make_sync_state(shop: ShopConnection, **fields) -> ShopSyncState:
    return ShopSyncState.all_tenants.create(tenant_id=shop.tenant_id, shop=shop, **fields)
