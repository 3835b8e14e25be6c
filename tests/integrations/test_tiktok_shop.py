"""integrations.tiktok_shop: the signature, the envelope's codes, and the wire client with a
credentials object of its own (no shop model, no services)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from responses import matchers

from core.http import AuthExpired, BadRequest, RateLimited, Upstream5xx
from integrations.base import StaticCredentials
from integrations.tiktok_shop import TikTokShopClient, error_class_for, tiktok_sign, webhook_signature

API = "https://open-api.tiktokglobalshop.test/api"
SEARCH = f"{API}/order/202309/orders/search"


def test_sign_matches_the_platform_test_vector():
    # EcomPHP tests/ClientTest.php::testPrepareSignature
    assert tiktok_sign(app_secret="app_secret", path="/test-api", params={"foo": "bar"}) == (
        "d3cb7fe11ecae942802ceeca67e7cf10120cc12f1517d45fbc1c8cfe5413c80f"
    )
    # sign and access_token never take part; list values are skipped
    assert tiktok_sign(
        app_secret="app_secret", path="/test-api", params={"foo": "bar", "sign": "x", "access_token": "t", "ids": ["1"]}
    ) == ("d3cb7fe11ecae942802ceeca67e7cf10120cc12f1517d45fbc1c8cfe5413c80f")


def test_webhook_signature_is_hmac_of_app_key_and_body():
    import hashlib
    import hmac

    body = b'{"type":1}'
    assert webhook_signature(app_key="k", app_secret="s", body=body) == hmac.new(b"s", b"k" + body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("code", "http_status", "message", "expected"),
    [
        (36009002, 200, "", RateLimited),
        (12019118, 429, "", RateLimited),  # a gateway's 429 says more than the code
        (36009003, 200, "", Upstream5xx),
        (36009007, 200, "", Upstream5xx),
        (12019118, 502, "", Upstream5xx),
        (105002, 200, "", AuthExpired),  # six-digit 105xxx: token
        (360001, 200, "", AuthExpired),  # six-digit 360xxx: token
        (36009004, 200, "Invalid access_token.", AuthExpired),
        (36009004, 200, "Invalid timestamp.", BadRequest),  # eight-digit 360xxxxx: gateway, not token
        (106001, 200, "", BadRequest),
        (12019118, 401, "", AuthExpired),
    ],
)
def test_envelope_codes(code, http_status, message, expected):
    assert error_class_for(code, http_status=http_status, message=message) is expected


class RenewingCredentials:
    def __init__(self, token, renewed):
        self.access_token = token
        self.renewed = renewed
        self.refused: list[str] = []

    def renew(self, failed_token):
        self.refused.append(failed_token)
        self.access_token = self.renewed
        return self.renewed


def _client(tenant, credentials, **kwargs):
    return TikTokShopClient(
        tenant=tenant, app_key="k1", app_secret="s3cr3t-app", credentials=credentials, shop_cipher="ROW_c", base_url=API, **kwargs
    )


def test_calls_are_signed_over_the_path_below_the_base_and_the_bytes_sent(tenant_a, mock_upstream):
    mock_upstream.post(SEARCH, json={"code": 0, "message": "Success", "data": {"orders": [], "next_page_token": "", "total_count": 0}})

    _client(tenant_a, StaticCredentials("tok-1")).orders_search(filters={"create_time_ge": 1})

    request = mock_upstream.calls[0].request
    params = dict(parse_qsl(urlsplit(request.url).query))
    unsigned = {key: value for key, value in params.items() if key != "sign"}
    assert params["sign"] == tiktok_sign(app_secret="s3cr3t-app", path="/order/202309/orders/search", params=unsigned, body=request.body)
    assert (params["app_key"], params["shop_cipher"]) == ("k1", "ROW_c")
    assert json.loads(request.body) == {"create_time_ge": 1}
    assert request.headers["x-tts-access-token"] == "tok-1"


def test_a_refused_token_is_renewed_through_the_credentials_and_the_call_goes_again(tenant_a, mock_upstream):
    mock_upstream.post(
        SEARCH,
        json={"code": 105002, "message": "Expired credentials.", "data": None},
        match=[matchers.header_matcher({"x-tts-access-token": "tok-old"})],
    )
    mock_upstream.post(
        SEARCH,
        json={"code": 0, "message": "Success", "data": {"orders": [{"id": "1"}], "total_count": 1}},
        match=[matchers.header_matcher({"x-tts-access-token": "tok-new"})],
    )
    credentials = RenewingCredentials("tok-old", "tok-new")
    client = _client(tenant_a, credentials)

    assert client.orders_search(filters={})["total_count"] == 1
    assert credentials.refused == ["tok-old"]
    assert client.last_call.refreshed is True


def test_credentials_that_cannot_renew_leave_the_auth_error(tenant_a, mock_upstream):
    mock_upstream.post(SEARCH, json={"code": 105002, "message": "Expired credentials.", "data": None})
    refused: list[str] = []

    with pytest.raises(AuthExpired):
        _client(tenant_a, StaticCredentials("tok-old", on_refused=refused.append)).orders_search(filters={})

    assert refused == ["tok-old"]
    assert len(mock_upstream.calls) == 1
