"""integrations.shopee: the Open Platform signature, the two envelopes' errors, and the wire
clients with credentials of their own (no account model, no services)."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from responses import matchers

from core.http import AuthExpired, BadRequest, Misconfigured, RateLimited, Upstream5xx
from integrations.base import StaticCredentials
from integrations.shopee import (
    ApiType,
    ShopeeAuthClient,
    ShopeeOpenClient,
    ShopeeWebClient,
    api_type_for,
    authorize_url,
    base_string,
    error_class_for,
    from_platform_time,
    shopee_sign,
    web_error_class_for,
)

API = "https://partner.shopee.test/prefix"
WEB = "https://seller.shopee.test"
KEY = "partner-key-123"
PARTNER = 2001887
METRIC = f"{API}/api/v2/livestream/get_session_metric"


def envelope(response=None, *, error="", message=""):
    return {"error": error, "message": message, "request_id": "ab" * 16, "response": response if response is not None else {}}


def query_of(request) -> dict:
    return dict(parse_qsl(urlsplit(request.url).query))


class RenewingCredentials:
    def __init__(self, token, renewed):
        self.access_token = token
        self.renewed = renewed
        self.renewals: list[str] = []
        self.refusals: list[str] = []

    def renew(self, failed_token):
        self.renewals.append(failed_token)
        self.access_token = self.renewed
        return self.renewed

    def refused(self, failed_token):
        self.refusals.append(failed_token)


def open_client(tenant, credentials, **kwargs):
    return ShopeeOpenClient(
        tenant=tenant, partner_id=PARTNER, partner_key=KEY, credentials=credentials, user_id=7001, base_url=API, max_attempts=3, **kwargs
    )


# --- signing ---


def test_base_strings_of_each_api_type():
    assert (
        base_string(partner_id=10090, path="/api/v2/shop/auth_partner", timestamp=1594897040) == "10090/api/v2/shop/auth_partner1594897040"
    )
    assert base_string(partner_id=1, path="/api/v2/livestream/get_session_metric", timestamp=2, access_token="tok", owner_id=77) == (
        "1/api/v2/livestream/get_session_metric2tok77"
    )
    expected = hmac.new(b"k", b"10090/api/v2/shop/auth_partner1594897040", hashlib.sha256).hexdigest()
    assert shopee_sign(partner_key="k", partner_id=10090, path="/api/v2/shop/auth_partner", timestamp=1594897040) == expected
    assert len(expected) == 64 and expected == expected.lower()


@pytest.mark.parametrize(
    ("path", "api_type"),
    [
        ("/api/v2/auth/token/get", ApiType.PUBLIC),
        ("/api/v2/auth/access_token/get", ApiType.PUBLIC),
        ("/api/v2/shop/auth_partner", ApiType.PUBLIC),
        ("/api/v2/livestream/get_session_detail", ApiType.USER),
        ("/api/v2/principal/get_session_livestream_performance", ApiType.PRINCIPAL),
        ("/api/v2/product/get_item_list", ApiType.SHOP),
    ],
)
def test_api_types(path, api_type):
    assert api_type_for(path) is api_type


# --- envelopes ---


@pytest.mark.parametrize(
    ("error", "message", "http_status", "expected"),
    [
        ("invalid_access_token", "Invalid access_token.", 200, AuthExpired),
        ("invalid_acceess_token", "Invalid access_token.", 200, AuthExpired),
        ("error_auth", "Invalid refresh_token.", 200, AuthExpired),
        ("error_auth", "You are not authorized", 200, AuthExpired),
        ("error_sign", "Wrong sign.", 200, AuthExpired),
        ("error_auth", "partner_id is invalid", 200, Misconfigured),
        ("error_auth", "No permission to current api.", 200, Misconfigured),
        ("error_rate_limit", "Too many requests. You have reached the rate limit.", 429, RateLimited),
        ("error_server", "Too many requests, please try again later", 200, RateLimited),
        ("error_server", "The API is not supported for current region", 200, Misconfigured),
        ("error_server", "Internal server error", 500, Upstream5xx),
        ("error_data", "The session(session_id:6236215) is not ongoing", 200, BadRequest),
        ("error_param", "Invalid timestamp", 200, BadRequest),
        ("invalid_code", "The code is expired or used or invalid, please check the code.", 200, BadRequest),
    ],
)
def test_open_platform_errors(error, message, http_status, expected):
    assert error_class_for(error, message, http_status=http_status) is expected


@pytest.mark.parametrize(
    ("code", "message", "http_status", "expected"),
    [
        (401, "Not logged in, please log in again.", 200, AuthExpired),
        (429, "Too many requests, please try again later.", 429, RateLimited),
        (500, "system error", 500, Upstream5xx),
        (1001, "the session is not live", 200, BadRequest),
        (2, "qrcode not found", 200, BadRequest),
    ],
)
def test_web_errors(code, message, http_status, expected):
    assert web_error_class_for(code, message, http_status=http_status) is expected


def test_platform_times_in_seconds_or_milliseconds():
    assert from_platform_time(1747651742) == from_platform_time(1747651742003)
    assert from_platform_time(1747651742).year == 2025
    assert from_platform_time(0) is None and from_platform_time(None) is None and from_platform_time("x") is None


# --- the Open Platform client ---


def test_livestream_calls_are_user_signed_with_a_fresh_timestamp(tenant_a, mock_upstream):
    mock_upstream.get(METRIC, json=envelope({"gmv": 12.5, "orders": 3}))

    metric = open_client(tenant_a, StaticCredentials("tok-1")).session_metric(6236215)

    assert metric == {"gmv": 12.5, "orders": 3}
    query = query_of(mock_upstream.calls[0].request)
    assert (query["partner_id"], query["access_token"], query["user_id"], query["session_id"]) == (str(PARTNER), "tok-1", "7001", "6236215")
    assert "shop_id" not in query
    assert query["sign"] == shopee_sign(
        partner_key=KEY,
        partner_id=PARTNER,
        path="/api/v2/livestream/get_session_metric",
        timestamp=query["timestamp"],
        access_token="tok-1",
        owner_id="7001",
    )


def test_posts_send_json_bodies_and_sign_in_the_query(tenant_a, mock_upstream):
    mock_upstream.post(f"{API}/api/v2/livestream/add_item_list", json=envelope({}))

    open_client(tenant_a, StaticCredentials("tok-1")).add_items(55, [{"item_id": "12", "shop_id": 3}])

    request = mock_upstream.calls[0].request
    assert json.loads(request.body) == {"session_id": 55, "item_list": [{"item_id": 12, "shop_id": 3}]}
    assert request.headers["Content-Type"] == "application/json"
    assert {"partner_id", "timestamp", "sign", "access_token", "user_id"} <= set(query_of(request))


def test_principal_calls_sign_with_the_principal_id(tenant_a, mock_upstream):
    mock_upstream.post(f"{API}/api/v2/principal/get_session_livestream_performance", json=envelope({"details": [], "summary": []}))
    client = ShopeeOpenClient(
        tenant=tenant_a, partner_id=PARTNER, partner_key=KEY, credentials=StaticCredentials("tok"), principal_id=500000001, base_url=API
    )

    assert client.session_performance(start_date="2026-01-01", end_date="2026-01-31") == {"details": [], "summary": []}

    query = query_of(mock_upstream.calls[0].request)
    assert query["principal_id"] == "500000001" and "user_id" not in query
    assert query["sign"] == shopee_sign(
        partner_key=KEY,
        partner_id=PARTNER,
        path="/api/v2/principal/get_session_livestream_performance",
        timestamp=query["timestamp"],
        access_token="tok",
        owner_id="500000001",
    )


def test_item_metrics_follow_the_pages(tenant_a, mock_upstream):
    url = f"{API}/api/v2/livestream/get_session_item_metric"
    mock_upstream.get(
        url,
        json=envelope({"more": True, "next_offset": 2, "list": [{"item": {"item_id": 1}}, {"item": {"item_id": 2}}]}),
        match=[matchers.query_param_matcher({"offset": "0"}, strict_match=False)],
    )
    mock_upstream.get(
        url,
        json=envelope({"more": False, "next_offset": 3, "list": [{"item": {"item_id": 3}}]}),
        match=[matchers.query_param_matcher({"offset": "2"}, strict_match=False)],
    )

    items = list(open_client(tenant_a, StaticCredentials("tok")).session_item_metrics(9, page_size=2))

    assert [entry["item"]["item_id"] for entry in items] == [1, 2, 3]


@pytest.mark.parametrize("error", ["invalid_access_token", "error_sign"])
def test_a_token_error_renews_once_and_the_call_goes_again_re_signed(tenant_a, mock_upstream, error):
    mock_upstream.get(
        METRIC,
        json=envelope(error=error, message="refused"),
        match=[matchers.query_param_matcher({"access_token": "old"}, strict_match=False)],
    )
    mock_upstream.get(
        METRIC, json=envelope({"orders": 1}), match=[matchers.query_param_matcher({"access_token": "new"}, strict_match=False)]
    )
    credentials = RenewingCredentials("old", "new")
    client = open_client(tenant_a, credentials)

    assert client.session_metric(1) == {"orders": 1}

    assert credentials.renewals == ["old"] and credentials.refusals == []
    second = query_of(mock_upstream.calls[1].request)
    assert second["sign"] == shopee_sign(
        partner_key=KEY,
        partner_id=PARTNER,
        path="/api/v2/livestream/get_session_metric",
        timestamp=second["timestamp"],
        access_token="new",
        owner_id="7001",
    )


def test_a_renewed_token_refused_again_is_reported_to_the_credentials(tenant_a, mock_upstream):
    mock_upstream.get(METRIC, json=envelope(error="error_sign", message="Wrong sign."))
    credentials = RenewingCredentials("old", "new")

    with pytest.raises(AuthExpired):
        open_client(tenant_a, credentials).session_metric(1)

    assert credentials.renewals == ["old"] and credentials.refusals == ["new"]
    assert len(mock_upstream.calls) == 2


def test_rate_limits_back_off_and_retry(tenant_a, mock_upstream):
    waits: list[float] = []
    mock_upstream.get(
        METRIC, status=429, json=envelope(error="error_rate_limit", message="Too many requests."), headers={"Retry-After": "1"}
    )
    mock_upstream.get(METRIC, json=envelope({"orders": 2}))

    assert open_client(tenant_a, StaticCredentials("tok"), sleep=waits.append).session_metric(1) == {"orders": 2}

    assert waits == [1.0]


def test_state_errors_carry_the_platform_message(tenant_a, mock_upstream):
    mock_upstream.get(METRIC, json=envelope(error="error_data", message="The session(session_id:1) is not ongoing"))

    with pytest.raises(BadRequest) as caught:
        open_client(tenant_a, StaticCredentials("tok")).session_metric(1)

    assert caught.value.message == "The session(session_id:1) is not ongoing"
    assert caught.value.code == "error_data"
    assert len(mock_upstream.calls) == 1


# --- tokens and the authorize URL ---


def test_token_get_reads_the_top_level_fields(tenant_a, mock_upstream):
    mock_upstream.post(
        f"{API}/api/v2/auth/token/get",
        json={
            "error": "",
            "message": "",
            "request_id": "x",
            "access_token": "acc",
            "refresh_token": "ref",
            "expire_in": 14400,
            "user_id_list": [7001],
            "shop_id_list": [9001],
            "principal_id_list": [500000001],
        },
    )
    client = ShopeeAuthClient(tenant=tenant_a, partner_id=PARTNER, partner_key=KEY, base_url=API)

    grant = client.token_get(code="c0de", user_id="7001")

    assert (grant.access_token, grant.refresh_token, grant.user_ids, grant.shop_ids, grant.principal_ids) == (
        "acc",
        "ref",
        ["7001"],
        ["9001"],
        ["500000001"],
    )
    assert 14399 <= (grant.access_token_expires_at - grant.refresh_token_expires_at).total_seconds() + 30 * 86400 <= 14401
    request = mock_upstream.calls[0].request
    assert json.loads(request.body) == {"code": "c0de", "partner_id": PARTNER, "user_id": 7001}
    query = query_of(request)
    assert "access_token" not in query
    assert query["sign"] == shopee_sign(partner_key=KEY, partner_id=PARTNER, path="/api/v2/auth/token/get", timestamp=query["timestamp"])


def test_a_spent_refresh_token_is_an_auth_error(tenant_a, mock_upstream):
    mock_upstream.post(
        f"{API}/api/v2/auth/access_token/get", json={"error": "error_auth", "message": "Invalid refresh_token.", "request_id": "x"}
    )
    client = ShopeeAuthClient(tenant=tenant_a, partner_id=PARTNER, partner_key=KEY, base_url=API)

    with pytest.raises(AuthExpired) as caught:
        client.token_refresh(refresh_token="spent", user_id=7001)

    assert caught.value.message == "Invalid refresh_token."
    assert "spent" not in str(caught.value)


def test_authorize_url_is_public_signed():
    url = authorize_url(
        authorize_base=f"{API}/api/v2/shop/auth_partner",
        partner_id=PARTNER,
        partner_key=KEY,
        redirect="https://app/cb?state=s",
        timestamp=1700000000,
    )

    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{API}/api/v2/shop/auth_partner"
    assert query["redirect"] == "https://app/cb?state=s"
    assert query["sign"] == shopee_sign(partner_key=KEY, partner_id=PARTNER, path="/api/v2/shop/auth_partner", timestamp=1700000000)


# --- the web client ---


def web_ok(data):
    return {"code": 0, "msg": "success", "error": 0, "error_msg": "", "data": data}


def test_web_calls_send_the_cookie_and_the_browser_headers(tenant_a, mock_upstream):
    mock_upstream.get(
        f"{WEB}/supply/api/lm/sellercenter/realtime/sessionList", json=web_ok({"page": 1, "pageSize": 10, "total": 0, "list": []})
    )
    client = ShopeeWebClient(tenant=tenant_a, region="ID", region_domain="co.id", credentials=StaticCredentials("spc-1"), base_url=WEB)

    assert client.realtime_sessions()["total"] == 0

    request = mock_upstream.calls[0].request
    assert request.headers["Cookie"] == "SPC_EC=spc-1"
    assert (request.headers["x-region"], request.headers["x-region-domain"], request.headers["x-env"]) == ("id", "co.id", "live")


def test_web_answers_never_leave_a_cookie_behind(tenant_a, mock_upstream):
    mock_upstream.post(
        f"{WEB}/api/v2/authentication/qrcode_login",
        json=web_ok({"token": "spc-new", "user_id": 1}),
        headers={"Set-Cookie": "SPC_EC=spc-new; Path=/"},
    )
    mock_upstream.get(f"{WEB}/api/v2/authentication/gen_qrcode", json=web_ok({"qrcode_id": "q"}))
    client = ShopeeWebClient(tenant=tenant_a, region="VN", region_domain="vn", base_url=WEB)

    assert client.qr_login("tok")["token"] == "spc-new"
    client.qr_generate()

    assert "Cookie" not in mock_upstream.calls[1].request.headers


def test_a_web_auth_error_is_auth_expired(tenant_a, mock_upstream):
    mock_upstream.get(
        f"{WEB}/supply/api/lm/sellercenter/userInfo",
        json={"code": 401, "msg": "Not logged in, please log in again.", "error": 401, "data": None},
    )
    refused: list[str] = []
    client = ShopeeWebClient(
        tenant=tenant_a, region="ID", region_domain="co.id", credentials=StaticCredentials("spc", on_refused=refused.append), base_url=WEB
    )

    with pytest.raises(AuthExpired):
        client.creator_user_info()

    assert refused == ["spc"]


def test_a_web_refusal_carries_its_message(tenant_a, mock_upstream):
    mock_upstream.post(
        f"{WEB}/api/v1/session/77/coin/start",
        json={"code": 1001, "msg": "the session is not live", "error": 1001, "error_msg": "the session is not live", "data": None},
    )
    client = ShopeeWebClient(tenant=tenant_a, region="ID", region_domain="co.id", credentials=StaticCredentials("spc"), base_url=WEB)

    with pytest.raises(BadRequest) as caught:
        client.coin_start(77, total_coins=10, distribution_mode="random")

    assert (caught.value.message, caught.value.code) == ("the session is not live", 1001)
