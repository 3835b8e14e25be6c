"""The shop's daily status rollups (order statistics) and daily rollups (KPIs, brands)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from datetime import time as day_start
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from core.timezones import zone_or_utc
from shop_sync.models import DailyRollup, DailyStatusRollup, Order, OrderLine, ShopConnection, ShopSyncState
from shop_sync.services.common import _SHOP_WRITE_LOCK, _zone_name

CANCELLED = "CANCELLED"


# --- Status rollups -------------------------------------------------------------------------


def _status_rollups_recompute(*, shop: ShopConnection, zone_name: str, days: Iterable[date] | None) -> None:
    """Rebuild the shop's status rollups (all days, or only ``days``) from its orders."""
    zone = zone_or_utc(zone_name)
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
    zone = zone_or_utc(shop.time_zone)
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
