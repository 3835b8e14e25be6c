"""``/api/ads/advertisers/``: the tenant's advertisers with stores and shop numbers, never a token;
another tenant's advertiser is a 404."""

from __future__ import annotations

from core.models import Role
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.models import Advertiser


def test_list_advertisers_with_stores(sandbox, tenant_a, session_api_client_for, django_assert_max_num_queries):
    connection = connect_business(tenant_a)
    client, _ = session_api_client_for(tenant_a, Role.VIEWER)

    with django_assert_max_num_queries(8):  # session, membership, count, advertisers, stores: no N+1
        response = client.get("/api/ads/advertisers/")

    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    by_name = {row["name"]: row for row in rows}
    assert list(by_name) == ["Glow Corner ID", "Glow Corner MY", "Glow Corner MY Live", "Glow Corner Outlet"]
    assert by_name["Glow Corner MY Live"]["stores"] == [
        {
            "store_id": by_name["Glow Corner MY"]["stores"][0]["store_id"],
            "name": "Glow Corner MY",
            "shop_number": 1,
            "is_gmv_max_available": True,
        }
    ]
    assert [store["shop_number"] for store in by_name["Glow Corner ID"]["stores"]] == [3, 4]
    assert by_name["Glow Corner ID"]["time_zone"] == "Asia/Jakarta" and by_name["Glow Corner ID"]["currency"] == "IDR"
    assert by_name["Glow Corner ID"]["connection_status"] == "active"
    assert connection.access_token not in response.content.decode()


def test_detail_and_tenant_scoping(sandbox, tenant_a, tenant_b, session_api_client_for):
    connect_business(tenant_a)
    advertiser = Advertiser.objects.for_tenant(tenant_a).get(name="Glow Corner Outlet")
    own, _ = session_api_client_for(tenant_a, Role.VIEWER)
    other, _ = session_api_client_for(tenant_b, Role.OWNER, username="b-owner")

    assert own.get(f"/api/ads/advertisers/{advertiser.pk}/").json()["stores"][0]["shop_number"] == 2
    assert other.get(f"/api/ads/advertisers/{advertiser.pk}/").status_code == 404
    listing = other.get("/api/ads/advertisers/").json()
    assert (listing["results"] if isinstance(listing, dict) else listing) == []


def test_unauthenticated_is_refused(db, client):
    assert client.get("/api/ads/advertisers/").status_code in (401, 403)
