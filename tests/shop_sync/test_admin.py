"""Operator screens: tokens never shown, orders read-only with their lines, brands editable."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from shop_sync.models import Brand, Order
from shop_sync.services import orders_page_write
from tests.shop_sync.order_payloads import platform_order, ts


def superuser_client(client):
    user = get_user_model().objects.create_superuser(username="operator", email="op@example.com", password="pass-word-123")
    client.force_login(user)
    return client


def test_shop_list_and_form_never_show_the_tokens(client, shop_a):
    client = superuser_client(client)

    listing = client.get("/admin/shop_sync/shopconnection/")
    form = client.get(f"/admin/shop_sync/shopconnection/{shop_a.pk}/change/")

    assert listing.status_code == form.status_code == 200
    for page in (listing, form):
        assert b"TTP_access_old_0001" not in page.content
        assert b"TTP_refresh_old_0001" not in page.content


def test_orders_are_read_only_with_their_lines(client, tenant_a, shop_a):
    orders_page_write(shop=shop_a, orders=[platform_order("9001", create_time=ts(2026, 10, 1, 8), lines=(("Nuvo - Toner", "15.00"),))])
    order = Order.objects.for_tenant(tenant_a).get()
    client = superuser_client(client)

    page = client.get(f"/admin/shop_sync/order/{order.pk}/change/")

    assert page.status_code == 200
    assert b"Nuvo - Toner" in page.content
    assert b'name="_save"' not in page.content
    assert client.get("/admin/shop_sync/order/add/").status_code == 403


def test_the_brand_dictionary_is_edited_in_admin(client, tenant_a):
    client = superuser_client(client)

    response = client.post(
        "/admin/shop_sync/brand/add/",
        {
            "tenant": tenant_a.pk,
            "name": "Glow Lab",
            "keywords": '["glowlab"]',
            "is_active": "on",
            "created_at_0": "2026-11-01",
            "created_at_1": "10:00:00",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    assert list(Brand.objects.for_tenant(tenant_a).values_list("name", "keywords")) == [("Glow Lab", ["glowlab"])]
