"""Selectors on known data: filters (dates in each shop's time zone), stats per currency, status
breakdown, products, KPIs and brands from rollups, sync status, and their query counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.exceptions import ApplicationError, NotFound
from core.models import SyncRun, SyncState
from shop_sync import selectors
from shop_sync.models import ConnectionStatus
from shop_sync.selectors import OrderFilters, Period
from tests.shop_sync.data import local, make_order, make_product, make_rollup, make_shop, make_sync_state

pytestmark = pytest.mark.django_db

GLOW = {
    "product_id": "1729000001",
    "product_name": "Glowy Vitamin C Serum 30ml",
    "sku_id": "1729100001",
    "seller_sku": "GL-30",
    "brand": "Glowy",
}
BALM = {"product_id": "1729000002", "product_name": "Lip Balm", "sku_id": "1729100002", "seller_sku": "LB-1", "brand": "Other"}
KOPI = {"product_id": "1729000003", "product_name": "Kopi Luwak 250g", "sku_id": "1729100003", "seller_sku": "KP-250", "brand": "Kopi"}


@pytest.fixture
def shops(tenant_a):
    my = make_shop(tenant_a, shop_id="7494000000001", name="Glow MY", currency="MYR", time_zone="Asia/Kuala_Lumpur")
    idr = make_shop(tenant_a, shop_id="7494000000002", name="Kopi ID", currency="IDR", time_zone="Asia/Jakarta", region="ID")
    return my, idr


@pytest.fixture
def orders(shops):
    my, idr = shops
    return {
        # 00:30 in Kuala Lumpur is still 28 February in UTC: the day filter must use the shop's zone.
        "o1": make_order(my, created=local(my, 2026, 3, 1, 0, 30), total="100.00", lines=[{**GLOW, "sale_price": "50.00"}] * 2),
        "o2": make_order(
            my, created=local(my, 2026, 3, 1, 23, 30), total="40.00", status="CANCELLED", lines=[{**BALM, "sale_price": "40.00"}]
        ),
        "o3": make_order(
            my, created=local(my, 2026, 3, 2, 10, 0), total="60.50", status="AWAITING_SHIPMENT", lines=[{**GLOW, "sale_price": "30.25"}] * 2
        ),
        "o4": make_order(idr, created=local(idr, 2026, 3, 1, 12, 0), total="150000.00", lines=[{**KOPI, "sale_price": "150000.00"}]),
        # 1 March 00:30 in Kuala Lumpur, but still 28 February in Jakarta.
        "o5": make_order(idr, created=local(idr, 2026, 2, 28, 23, 30), total="50000.00", lines=[{**KOPI, "sale_price": "50000.00"}]),
    }


def ids(queryset) -> list[str]:
    return [order.order_id for order in queryset]


def test_day_range_is_read_in_each_shops_time_zone(tenant_a, orders):
    listed = selectors.orders_list(tenant_a, OrderFilters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 1)))
    assert ids(listed) == [orders["o2"].order_id, orders["o4"].order_id, orders["o1"].order_id]


def test_filters_by_shop_status_order_id_brand_and_product(tenant_a, shops, orders):
    my, idr = shops

    def listed(**kwargs):
        return ids(selectors.orders_list(tenant_a, OrderFilters(**kwargs)))

    assert listed(shop=idr) == [orders["o4"].order_id, orders["o5"].order_id]
    assert listed(status="CANCELLED") == [orders["o2"].order_id]
    assert listed(order_id=orders["o3"].order_id) == [orders["o3"].order_id]
    assert listed(brand="Glowy") == [orders["o3"].order_id, orders["o1"].order_id]
    assert listed(product="1729000002") == [orders["o2"].order_id]
    assert listed(product="vitamin c") == [orders["o3"].order_id, orders["o1"].order_id]
    assert listed(shop=my, date_from=date(2026, 3, 2)) == [orders["o3"].order_id]
    assert listed(shop=idr, date_to=date(2026, 2, 28)) == [orders["o5"].order_id]


def test_list_order_is_newest_first_with_the_id_breaking_ties(tenant_a, shops):
    my, _ = shops
    same_time = local(my, 2026, 3, 5, 9, 0)
    first, second = make_order(my, created=same_time), make_order(my, created=same_time)
    assert ids(selectors.orders_list(tenant_a, OrderFilters())) == [second.order_id, first.order_id]


def test_order_stats_group_money_by_currency(tenant_a, orders):
    stats = selectors.order_stats(tenant_a, OrderFilters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 1)))
    assert stats.total_orders == 3
    # GMV and its average leave the cancelled order out, as the rollups do.
    assert [(c.currency, c.orders, c.cancelled_orders, c.gmv, c.average_order_value) for c in stats.by_currency] == [
        ("IDR", 1, 0, Decimal("150000.00"), Decimal("150000.00")),
        ("MYR", 2, 1, Decimal("100.00"), Decimal("100.00")),
    ]


def test_order_stats_average_rounds_half_up(tenant_a, shops):
    my, _ = shops
    for total in ("10.00", "10.00", "10.01"):
        make_order(my, created=local(my, 2026, 3, 3, 12, 0), total=total)
    stats = selectors.order_stats(tenant_a, OrderFilters(shop=my))
    assert [(c.orders, c.gmv, c.average_order_value) for c in stats.by_currency] == [(3, Decimal("30.01"), Decimal("10.00"))]


def test_status_breakdown(tenant_a, orders):
    rows = selectors.order_status_breakdown(tenant_a, OrderFilters())
    assert [(r.status, r.orders, r.percent) for r in rows] == [
        ("COMPLETED", 3, 60.0),
        ("AWAITING_SHIPMENT", 1, 20.0),
        ("CANCELLED", 1, 20.0),
    ]


def test_reads_never_include_another_tenants_rows(tenant_a, tenant_b, orders):
    other = make_shop(tenant_b, shop_id="7494000000001", currency="MYR")
    make_order(other, created=local(other, 2026, 3, 1, 12, 0), total="999.00")
    make_rollup(other, date(2026, 3, 1), orders=99, gmv="9999.00")
    assert selectors.order_stats(tenant_a, OrderFilters()).total_orders == 5
    assert selectors.kpi_summary(tenant_a, period=Period(date(2026, 3, 1), date(2026, 3, 1))).total_orders == 0
    with pytest.raises(NotFound):
        selectors.order_get(tenant_b, order_id=orders["o1"].order_id)
    assert selectors.shop_get(tenant_b, shop_id="7494000000001") == other


def test_products_ranking_by_gmv_and_units(tenant_a, shops, orders):
    my, _ = shops
    period = Period(date(2026, 3, 1), date(2026, 3, 2))
    by_gmv = selectors.products_ranking(tenant_a, period=period, shop=my)
    # The lip balm's only order was cancelled: not a sale.
    assert [(r["product_id"], r["units"], r["orders"], r["gmv"], r["brand"]) for r in by_gmv] == [
        ("1729000001", 4, 2, Decimal("160.50"), "Glowy"),
    ]
    # All shops: GMV ranks within each currency; the Jakarta order of 28 February is outside.
    everywhere = selectors.products_ranking(tenant_a, period=period, order_by="units")
    assert [(r["product_id"], r["currency"], r["units"]) for r in everywhere] == [
        ("1729000001", "MYR", 4),
        ("1729000003", "IDR", 1),
    ]
    skus = selectors.skus_ranking(tenant_a, period=period, shop=my)
    assert [(r["sku_id"], r["seller_sku"], r["units"], r["gmv"]) for r in skus] == [
        ("1729100001", "GL-30", 4, Decimal("160.50")),
    ]


def test_product_analytics(tenant_a, shops, orders):
    my, _ = shops
    make_product(my, product_id="1729000001", title="Glowy Vitamin C Serum 30ml", brand="Glowy", skus=[("1729100001", "GL-30", "50.00")])
    make_order(my, created=local(my, 2026, 2, 27, 12, 0), total="45.00", lines=[{**GLOW, "sale_price": "45.00"}])
    analytics = selectors.product_analytics(tenant_a, product_id="1729000001", period=Period(date(2026, 2, 28), date(2026, 3, 2)), shop=my)
    assert analytics.product_name == "Glowy Vitamin C Serum 30ml" and analytics.brand == "Glowy"
    assert analytics.totals == [
        {"currency": "MYR", "units": 4, "orders": 2, "gmv": Decimal("160.50"), "average_unit_price": Decimal("40.13")}
    ]
    assert analytics.previous_totals == [
        {"currency": "MYR", "units": 1, "orders": 1, "gmv": Decimal("45.00"), "average_unit_price": Decimal("45.00")}
    ]
    assert [(d["day"], d["units"], d["gmv"]) for d in analytics.daily] == [
        (date(2026, 3, 1), 2, Decimal("100.00")),
        (date(2026, 3, 2), 2, Decimal("60.50")),
    ]
    assert [s.seller_sku for s in analytics.catalog_skus] == ["GL-30"]
    with pytest.raises(NotFound):
        selectors.product_analytics(tenant_a, product_id="404", period=analytics.period)


@pytest.fixture
def rollups(shops):
    my, idr = shops
    make_rollup(my, date(2026, 3, 1), orders=10, units=12, gmv="1000.00", cancelled=1)
    make_rollup(my, date(2026, 3, 15), orders=5, gmv="500.50")
    make_rollup(my, date(2026, 2, 10), orders=10, gmv="750.00")
    make_rollup(my, date(2026, 1, 29), orders=50, gmv="5000.00")  # before both periods
    make_rollup(idr, date(2026, 3, 1), orders=2, gmv="300000.00")
    # Brand rows never count in the shop's totals.
    make_rollup(my, date(2026, 3, 1), orders=7, units=9, gmv="800.00", brand="Glowy")
    make_rollup(my, date(2026, 3, 2), orders=3, gmv="200.00", brand="Other")
    make_rollup(my, date(2026, 2, 20), orders=4, gmv="400.00", brand="Glowy")


def test_kpi_summary_with_trend_and_period_over_period(tenant_a, shops, rollups):
    summary = selectors.kpi_summary(tenant_a, period=selectors.period_ending(date(2026, 3, 30), 30))
    assert (summary.period, summary.previous_period) == (
        Period(date(2026, 3, 1), date(2026, 3, 30)),
        Period(date(2026, 1, 30), date(2026, 2, 28)),
    )
    assert summary.currencies == ["IDR", "MYR"]
    assert (summary.total_orders, summary.previous_total_orders) == (17, 10)
    myr = summary.totals["MYR"]
    assert (myr.orders, myr.units, myr.gmv, myr.cancelled_orders, myr.average_order_value) == (
        15,
        17,
        Decimal("1500.50"),
        1,
        Decimal("107.18"),  # 1500.50 over the 14 orders that were not cancelled
    )
    assert summary.previous_totals["MYR"].average_order_value == Decimal("75.00")
    assert summary.comparison["MYR"]["gmv"] == {
        "current": Decimal("1500.50"),
        "previous": Decimal("750.00"),
        "delta": Decimal("750.50"),
        "percent": 100.1,
    }
    assert summary.comparison["MYR"]["orders"] == {"current": 15, "previous": 10, "delta": 5, "percent": 50.0}
    assert summary.comparison["IDR"]["gmv"]["percent"] is None  # nothing to compare with
    assert len(summary.trend) == 30
    first, second = summary.trend[0], summary.trend[1]
    assert first["day"] == date(2026, 3, 1) and first["orders"] == 12
    assert first["by_currency"] == {
        "IDR": {"orders": 2, "units": 2, "gmv": Decimal("300000.00")},
        "MYR": {"orders": 10, "units": 12, "gmv": Decimal("1000.00")},
    }
    assert second["orders"] == 0 and second["by_currency"]["MYR"]["gmv"] == Decimal("0.00")


def test_kpi_summary_of_one_shop(tenant_a, shops, rollups):
    my, _ = shops
    summary = selectors.kpi_summary(tenant_a, period=selectors.period_ending(date(2026, 3, 30), 30), shop=my)
    assert summary.currencies == ["MYR"] and summary.total_orders == 15


def test_brand_breakdown_and_comparison(tenant_a, shops, rollups):
    rows = selectors.brand_breakdown(tenant_a, period=selectors.period_ending(date(2026, 3, 30), 30))
    assert [(r.brand, r.currency, r.orders, r.units, r.gmv, r.gmv_share, r.previous_gmv) for r in rows] == [
        ("Glowy", "MYR", 7, 9, Decimal("800.00"), 80.0, Decimal("400.00")),
        ("Other", "MYR", 3, 3, Decimal("200.00"), 20.0, Decimal("0.00")),
    ]
    assert rows[0].gmv_change == {"current": Decimal("800.00"), "previous": Decimal("400.00"), "delta": Decimal("400.00"), "percent": 100.0}
    assert rows[1].gmv_change["percent"] is None
    assert rows[0].orders_change == {"current": 7, "previous": 4, "delta": 3, "percent": 75.0}


def test_sync_status_reports_metadata_and_the_running_sync(tenant_a, shops, orders, sync_run_factory):
    my, idr = shops
    make_sync_state(my, orders_count=3, last_full_sync_orders=3, watermark=local(my, 2026, 3, 2, 10, 5))
    sync_run_factory(
        tenant_a, kind=selectors.SYNC_KIND_FULL, target=f"shop:{my.pk}", state=SyncState.SUCCEEDED, items_total=3, items_done=3
    )
    running = sync_run_factory(
        tenant_a,
        kind=selectors.SYNC_KIND_INCREMENTAL,
        target=f"shop:{my.pk}",
        items_total=400,
        items_done=100,
        pages_done=1,
        parts=[("w1", None, 100), ("w2", None, 0)],
    )
    sync_run_factory(tenant_a, kind="other.kind", target=f"shop:{idr.pk}", state=SyncState.RUNNING)
    with CaptureQueriesContext(connection) as queries:
        statuses = selectors.sync_status(tenant_a)
    assert len(queries) == 5
    by_shop = {status.shop.shop_id: status for status in statuses}
    mine = by_shop["7494000000001"]
    assert (mine.stored_orders, mine.state.orders_count, mine.running.pk) == (3, 3, running.pk)
    assert (mine.running_progress["items_done"], mine.running_progress["percent"], mine.running_progress["parts_total"]) == (100, 25.0, 2)
    assert mine.last_run.state == SyncState.SUCCEEDED and mine.last_run_progress["percent"] == 100.0
    theirs = by_shop["7494000000002"]
    assert (theirs.stored_orders, theirs.state, theirs.running, theirs.last_run) == (2, None, None, None)
    assert SyncRun.all_tenants.count() == 3


def test_shop_resolution_for_sync(tenant_a, tenant_b):
    with pytest.raises(ApplicationError) as none:
        selectors.shop_resolve_for_sync(tenant_a, shop_id=None)
    assert none.value.code == "no_shop"
    only = make_shop(tenant_a, shop_id="7494000000001")
    make_shop(tenant_a, shop_id="7494000000009", status=ConnectionStatus.NEEDS_REAUTH)
    assert selectors.shop_resolve_for_sync(tenant_a, shop_id=None) == only
    make_shop(tenant_a, shop_id="7494000000002")
    with pytest.raises(ApplicationError) as several:
        selectors.shop_resolve_for_sync(tenant_a, shop_id="")
    assert several.value.code == "shop_required" and "7494000000001, 7494000000002" in several.value.message
    other = make_shop(tenant_b, shop_id="7494000000077")
    with pytest.raises(NotFound):
        selectors.shop_resolve_for_sync(tenant_a, shop_id=other.shop_id)


def test_list_stats_and_breakdown_query_counts_do_not_grow_with_orders(tenant_a, shops, django_assert_max_num_queries):
    my, _ = shops
    for day in range(1, 29):
        make_order(my, created=local(my, 2026, 2, day, 12, 0), lines=[{**GLOW, "sale_price": "10.00"}, {**BALM, "sale_price": "5.00"}])
    filters = OrderFilters(brand="Glowy", date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
    with django_assert_max_num_queries(2):  # the shops' time zones, then the page
        assert len([order.shop.name for order in selectors.orders_list(tenant_a, filters)[:50]]) == 28
    # The orders' version, the shops' time zones, the aggregate; then the same from the cache.
    with django_assert_max_num_queries(3):
        assert selectors.order_stats(tenant_a, filters).total_orders == 28
    with django_assert_max_num_queries(3):
        assert selectors.order_status_breakdown(tenant_a, filters)[0].orders == 28
    with django_assert_max_num_queries(1):
        assert selectors.order_stats(tenant_a, filters).total_orders == 28
    with django_assert_max_num_queries(2):
        selectors.kpi_summary(tenant_a, period=selectors.period_ending(date(2026, 2, 28), 28))


def test_cached_stats_follow_every_order_write(tenant_a, shops):
    my, _ = shops
    make_order(my, created=local(my, 2026, 3, 1, 9, 0), total="10.00")
    assert selectors.order_stats(tenant_a, OrderFilters()).by_currency[0].gmv == Decimal("10.00")
    assert selectors.order_status_breakdown(tenant_a, OrderFilters())[0].orders == 1
    make_order(my, created=local(my, 2026, 3, 1, 10, 0), total="5.00")
    assert selectors.order_stats(tenant_a, OrderFilters()).by_currency[0].gmv == Decimal("15.00")
    assert selectors.order_status_breakdown(tenant_a, OrderFilters())[0].orders == 2
