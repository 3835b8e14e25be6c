"""TikTokShopClient against the platform's reference shapes (``responses``): signed calls, envelope
errors, retries and the token refresh of a stored shop (the signature itself:
``tests/integrations/test_tiktok_shop.py``)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from responses import matchers

from core.http import AuthExpired, BadRequest, RateLimited
from core.models import ApiCallLog
from shop_sync.client import TikTokShopAuthClient, TikTokShopClient
from shop_sync.models import ConnectionStatus, ShopConnection
from shop_sync.services import shop_client
from tests.shop_sync.shop_fixtures import assert_signed

API = settings.TIKTOK_SHOP_API_BASE
AUTH = settings.TIKTOK_SHOP_AUTH_BASE
SEARCH = f"{API}/order/202309/orders/search"


def envelope(data=None, code=0, message="Success"):
    return {"code": code, "message": message, "request_id": "2024091012345601021304519234A1B2C3", "data": data}


def token_payload(access="TTP_access_new_0002", refresh="TTP_refresh_new_0002"):
    return envelope(
        {
            "access_token": access,
            "access_token_expire_in": 1_900_000_000,
            "refresh_token": refresh,
            "refresh_token_expire_in": 1_950_000_000,
            "open_id": "7010736057180325637",
            "seller_name": "Test Seller",
            "seller_base_region": "MY",
            "user_type": 0,
            "granted_scopes": ["seller.order.read"],
        }
    )


def test_orders_search_signs_query_and_raw_body_and_sends_the_token(tenant_a, shop_a, mock_upstream):
    mock_upstream.post(SEARCH, json=envelope({"orders": [{"id": "5001"}], "next_page_token": "tok2", "total_count": 137}))
    client = shop_client(shop_a)

    page = client.orders_search(filters={"create_time_ge": 1700000000, "create_time_lt": None}, page_token="tok1")

    assert page == {"orders": [{"id": "5001"}], "next_page_token": "tok2", "total_count": 137}
    (call,) = mock_upstream.calls
    params = assert_signed(call.request, shop_cipher="ROW_cipher_1")
    assert {k: params[k] for k in ("page_size", "page_token", "sort_field", "sort_order")} == {
        "page_size": "100",
        "page_token": "tok1",
        "sort_field": "create_time",
        "sort_order": "ASC",
    }
    assert json.loads(call.request.body) == {"create_time_ge": 1700000000}  # flat filters, no None
    assert call.request.headers["x-tts-access-token"] == "TTP_access_old_0001"
    assert call.request.headers["Content-Type"] == "application/json"
    assert "access_token" not in params


def test_authorized_shops_carry_no_shop_cipher(tenant_a, mock_upstream):
    mock_upstream.get(
        f"{API}/authorization/202309/shops",
        json=envelope({"shops": [{"id": "7000714532876273420", "name": "Maomao", "region": "GB", "cipher": "GCP_X", "code": "CNGB"}]}),
    )
    client = TikTokShopClient(tenant=tenant_a, access_token="TTP_access_fresh")

    shops = client.authorized_shops()

    assert [shop["cipher"] for shop in shops] == ["GCP_X"]
    assert_signed(mock_upstream.calls[0].request, shop_cipher=None)
    assert mock_upstream.calls[0].request.headers["x-tts-access-token"] == "TTP_access_fresh"


def test_order_details_go_fifty_ids_per_call(tenant_a, shop_a, mock_upstream):
    ids = [str(5000 + n) for n in range(60)]
    mock_upstream.get(f"{API}/order/202309/orders", json=envelope({"orders": [{"id": "x"}]}))

    orders = shop_client(shop_a).orders_get(order_ids=ids)

    assert len(orders) == 2
    sent = [assert_signed(call.request, shop_cipher="ROW_cipher_1")["ids"] for call in mock_upstream.calls]
    assert sent == [",".join(ids[:50]), ",".join(ids[50:])]


@pytest.mark.parametrize(
    ("code", "http_status", "error_class", "attempts"),
    [
        (36009002, 200, RateLimited, 4),  # rate limit: retried (a search POST only reads)
        (36009003, 200, None, 4),  # internal error: retried as a 5xx
        (36009007, 200, None, 4),  # request timeout: retried as a 5xx
        (12019118, 200, BadRequest, 1),  # business error: never retried
        (106001, 200, BadRequest, 1),  # bad sign: never retried
        (None, 503, None, 4),  # a gateway's HTML 503
    ],
)
def test_envelope_errors_map_to_types_and_retry_policy(
    tenant_a, shop_a, mock_upstream, upstream_sleeps, code, http_status, error_class, attempts
):
    from core.http import Upstream5xx

    error_class = error_class or Upstream5xx
    if code is None:
        mock_upstream.post(SEARCH, status=http_status, body="<html>503 Service Temporarily Unavailable</html>", content_type="text/html")
    else:
        mock_upstream.post(SEARCH, status=http_status, json=envelope(None, code=code, message="nope"))
    client = shop_client(shop_a, sleep=upstream_sleeps)

    with pytest.raises(error_class) as caught:
        client.orders_search(filters={})

    assert len(mock_upstream.calls) == attempts
    assert len(upstream_sleeps) == attempts - 1
    if code is not None:
        assert caught.value.code == code


def test_rate_limit_honours_retry_after_then_succeeds(tenant_a, shop_a, mock_upstream, upstream_sleeps):
    mock_upstream.post(SEARCH, status=429, headers={"Retry-After": "2"}, json=envelope(None, code=36009002, message="Too many requests"))
    mock_upstream.post(SEARCH, json=envelope({"orders": [], "next_page_token": "", "total_count": 0}))

    page = shop_client(shop_a, sleep=upstream_sleeps).orders_search(filters={})

    assert page["total_count"] == 0
    assert upstream_sleeps == [2.0]
    timestamps = {assert_signed(call.request, shop_cipher="ROW_cipher_1")["timestamp"] for call in mock_upstream.calls}
    assert len(mock_upstream.calls) == 2 and timestamps  # each attempt signed on its own


def test_expired_token_refreshes_once_saves_encrypted_and_retries(tenant_a, shop_a, mock_upstream):
    mock_upstream.post(
        SEARCH,
        json=envelope(None, code=105002, message="Expired credentials."),
        match=[matchers.header_matcher({"x-tts-access-token": "TTP_access_old_0001"})],
    )
    mock_upstream.post(
        SEARCH,
        json=envelope({"orders": [], "next_page_token": "", "total_count": 0}),
        match=[matchers.header_matcher({"x-tts-access-token": "TTP_access_new_0002"})],
    )
    mock_upstream.get(
        f"{AUTH}/api/v2/token/refresh",
        json=token_payload(),
        match=[
            matchers.query_param_matcher(
                {
                    "app_key": settings.TIKTOK_SHOP_APP_KEY,
                    "app_secret": settings.TIKTOK_SHOP_APP_SECRET,
                    "refresh_token": "TTP_refresh_old_0001",
                    "grant_type": "refresh_token",
                }
            )
        ],
    )
    client = shop_client(shop_a)

    client.orders_search(filters={})

    assert client.last_call.refreshed is True
    shop = ShopConnection.objects.for_tenant(tenant_a).get(pk=shop_a.pk)
    assert (shop.access_token, shop.refresh_token, shop.status) == ("TTP_access_new_0002", "TTP_refresh_new_0002", ConnectionStatus.ACTIVE)
    assert int(shop.access_token_expires_at.timestamp()) == 1_900_000_000
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM shop_sync_shopconnection WHERE id = %s", [shop_a.pk])
        assert "TTP_access_new" not in cursor.fetchone()[0]  # encrypted at rest
    # the secret never reaches the call log
    assert not ApiCallLog.objects.for_tenant(tenant_a).filter(error_message__contains=settings.TIKTOK_SHOP_APP_SECRET).exists()


def test_token_refreshed_by_another_worker_is_used_without_refreshing_again(tenant_a, shop_a, mock_upstream):
    stored = ShopConnection.objects.for_tenant(tenant_a).get(pk=shop_a.pk)
    stored.access_token = "TTP_access_by_other"
    stored.save(update_fields=["access_token"])
    mock_upstream.post(
        SEARCH,
        json=envelope(None, code=105002, message="Expired credentials."),
        match=[matchers.header_matcher({"x-tts-access-token": "TTP_access_old_0001"})],
    )
    mock_upstream.post(
        SEARCH,
        json=envelope({"orders": [], "next_page_token": "", "total_count": 0}),
        match=[matchers.header_matcher({"x-tts-access-token": "TTP_access_by_other"})],
    )

    shop_client(shop_a).orders_search(filters={})

    assert [call.request.url.split("?")[0] for call in mock_upstream.calls] == [SEARCH, SEARCH]  # no token/refresh call


def test_refused_refresh_marks_the_shop_needs_reauth(tenant_a, shop_a, mock_upstream):
    mock_upstream.post(SEARCH, json=envelope(None, code=105002, message="Expired credentials."))
    mock_upstream.get(f"{AUTH}/api/v2/token/refresh", json=envelope(None, code=105003, message="The refresh token is expired."))

    with pytest.raises(AuthExpired):
        shop_client(shop_a).orders_search(filters={})

    shop = ShopConnection.objects.for_tenant(tenant_a).get(pk=shop_a.pk)
    assert shop.status == ConnectionStatus.NEEDS_REAUTH
    assert shop.status_reason == "Token refresh refused: The refresh token is expired."
    assert len(mock_upstream.calls) == 2


def test_token_get_reads_absolute_expiries(tenant_a, mock_upstream):
    mock_upstream.get(f"{AUTH}/api/v2/token/get", json=token_payload())

    grant = TikTokShopAuthClient(tenant=tenant_a).token_get(auth_code="code-1")

    assert int(grant.access_token_expires_at.timestamp()) == 1_900_000_000
    assert int(grant.refresh_token_expires_at.timestamp()) == 1_950_000_000
    assert grant.granted_scopes == ["seller.order.read"]
    row = ApiCallLog.objects.for_tenant(tenant_a).get()
    assert row.provider == "tiktok_shop_auth" and settings.TIKTOK_SHOP_APP_SECRET not in row.endpoint


def test_calls_are_paced_evenly_at_the_rate_limit_across_clients(tenant_a, shop_a):
    """Two clients of one shop share one schedule: one slot per 1/QPS second, no bursts, and a
    slot further away than the caller waits is refused without being taken."""
    from core.ratelimit import PacedRateLimiter

    clock = {"now": 2_000_000_000.0}  # time stands still: every caller arrives at once
    sleeps: list[float] = []
    first, second = (shop_client(shop_a, rate_limit="10/second") for _ in range(2))
    for client in (first, second):
        assert isinstance(client.limiter, PacedRateLimiter)
        client.limiter = PacedRateLimiter("10/second", max_wait=0.25, sleep=sleeps.append, clock=lambda: clock["now"])
    first.limiter.clear(first._credential_id)

    grants = [client.limiter.acquire(client._credential_id) for client in (first, second, first)]
    assert [round(grant.granted_at - clock["now"], 3) for grant in grants] == [0.0, 0.1, 0.2]
    assert [round(pause, 3) for pause in sleeps] == [0.1, 0.2]
    with pytest.raises(RateLimited):
        second.limiter.acquire(second._credential_id)  # the next slot is 0.3 s away
    clock["now"] += 0.3  # the refused call took no slot: the next one is free right then
    assert round(first.limiter.acquire(first._credential_id).granted_at - clock["now"], 3) == 0.0
