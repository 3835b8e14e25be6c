"""What GMV Max reads: advertisers, GMV Max stores by shop number, and the shop number list."""

from __future__ import annotations

import pytest

from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.selectors import UnknownShopNumber, advertisers_for_tenant, gmvmax_stores, shop_numbers
from tiktok_ads.services import connection_disconnect


def test_gmvmax_stores_by_shop_number(sandbox, tenant_a, django_assert_max_num_queries):
    connect_business(tenant_a)

    with django_assert_max_num_queries(1):
        shop_one = gmvmax_stores(tenant_a, 1)
        names = [(row.advertiser.name, row.name, row.advertiser.connection.status) for row in shop_one]

    assert names == [("Glow Corner MY", "Glow Corner MY", "active"), ("Glow Corner MY Live", "Glow Corner MY", "active")]
    assert shop_one[0].store_id == shop_one[1].store_id
    assert [(row.shop_number, row.advertiser.name) for row in gmvmax_stores(tenant_a)] == [
        (1, "Glow Corner MY"),
        (1, "Glow Corner MY Live"),
        (2, "Glow Corner Outlet"),
        (3, "Glow Corner ID"),
    ]


@pytest.mark.parametrize("number", [4, 5, 0])
def test_unknown_or_unavailable_shop_numbers_raise(sandbox, tenant_a, number):
    connect_business(tenant_a)

    with pytest.raises(UnknownShopNumber) as caught:
        gmvmax_stores(tenant_a, number)

    assert caught.value.status == 400 and f"shopNumber {number}" in caught.value.message


def test_shop_numbers_and_advertisers(sandbox, tenant_a, tenant_b):
    connection = connect_business(tenant_a)

    assert shop_numbers(tenant_a) == [(1, "Glow Corner MY"), (2, "Glow Corner Outlet"), (3, "Glow Corner ID")]
    assert shop_numbers(tenant_b) == []
    assert [a.name for a in advertisers_for_tenant(tenant_a)] == [
        "Glow Corner ID",
        "Glow Corner MY",
        "Glow Corner MY Live",
        "Glow Corner Outlet",
    ]
    with pytest.raises(UnknownShopNumber):
        gmvmax_stores(tenant_b, 1)

    connection_disconnect(connection=connection)

    assert shop_numbers(tenant_a) == []
    assert list(advertisers_for_tenant(tenant_a)) == []
    assert len(advertisers_for_tenant(tenant_a, active_only=False)) == 4
