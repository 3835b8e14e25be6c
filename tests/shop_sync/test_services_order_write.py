"""The order write path (COPY + upsert on PostgreSQL, bulk_create elsewhere) and the rollups."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection

from shop_sync import services
from shop_sync.brands import brand_matcher
from shop_sync.models import Brand, DailyRollup, Order, OrderLine
from shop_sync.services import daily_rollups_recompute, order_write, orders_page_write
from tests.shop_sync.order_payloads import platform_order, ts


@pytest.fixture(params=["native", "portable"])
def write_path(request, monkeypatch):
    """Both write paths: the database's own (COPY on PostgreSQL) and the portable one."""
    if request.param == "portable":
        monkeypatch.setattr(order_write, "_write_postgresql", order_write._write_portable)
    elif connection.vendor != "postgresql":
        pytest.skip("the COPY path needs PostgreSQL")
    return request.param


def stored(tenant, shop):
    return {o.order_id: o for o in Order.objects.for_tenant(tenant).filter(shop=shop)}


def lines_of(tenant, order_id):
    return sorted(
        OrderLine.objects.for_tenant(tenant).filter(order__order_id=order_id).values_list("line_id", "product_name", "brand", "sale_price")
    )


def test_a_page_is_stored_with_lines_money_times_and_brands(tenant_a, shop_a, write_path):
    Brand.objects.create(tenant=tenant_a, name="Glow Lab")
    order = platform_order(
        "576683947362451002",
        create_time=ts(2026, 10, 1, 16, 30),
        update_time=ts(2026, 10, 1, 17, 0),
        lines=(("Glow Lab Serum", "24.99"), ("Glow Lab Serum", "24.99"), ("[Kiyora] Hair Oil 100ml", "29.90")),
        shipping="4.50",
    )

    result = orders_page_write(shop=shop_a, orders=[order])

    assert (result.written, result.inserted, result.days) == (1, 1, {date(2026, 10, 2)})  # 16:30 UTC is the 2nd in Kuala Lumpur
    row = stored(tenant_a, shop_a)["576683947362451002"]
    assert (row.status, row.currency, row.total_amount, row.sub_total, row.shipping_fee, row.units) == (
        "AWAITING_SHIPMENT",
        "MYR",
        Decimal("84.38"),
        Decimal("79.88"),
        Decimal("4.50"),
        3,
    )
    assert row.create_time == datetime(2026, 10, 1, 16, 30, tzinfo=UTC)
    assert row.paid_time == datetime(2026, 10, 1, 16, 31, tzinfo=UTC)
    assert (row.brands, row.buyer_user_id, row.recipient_region) == ("Glow Lab,Kiyora", "7494015953103652213", "MY")
    assert bytes(row.content_hash) == services.content_hash(order)
    assert lines_of(tenant_a, "576683947362451002") == [
        ("57668394736245100200", "Glow Lab Serum", "Glow Lab", Decimal("24.99")),
        ("57668394736245100201", "Glow Lab Serum", "Glow Lab", Decimal("24.99")),
        ("57668394736245100202", "[Kiyora] Hair Oil 100ml", "Kiyora", Decimal("29.90")),
    ]


def test_only_an_equal_or_newer_update_replaces_an_order_and_its_lines(tenant_a, shop_a, write_path):
    created = ts(2026, 10, 1, 8)
    orders_page_write(
        shop=shop_a, orders=[platform_order("1001", create_time=created, update_time=created + 100, lines=(("A - one", "10.00"),))]
    )

    older = platform_order("1001", create_time=created, update_time=created + 50, status="CANCELLED", lines=(("B - two", "1.00"),))
    assert orders_page_write(shop=shop_a, orders=[older]).written == 0

    same = platform_order("1001", create_time=created, update_time=created + 100, lines=(("A - one", "10.00"),))
    assert orders_page_write(shop=shop_a, orders=[same]).written == 0  # a page read twice writes nothing

    equal_but_changed = platform_order(
        "1001", create_time=created, update_time=created + 100, status="IN_TRANSIT", lines=(("A - one", "10.00"),)
    )
    assert orders_page_write(shop=shop_a, orders=[equal_but_changed]).written == 1
    assert stored(tenant_a, shop_a)["1001"].status == "IN_TRANSIT"

    newer = platform_order(
        "1001",
        create_time=created,
        update_time=created + 200,
        status="DELIVERED",
        lines=(("Cora - three", "5.00"), ("Cora - three", "5.00")),
    )
    result = orders_page_write(shop=shop_a, orders=[newer])

    assert (result.written, result.inserted) == (1, 0)
    row = stored(tenant_a, shop_a)["1001"]
    assert (row.status, row.update_time, row.units, row.brands) == ("DELIVERED", datetime.fromtimestamp(created + 200, UTC), 2, "Cora")
    assert [name for _, name, _, _ in lines_of(tenant_a, "1001")] == ["Cora - three", "Cora - three"]
    assert OrderLine.objects.for_tenant(tenant_a).count() == 2


def test_a_page_with_an_order_twice_keeps_the_newest(tenant_a, shop_a, write_path):
    created = ts(2026, 10, 1, 8)
    page = [
        platform_order("2001", create_time=created, update_time=created + 10, status="UNPAID"),
        platform_order("2001", create_time=created, update_time=created + 20, status="AWAITING_SHIPMENT"),
        platform_order("2002", create_time=created),
    ]

    assert orders_page_write(shop=shop_a, orders=page).written == 2
    assert stored(tenant_a, shop_a)["2001"].status == "AWAITING_SHIPMENT"


def test_two_pages_in_one_transaction(tenant_a, shop_a, write_path):
    from django.db import transaction

    created = ts(2026, 10, 1, 8)
    with transaction.atomic():
        orders_page_write(shop=shop_a, orders=[platform_order("3001", create_time=created)])
        orders_page_write(shop=shop_a, orders=[platform_order("3002", create_time=created)])

    assert sorted(stored(tenant_a, shop_a)) == ["3001", "3002"]


def test_orders_of_another_tenant_with_the_same_ids_are_untouched(tenant_a, tenant_b, shop_a, write_path):
    from tests.shop_sync.shop_fixtures import make_shop

    shop_b = make_shop(tenant_b)
    created = ts(2026, 10, 1, 8)
    orders_page_write(shop=shop_b, orders=[platform_order("4001", create_time=created, status="UNPAID")])
    orders_page_write(shop=shop_a, orders=[platform_order("4001", create_time=created + 5, update_time=created + 99, status="COMPLETED")])

    assert stored(tenant_b, shop_b)["4001"].status == "UNPAID"
    assert stored(tenant_a, shop_a)["4001"].status == "COMPLETED"


def test_rollups_group_by_shop_day_and_brand(tenant_a, shop_a):
    Brand.objects.create(tenant=tenant_a, name="Glow Lab")
    orders_page_write(
        shop=shop_a,
        orders=[
            # 2026-10-01 in Kuala Lumpur (UTC+8)
            platform_order("1", create_time=ts(2026, 10, 1, 2), lines=(("Glow Lab Serum", "20.00"), ("Glow Lab Serum", "20.00"))),
            platform_order("2", create_time=ts(2026, 10, 1, 15, 59), lines=(("Nuvo - Toner", "15.00"),), shipping="5.00"),
            platform_order("3", create_time=ts(2026, 10, 1, 10), status="CANCELLED", lines=(("Nuvo - Toner", "15.00"),)),
            # 16:00 UTC is already 2026-10-02 there
            platform_order("4", create_time=ts(2026, 10, 1, 16), lines=(("Plain Mask", "9.50"),)),
        ],
    )

    assert daily_rollups_recompute(shop=shop_a) == 5

    rows = sorted(
        DailyRollup.objects.for_tenant(tenant_a)
        .filter(shop=shop_a)
        .values_list("day", "brand", "currency", "orders", "units", "gmv", "cancelled_orders")
    )
    assert rows == [
        (date(2026, 10, 1), "", "MYR", 3, 4, Decimal("60.00"), 1),
        (date(2026, 10, 1), "Glow Lab", "MYR", 1, 2, Decimal("40.00"), 0),
        (date(2026, 10, 1), "Nuvo", "MYR", 2, 2, Decimal("15.00"), 1),
        (date(2026, 10, 2), "", "MYR", 1, 1, Decimal("9.50"), 0),
        (date(2026, 10, 2), "Other", "MYR", 1, 1, Decimal("9.50"), 0),
    ]


def test_rollups_of_some_days_leave_the_others_alone(tenant_a, shop_a):
    orders_page_write(
        shop=shop_a,
        orders=[platform_order("1", create_time=ts(2026, 10, 1, 2)), platform_order("2", create_time=ts(2026, 10, 5, 2))],
    )
    daily_rollups_recompute(shop=shop_a)
    DailyRollup.objects.for_tenant(tenant_a).filter(day=date(2026, 10, 1)).update(orders=99)
    DailyRollup.objects.for_tenant(tenant_a).filter(day=date(2026, 10, 5)).update(orders=99)

    daily_rollups_recompute(shop=shop_a, days=[date(2026, 10, 5)])

    by_day = dict(DailyRollup.objects.for_tenant(tenant_a).filter(brand="").values_list("day", "orders"))
    assert by_day == {date(2026, 10, 1): 99, date(2026, 10, 5): 1}


@pytest.mark.parametrize(
    ("name", "brand"),
    [
        ("Glow Lab Vitamin C Serum 30ml", "Glow Lab"),  # dictionary, by name
        ("glow-lab hair oil", "Glow Lab"),  # dictionary, by keyword, any case
        ("Sunglow Lab Coat", "Other"),  # whole words only
        ("[Kiyora] Hair Oil 100ml", "Kiyora"),
        ("【Skintific】 Toner", "Skintific"),
        ("Nuvo - Lip Tint Rose", "Nuvo"),
        ("Lip Tint | Mintra", "Mintra"),
        ("Solenne Official Eye Cream 15ml", "Solenne"),
        ("Body Scrub 200g by Verde Botanica", "Verde Botanica"),
        ("AURELLE Cushion Foundation SPF30", "Aurelle"),
        ("NEW Sheet Mask", "Other"),
        ("Travel Size Hair Oil", "Other"),
        ("", "Other"),
    ],
)
def test_brand_for_name(tenant_a, name, brand):
    Brand.objects.create(tenant=tenant_a, name="Glow Lab", keywords=["glow-lab", "glowlab"])
    Brand.objects.create(tenant=tenant_a, name="Retired", keywords=["Nuvo"], is_active=False)

    assert brand_matcher(tenant=tenant_a).brand_for(name) == brand
