"""Status rollups: every page write keeps them equal to a scan of the orders, and order
statistics and status breakdowns read them (same figures as the scan) when the filters allow."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection

from shop_sync.models import DailyStatusRollup, Order, ShopSyncState
from shop_sync.selectors import OrderFilters, order_stats, order_status_breakdown, status_rollups_for
from shop_sync.services import order_status_rollups_rebuild, order_write, orders_page_write
from tests.shop_sync.order_payloads import platform_order, ts


@pytest.fixture(params=["native", "portable"])
def write_path(request, monkeypatch):
    if request.param == "portable":
        monkeypatch.setattr(order_write, "_write_postgresql", order_write._write_portable)
    elif connection.vendor != "postgresql":
        pytest.skip("the one-statement upsert needs PostgreSQL")
    return request.param


def rollup_rows(tenant, shop) -> dict:
    rows = DailyStatusRollup.objects.for_tenant(tenant).filter(shop=shop).values_list("day", "status", "currency", "orders", "total_amount")
    return {(day, status, currency): (orders, total) for day, status, currency, orders, total in rows if orders}


def scanned_rows(tenant, shop) -> dict:
    """The rollups computed in Python from the stored orders, days in the shop's zone."""
    zone = ZoneInfo(shop.time_zone)
    totals = defaultdict(lambda: [0, Decimal("0")])
    for created, status, currency, amount in (
        Order.objects.for_tenant(tenant).filter(shop=shop).values_list("create_time", "status", "currency", "total_amount")
    ):
        entry = totals[(created.astimezone(zone).date(), status, currency)]
        entry[0] += 1
        entry[1] += amount
    return {key: (orders, total) for key, (orders, total) in totals.items()}


def test_every_write_moves_the_status_rollups_with_the_orders(tenant_a, shop_a, write_path):
    assert order_status_rollups_rebuild(shop=shop_a) == 0
    late_evening = ts(2026, 10, 1, 16, 30)  # 00:30 on the 2nd in Kuala Lumpur
    page = [
        platform_order("5001", create_time=ts(2026, 10, 1, 8), update_time=ts(2026, 10, 1, 9), lines=(("A - one", "10.00"),)),
        platform_order("5002", create_time=late_evening, status="CANCELLED", lines=(("A - one", "7.50"), ("B - two", "2.25"))),
        platform_order("5003", create_time=late_evening + 60, shipping="4.50", lines=(("B - two", "3.00"),)),
    ]
    steps = [
        page,
        page,  # read twice: nothing moves
        [
            # newer: moves from AWAITING_SHIPMENT to COMPLETED with another total
            platform_order("5001", create_time=ts(2026, 10, 1, 8), update_time=ts(2026, 10, 3), status="COMPLETED", total="11.00"),
            # older than stored: ignored
            platform_order("5002", create_time=late_evening, update_time=late_evening - 5, status="DELIVERED"),
            platform_order("5004", create_time=ts(2026, 10, 2, 3), lines=(("C - three", "99.99"),)),
        ],
        # same update time, other content: replaced
        [platform_order("5003", create_time=late_evening + 60, status="IN_TRANSIT", shipping="4.50", lines=(("B - two", "3.00"),))],
    ]
    for orders in steps:
        orders_page_write(shop=shop_a, orders=orders)
        assert rollup_rows(tenant_a, shop_a) == scanned_rows(tenant_a, shop_a)

    assert rollup_rows(tenant_a, shop_a) == {
        (date(2026, 10, 1), "COMPLETED", "MYR"): (1, Decimal("11.00")),
        (date(2026, 10, 2), "CANCELLED", "MYR"): (1, Decimal("9.75")),
        (date(2026, 10, 2), "IN_TRANSIT", "MYR"): (1, Decimal("7.50")),
        (date(2026, 10, 2), "AWAITING_SHIPMENT", "MYR"): (1, Decimal("99.99")),
    }


def scan_only(monkeypatch):
    monkeypatch.setattr("shop_sync.selectors.stats.status_rollups_for", lambda tenant, filters: None)


def test_statistics_and_breakdown_from_rollups_equal_the_scan(tenant_a, shop_a, write_path, monkeypatch):
    orders_page_write(shop=shop_a, orders=[platform_order("6000", create_time=ts(2026, 9, 30, 12))])  # before the rollups: rebuilt
    order_status_rollups_rebuild(shop=shop_a)
    statuses = ["COMPLETED", "COMPLETED", "CANCELLED", "DELIVERED", "AWAITING_SHIPMENT", "COMPLETED", "UNPAID"]
    orders_page_write(
        shop=shop_a,
        orders=[
            platform_order(
                f"60{n:02d}",
                create_time=ts(2026, 10, 1 + n % 9, (n * 5) % 24),
                status=statuses[n % len(statuses)],
                lines=(("A - one", f"{10 + n}.{n:02d}"),) * (1 + n % 3),
                shipping="1.10",
            )
            for n in range(1, 40)
        ],
    )
    filter_sets = [
        OrderFilters(),
        OrderFilters(shop=shop_a),
        OrderFilters(status="COMPLETED"),
        OrderFilters(status="CANCELLED", date_from=date(2026, 10, 3)),
        OrderFilters(date_from=date(2026, 10, 2), date_to=date(2026, 10, 6)),
        OrderFilters(shop=shop_a, date_to=date(2026, 10, 1)),
        OrderFilters(date_from=date(2027, 1, 1)),  # nothing
    ]
    from_rollups = []
    for filters in filter_sets:
        assert status_rollups_for(tenant_a, filters) is not None
        cache.clear()
        from_rollups.append((order_stats(tenant_a, filters), order_status_breakdown(tenant_a, filters)))
    scan_only(monkeypatch)
    for filters, answer in zip(filter_sets, from_rollups, strict=True):
        cache.clear()
        assert answer == (order_stats(tenant_a, filters), order_status_breakdown(tenant_a, filters)), filters
    assert from_rollups[0][0].total_orders == 40
    assert from_rollups[-1][0].total_orders == 0


def test_filters_rollups_cannot_answer_and_unbuilt_rollups_scan(tenant_a, shop_a):
    orders_page_write(shop=shop_a, orders=[platform_order("7001", create_time=ts(2026, 10, 1, 8))])
    assert status_rollups_for(tenant_a, OrderFilters()) is None  # never built for this shop
    order_status_rollups_rebuild(shop=shop_a)
    assert ShopSyncState.objects.for_tenant(tenant_a).get(shop=shop_a).status_rollups_ready
    assert status_rollups_for(tenant_a, OrderFilters()) is not None
    for filters in (OrderFilters(brand="A"), OrderFilters(product="Serum"), OrderFilters(order_id="7001")):
        assert status_rollups_for(tenant_a, filters) is None
    cache.clear()
    assert order_stats(tenant_a, OrderFilters(order_id="7001")).total_orders == 1
