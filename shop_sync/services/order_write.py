"""The write path: one page of platform orders upserted with their lines and status rollups."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import orjson
from django.db import connection, transaction
from django.utils import timezone

from core.money import money_text
from core.timezones import zone_or_utc
from integrations.tiktok_shop import from_unix
from shop_sync.brands import OTHER_BRAND, BrandMatcher, brand_matcher
from shop_sync.models import Order, OrderLine, ShopConnection
from shop_sync.services.common import _SHOP_WRITE_LOCK, _int, _zone_name
from shop_sync.services.rollups import _status_rollups_recompute

ORDER_MONEY_FIELDS = ("total_amount", "sub_total", "shipping_fee", "seller_discount", "platform_discount", "tax")
LINE_MONEY_FIELDS = ("sale_price", "original_price", "seller_discount", "platform_discount")


# --- The write path -----------------------------------------------------------------------


@dataclass
class PageWrite:
    """What a page changed: orders written (new or replaced) and the days (shop time) they fall on."""

    written: int = 0
    inserted: int = 0
    days: set[date] = field(default_factory=set)


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
                    money_text(item.get("sale_price")),
                    money_text(item.get("original_price")),
                    money_text(item.get("seller_discount")),
                    money_text(item.get("platform_discount")),
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
            *(money_text(payment.get(name)) for name in ORDER_MONEY_FIELDS),
            _text(order.get("user_id"), 32),
            _text((order.get("recipient_address") or {}).get("region_code"), 8),
            len(lines),
            ",".join(sorted(brands))[:300],
            content_hash(order),
        )
        parsed.append(_ParsedOrder(order_id=order_id[:32], update_time=update_time, create_time=create_time, values=values, lines=lines))
    return parsed


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
    zone = zone_or_utc(zone_name)
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
            # Tenant first, as the lines' unique index leads with it.
            cursor.execute("DELETE FROM shop_sync_orderline WHERE tenant_id = %s AND order_id = ANY(%s)", [shop.tenant_id, replaced])
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
    zone = zone_or_utc(zone_name)
    days = {datetime.fromtimestamp(p.create_time, zone).date() for p in to_write}
    days |= {previous[2].astimezone(zone).date() for order_id, previous in stored.items() if order_id in ids}
    _status_rollups_recompute(shop=shop, zone_name=zone_name, days=days)
    return [(p.order_id, ids[p.order_id], p.order_id not in stored) for p in to_write]
