"""The app's Shopee clients: settings, the account's user id, region, rate limit, circuit and
tenant, and secrets masked in every message."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings

from core.http import AuthExpired
from core.models import ApiCallLog
from shopee_live.client import ShopeeOpenClient, ShopeeWebClient, shopee_rate_limit
from shopee_live.services import open_client, web_client
from tests.shopee_live.account_fixtures import make_account


def envelope(response=None, *, error="", message=""):
    return {"error": error, "message": message, "request_id": "c" * 32, "response": response or {}}


def test_open_client_runs_for_the_account(tenant_a, studio_a, mock_upstream):
    account = make_account(tenant_a, studio_a)
    mock_upstream.get(
        f"{settings.SHOPEE_OPEN_API_BASE}/api/v2/livestream/get_item_count", json=envelope({"item_count": 3, "max_item_count": 100})
    )

    with open_client(account) as client:
        assert client.item_count(5) == {"item_count": 3, "max_item_count": 100}

    query = dict(parse_qsl(urlsplit(mock_upstream.calls[0].request.url).query))
    assert (query["partner_id"], query["user_id"], query["access_token"]) == (str(settings.SHOPEE_PARTNER_ID), "7001", "open-token-7001")
    assert client.tenant == tenant_a and client.account == account
    assert client.fixed_breaker_key == f"shopee-open:account:{account.pk}"
    assert client.limiter is not None  # SHOPEE_RATE_LIMIT per account
    assert "7001" in client.credential_label and "open-token" not in client.credential_label
    log = ApiCallLog.objects.for_tenant(tenant_a).get()
    assert (log.provider, log.endpoint, log.outcome) == ("shopee", "/api/v2/livestream/get_item_count", "ok")


def test_accounts_have_their_own_limits_and_circuits(tenant_a, studio_a):
    first = make_account(tenant_a, studio_a)
    second = make_account(tenant_a, studio_a, user_id="7002")

    one, two = ShopeeOpenClient(account=first), ShopeeOpenClient(account=second)

    assert one.refresh_lock_name != two.refresh_lock_name
    assert one.fixed_breaker_key != two.fixed_breaker_key
    assert shopee_rate_limit() == (
        f"{settings.SHOPEE_RATE_LIMIT}/second" if isinstance(settings.SHOPEE_RATE_LIMIT, int) else settings.SHOPEE_RATE_LIMIT
    )


def test_web_client_sends_the_accounts_session_and_region(tenant_a, studio_a, mock_upstream):
    account = make_account(tenant_a, studio_a, region="VN", currency="VND")
    mock_upstream.get(
        f"{settings.SHOPEE_WEB_BASE}/supply/api/lm/sellercenter/userInfo",
        json={"code": 0, "msg": "success", "error": 0, "error_msg": "", "data": {"userId": 7001}},
    )

    with web_client(account) as client:
        assert client.creator_user_info() == {"userId": 7001}

    request = mock_upstream.calls[0].request
    assert request.headers["Cookie"] == "SPC_EC=spc-ec-7001"
    assert (request.headers["x-region"], request.headers["x-region-domain"]) == ("vn", "vn")


def test_tokens_never_reach_a_message(tenant_a, studio_a, mock_upstream):
    account = make_account(tenant_a, studio_a, access_token="", refresh_token="refresh-secret")
    mock_upstream.get(
        f"{settings.SHOPEE_WEB_BASE}/supply/api/lm/sellercenter/userInfo",
        json={"code": 401, "msg": "Not logged in: spc-ec-7001 refresh-secret", "error": 401, "data": None},
    )

    with pytest.raises(AuthExpired) as caught, web_client(account) as client:
        client.creator_user_info()

    assert "spc-ec-7001" not in caught.value.message and "refresh-secret" not in caught.value.message
    assert "spc-ec-7001" not in ApiCallLog.objects.for_tenant(tenant_a).get().error_message


def test_the_qr_client_needs_a_region(tenant_a):
    with pytest.raises(ValueError):
        ShopeeWebClient(tenant=tenant_a)
    assert ShopeeWebClient(tenant=tenant_a, region="TH").region_domain == "co.th"
