"""Connecting shops: OAuth state (single use, 10 minutes, per tenant), token exchange, shops
stored with their region's currency and time zone, tokens encrypted."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.exceptions import ApplicationError
from core.models import OAuthState, Role, SyncRun
from shop_sync.models import ConnectionStatus, ShopConnection, ShopSyncState
from shop_sync.services import shop_oauth_complete, shop_oauth_start
from tests.fixtures.html import messages
from tests.shop_sync.test_client import envelope, token_payload

API = settings.TIKTOK_SHOP_API_BASE
AUTH = settings.TIKTOK_SHOP_AUTH_BASE
SHOPS = [
    {"id": "7494726673780148744", "name": "Glow MY", "region": "MY", "seller_type": "LOCAL", "cipher": "ROW_my_cipher", "code": "MYLC1"},
    {"id": "7494726673780148745", "name": "Glow ID", "region": "ID", "seller_type": "LOCAL", "cipher": "ROW_id_cipher", "code": "IDLC1"},
]


@pytest.fixture
def platform(mock_upstream):
    mock_upstream.get(f"{AUTH}/api/v2/token/get", json=token_payload(access="TTP_access_granted", refresh="TTP_refresh_granted"))
    mock_upstream.get(f"{API}/authorization/202309/shops", json=envelope({"shops": SHOPS}))
    return mock_upstream


def state_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["state"][0]


def test_start_makes_a_single_use_state_and_the_authorize_url(tenant_a, owner_a):
    url = shop_oauth_start(tenant=tenant_a, user=owner_a)

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == settings.TIKTOK_SHOP_AUTHORIZE_URL
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert query["app_key"] == settings.TIKTOK_SHOP_APP_KEY
    assert query["redirect_uri"] == settings.TIKTOK_SHOP_REDIRECT_URI
    state = OAuthState.objects.for_tenant(tenant_a).get()
    assert (state.state, state.used_at, state.created_by) == (query["state"], None, owner_a)
    assert len(state.state) >= 40


def test_complete_stores_every_authorized_shop_with_encrypted_tokens(tenant_a, owner_a, platform):
    state = state_of(shop_oauth_start(tenant=tenant_a, user=owner_a))

    shops = shop_oauth_complete(tenant=tenant_a, user=owner_a, state=state, code="auth-code-1")

    assert [(s.shop_id, s.cipher, s.region, s.currency, s.time_zone) for s in shops] == [
        ("7494726673780148744", "ROW_my_cipher", "MY", "MYR", "Asia/Kuala_Lumpur"),
        ("7494726673780148745", "ROW_id_cipher", "ID", "IDR", "Asia/Jakarta"),
    ]
    stored = ShopConnection.objects.for_tenant(tenant_a).get(shop_id="7494726673780148744")
    assert (stored.access_token, stored.refresh_token, stored.status, stored.connected_by) == (
        "TTP_access_granted",
        "TTP_refresh_granted",
        ConnectionStatus.ACTIVE,
        owner_a,
    )
    assert (stored.open_id, stored.seller_name, stored.granted_scopes) == ("7010736057180325637", "Test Seller", ["seller.order.read"])
    assert int(stored.access_token_expires_at.timestamp()) == 1_900_000_000
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM shop_sync_shopconnection")
        assert not any("TTP_" in value for row in cursor.fetchall() for value in row)
    assert ShopSyncState.objects.for_tenant(tenant_a).count() == 2
    code_query = parse_qs(urlsplit(platform.calls[0].request.url).query)
    assert code_query["auth_code"] == ["auth-code-1"] and code_query["grant_type"] == ["authorized_code"]


def test_reconnecting_updates_the_shop_and_clears_needs_reauth(tenant_a, owner_a, platform):
    shop_oauth_complete(tenant=tenant_a, user=owner_a, state=state_of(shop_oauth_start(tenant=tenant_a, user=owner_a)), code="c1")
    ShopConnection.objects.for_tenant(tenant_a).update(status=ConnectionStatus.NEEDS_REAUTH, status_reason="revoked")

    shop_oauth_complete(tenant=tenant_a, user=owner_a, state=state_of(shop_oauth_start(tenant=tenant_a, user=owner_a)), code="c2")

    assert list(ShopConnection.objects.for_tenant(tenant_a).values_list("status", "status_reason").order_by().distinct()) == [
        (ConnectionStatus.ACTIVE, "")
    ]
    assert ShopConnection.objects.for_tenant(tenant_a).count() == 2


@pytest.mark.parametrize("case", ["unknown", "used", "expired", "other_tenant", "empty"])
def test_a_wrong_state_is_refused_and_nothing_is_stored(tenant_a, tenant_b, owner_a, owner_b, platform, case):
    state = state_of(shop_oauth_start(tenant=tenant_a, user=owner_a))
    tenant = tenant_a
    if case == "unknown":
        state = "not-a-state"
    elif case == "used":
        shop_oauth_complete(tenant=tenant_a, user=owner_a, state=state, code="c1")
        ShopConnection.objects.for_tenant(tenant_a).delete()
        platform.calls.reset()
    elif case == "expired":
        OAuthState.objects.for_tenant(tenant_a).update(created_at=timezone.now() - timedelta(minutes=10, seconds=1))
    elif case == "other_tenant":
        tenant = tenant_b
    elif case == "empty":
        state = ""

    with pytest.raises(ApplicationError) as caught:
        shop_oauth_complete(tenant=tenant, user=owner_a, state=state, code="c2")

    assert (caught.value.code, caught.value.status) == ("invalid_state", 400)
    assert ShopConnection.all_tenants.count() == 0
    assert len(platform.calls) == 0  # the code was never exchanged


def test_a_refused_code_is_a_400_and_stores_nothing(tenant_a, owner_a, mock_upstream):
    mock_upstream.get(f"{AUTH}/api/v2/token/get", json=envelope(None, code=36004004, message="Invalid auth code."))
    state = state_of(shop_oauth_start(tenant=tenant_a, user=owner_a))

    with pytest.raises(ApplicationError) as caught:
        shop_oauth_complete(tenant=tenant_a, user=owner_a, state=state, code="bad")

    assert (caught.value.code, caught.value.status) == ("authorization_refused", 400)
    assert ShopConnection.all_tenants.count() == 0


# --- views -----------------------------------------------------------------------------------


def test_connect_redirects_an_admin_to_the_authorize_page(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.post("/shop/connect/")

    assert response.status_code == 302
    assert response["Location"].startswith(settings.TIKTOK_SHOP_AUTHORIZE_URL + "?")
    assert OAuthState.objects.for_tenant(tenant_a).count() == 1


def test_connect_needs_the_admin_role(web_client_for, tenant_a):
    client, _ = web_client_for(tenant_a, Role.ANALYST)

    assert client.post("/shop/connect/").status_code == 403
    assert OAuthState.objects.for_tenant(tenant_a).count() == 0


def test_callback_with_a_wrong_state_is_a_400_page_and_stores_nothing(web_client_for, tenant_a, platform):
    client, _ = web_client_for(tenant_a, Role.ADMIN)

    response = client.get("/shop/oauth/callback/", {"code": "auth-code-1", "state": "forged"})

    assert response.status_code == 400
    assert b"invalid or has expired" in response.content
    assert ShopConnection.all_tenants.count() == 0
    assert len(platform.calls) == 0


def test_callback_connects_and_goes_to_the_sync_page(web_client_for, tenant_a, platform):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    location = client.post("/shop/connect/")["Location"]

    response = client.get("/shop/oauth/callback/", {"code": "auth-code-1", "state": state_of(location)})

    assert response.status_code == 302
    assert response["Location"] == "/shop/sync/"
    assert ShopConnection.objects.for_tenant(tenant_a).count() == 2


def test_callback_starts_the_first_full_sync_of_each_new_shop(web_client_for, tenant_a, platform):
    platform.post(f"{API}/order/202309/orders/search", json=envelope({"orders": [], "total_count": 0, "next_page_token": ""}))
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    location = client.post("/shop/connect/")["Location"]

    response = client.get("/shop/oauth/callback/", {"code": "auth-code-1", "state": state_of(location)}, follow=True)

    runs = SyncRun.objects.for_tenant(tenant_a).order_by("label")
    assert [(run.kind, run.label) for run in runs] == [
        ("shop_sync.orders_full", "Full order sync of Glow ID"),
        ("shop_sync.orders_full", "Full order sync of Glow MY"),
    ]
    assert messages(response.content) == [
        "Connected Glow MY, Glow ID. The first full sync is loading the orders; its progress shows below."
    ]
    # Connecting again (a re-authorization) starts nothing new while those run.
    location = client.post("/shop/connect/")["Location"]
    client.get("/shop/oauth/callback/", {"code": "auth-code-2", "state": state_of(location)})
    assert SyncRun.objects.for_tenant(tenant_a).count() == 2


def test_callback_keeps_the_connection_when_the_first_sync_cannot_start(web_client_for, tenant_a, platform):
    platform.post(f"{API}/order/202309/orders/search", json=envelope(code=36009003, message="Internal error"), status=400)
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    location = client.post("/shop/connect/")["Location"]

    response = client.get("/shop/oauth/callback/", {"code": "auth-code-1", "state": state_of(location)}, follow=True)

    assert ShopConnection.objects.for_tenant(tenant_a).count() == 2
    assert SyncRun.objects.for_tenant(tenant_a).count() == 0
    shown = messages(response.content)
    assert shown[0] == "Connected Glow MY, Glow ID."
    assert [text.split(" (")[0] for text in shown[1:]] == ["The first sync could not start"] * 2
