"""TikTok Shop emulator: signing, tokens, the authorize page, errors, faults, QPS, webhooks."""

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
import responses
from django.conf import settings

from sandbox.emulators.tiktok_shop.data import HISTORY_END
from sandbox.emulators.tiktok_shop.signing import request_sign, signature_base, webhook_sign
from sandbox.models import TikTokShopAuthCode
from tests.sandbox.tiktok_shop_client import API, AUTH, CONTROL, PartnerApi, freeze_clock, issue_tokens, shop

NOW = HISTORY_END + 3 * 86400 + 7_200
SHOPS_PATH = "/authorization/202309/shops"


@pytest.fixture(autouse=True)
def _pinned(settings, db):
    settings.SANDBOX_SEED = 20260101
    settings.TIKTOK_SHOP_APP_KEY = "6sandboxappkey"
    settings.TIKTOK_SHOP_APP_SECRET = "sandbox-app-secret-0123456789abcdef"
    freeze_clock(NOW)


@pytest.fixture
def tokens():
    return issue_tokens("demo")


@pytest.fixture
def api(client, tokens):
    return PartnerApi(client, access_token=tokens["access_token"])


@pytest.fixture
def shop_api(client, tokens):
    return PartnerApi(client, access_token=tokens["access_token"], cipher=shop("demo-my").cipher)


def control(client, path, payload=None):
    return client.post(f"{CONTROL}/{path}", data=json.dumps(payload or {}), content_type="application/json")


# --- Signing ---------------------------------------------------------------------------------


def test_signature_matches_the_reference_test_vector():
    assert request_sign(app_secret="app_secret", path="/test-api", params={"foo": "bar"}) == (
        "d3cb7fe11ecae942802ceeca67e7cf10120cc12f1517d45fbc1c8cfe5413c80f"
    )


def test_signature_base_sorts_pairs_drops_sign_token_and_arrays_and_appends_the_body():
    params = [
        ("timestamp", "1700000000"),
        ("app_key", "k"),
        ("sign", "x"),
        ("access_token", "t"),
        ("ids", "1"),
        ("ids", "2"),
        ("page_size", "10"),
    ]
    assert signature_base(path="/order/202309/orders/search", params=params, body=b'{"a":1}') == (
        b'/order/202309/orders/searchapp_keykpage_size10timestamp1700000000{"a":1}'
    )
    body = b'{"order_status":"UNPAID"}'
    signed = request_sign(app_secret="s", path="/p", params={"a": "1"}, body=body, method="POST", content_type="application/json")
    expected = hmac.new(b"s", b"s/pa1" + body + b"s", hashlib.sha256).hexdigest()
    assert signed == expected
    # GET and multipart bodies are not signed.
    assert request_sign(app_secret="s", path="/p", params={"a": "1"}, body=body, method="GET") == request_sign(
        app_secret="s", path="/p", params={"a": "1"}
    )
    assert request_sign(app_secret="s", path="/p", params={}, body=body, method="POST", content_type="multipart/form-data; boundary=x") == (
        request_sign(app_secret="s", path="/p", params={})
    )


def test_signed_call_lists_the_sellers_shops_in_the_platform_envelope(api):
    response = api.get(SHOPS_PATH)
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == 0 and body["message"] == "Success"
    assert len(body["request_id"]) == 34 and body["request_id"].isalnum()
    assert body["data"]["shops"] == [shop("demo-my").describe(), shop("demo-id").describe()]
    assert [(s["name"], s["region"], s["seller_type"]) for s in body["data"]["shops"]] == [
        ("Glow Corner MY", "MY", "LOCAL"),
        ("Glow Corner ID", "ID", "LOCAL"),
    ]
    assert all(s["cipher"].startswith("ROW_") for s in body["data"]["shops"])


def _query(api, path, method="GET", **overrides):
    params = api.signed_query(method, path)
    params.update(overrides)
    return {key: value for key, value in params.items() if value is not None}


@pytest.mark.parametrize(
    ("overrides", "status", "code", "message_start"),
    [
        ({"app_key": None}, 400, 36009004, "Invalid credentials. Invalid `app_key`"),
        ({"app_key": "someone-else"}, 400, 36009004, "Invalid credentials. Invalid `app_key`"),
        ({"sign": None}, 200, 36009004, "Missing credentials."),
        ({"sign": "0" * 64}, 200, 106001, "Invalid credentials. The `sign`"),
        ({"page_size": "10"}, 200, 106001, "Invalid credentials. The `sign`"),  # a param added after signing
        ({"timestamp": "yesterday"}, 200, 36009004, "Invalid timestamp."),
    ],
)
def test_bad_credentials_are_rejected_with_the_platform_codes(client, api, overrides, status, code, message_start):
    query = _query(api, SHOPS_PATH, **overrides)
    response = client.get(f"{API}{SHOPS_PATH}?{urlencode(query)}", headers={"x-tts-access-token": api.access_token})
    body = response.json()
    assert (response.status_code, body["code"]) == (status, code)
    assert body["message"].startswith(message_start)
    assert body["request_id"] and "data" not in body


def test_a_tampered_body_fails_the_signature(client, shop_api):
    path = "/order/202309/orders/search"
    signed_body = json.dumps({"order_status": "UNPAID"}).encode()
    query = shop_api.signed_query("POST", path, {"page_size": 10}, signed_body)
    tampered = b'{"order_status":"COMPLETED"}'
    headers = {"x-tts-access-token": shop_api.access_token}
    response = client.post(f"{API}{path}?{urlencode(query)}", data=tampered, content_type="application/json", headers=headers)
    assert response.json()["code"] == 106001
    untouched = client.post(f"{API}{path}?{urlencode(query)}", data=signed_body, content_type="application/json", headers=headers)
    assert untouched.json()["code"] == 0


@pytest.mark.parametrize(
    ("skew", "code"),
    [(-301, 36009004), (-290, 0), (25, 0), (35, 36009004)],
)
def test_timestamp_window_is_five_minutes_back_and_thirty_seconds_ahead(api, skew, code):
    body = api.get(SHOPS_PATH, timestamp=int(time.time()) + skew).json()
    assert body["code"] == code
    if skew == -301:
        assert body["message"].endswith("must not be earlier than 5 minutes before the current time.")
    if skew == 35:
        assert body["message"].endswith("must not exceed the current time by more than 30 seconds.")


def test_access_token_and_shop_cipher_checks(client, tokens):
    missing = PartnerApi(client, access_token="").get(SHOPS_PATH).json()
    unknown = PartnerApi(client, access_token="TTP_nope").get(SHOPS_PATH).json()
    assert (missing["code"], unknown["code"]) == (36009004, 36009004)
    assert unknown["message"] == "Invalid credentials. The `x-tts-access-token` header is invalid."

    no_cipher = PartnerApi(client, access_token=tokens["access_token"]).search().json()
    assert no_cipher["code"] == 106013
    assert no_cipher["message"] == "Missing identifier. The `shop_cipher` query parameter is required to identify the target shop."
    foreign = PartnerApi(client, access_token=tokens["access_token"], cipher=shop("large-th").cipher).search().json()
    assert foreign["code"] == 36009004 and "shop_cipher" in foreign["message"]
    unexpected = PartnerApi(client, access_token=tokens["access_token"], cipher=shop("demo-my").cipher).get(SHOPS_PATH).json()
    assert unexpected["message"] == "Unexpected identifier. The `shop_cipher` query parameter is not required for this request."


def test_a_client_signing_the_full_url_path_through_the_bridge_is_accepted(sandbox):
    path = "/order/202309/orders/search"
    url = f"{settings.TIKTOK_SHOP_API_BASE}{path}"
    body = json.dumps({"create_time_ge": NOW - 10 * 86400}).encode()
    params = {
        "app_key": settings.TIKTOK_SHOP_APP_KEY,
        "timestamp": str(int(time.time())),
        "shop_cipher": shop("mini-my").cipher,
        "page_size": "5",
    }
    mini = issue_tokens("mini")
    params["sign"] = request_sign(
        app_secret=settings.TIKTOK_SHOP_APP_SECRET,
        path=urlsplit(url).path,
        params=params,
        body=body,
        method="POST",
        content_type="application/json",
    )
    response = requests.post(
        url, params=params, data=body, headers={"x-tts-access-token": mini["access_token"], "content-type": "application/json"}, timeout=5
    )
    assert response.status_code == 200 and response.json()["code"] == 0
    assert len(response.json()["data"]["orders"]) == 5


# --- Auth host ---------------------------------------------------------------------------------


def test_authorize_page_lists_sellers_and_redirects_with_a_code_and_the_state(client):
    url = f"{AUTH}/oauth/authorize?" + urlencode({"app_key": settings.TIKTOK_SHOP_APP_KEY, "state": "st-123"})
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Demo Beauty Group", "Siam Beauty Hub", "Glow Corner MY · MYR", "Glow Corner ID · IDR", ">Authorize</button>"):
        assert text in html
    response = client.post(
        f"{AUTH}/oauth/authorize",
        {"app_key": settings.TIKTOK_SHOP_APP_KEY, "state": "st-123", "redirect_uri": settings.TIKTOK_SHOP_REDIRECT_URI, "seller": "large"},
    )
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == settings.TIKTOK_SHOP_REDIRECT_URI
    query = parse_qs(target.query)
    assert query["state"] == ["st-123"]
    code = TikTokShopAuthCode.objects.get(code=query["code"][0])
    assert (code.seller, code.used_at, code.expires_at) == ("large", None, NOW + 600)


def test_authorize_page_refuses_an_unknown_app(client):
    response = client.get(f"{AUTH}/oauth/authorize?app_key=other&state=s")
    assert response.status_code == 400 and "unknown app_key" in response.content.decode()


def _token_get(client, code, **overrides):
    params = {
        "app_key": settings.TIKTOK_SHOP_APP_KEY,
        "app_secret": settings.TIKTOK_SHOP_APP_SECRET,
        "auth_code": code,
        "grant_type": "authorized_code",
    }
    params.update(overrides)
    return client.get(f"{AUTH}/api/v2/token/get", params).json()


def _token_refresh(client, refresh_token):
    params = {
        "app_key": settings.TIKTOK_SHOP_APP_KEY,
        "app_secret": settings.TIKTOK_SHOP_APP_SECRET,
        "refresh_token": refresh_token,
        "grant_type": "refresh_token",
    }
    return client.get(f"{AUTH}/api/v2/token/refresh", params).json()


def test_token_lifecycle_get_single_use_refresh_expire_and_revoke(client):
    code = control(client, "tiktok-shop-auth/codes", {"seller": "demo"}).json()["code"]
    got = _token_get(client, code)
    assert (got["code"], got["message"]) == (0, "success")
    data = got["data"]
    assert data["access_token_expire_in"] == NOW + 7 * 86400
    assert data["refresh_token_expire_in"] == NOW + 365 * 86400
    assert (data["seller_name"], data["seller_base_region"], data["user_type"]) == ("Demo Beauty Group", "MY", 0)
    assert data["access_token"].startswith("TTP_") and data["refresh_token"].startswith("TTP_")

    reused = _token_get(client, code)
    assert (reused["code"], reused["message"]) == (36004004, "Invalid auth code.")
    assert _token_get(client, code, app_secret="wrong")["code"] == 36009004

    api = PartnerApi(client, access_token=data["access_token"])
    assert api.get(SHOPS_PATH).json()["code"] == 0
    assert control(client, "tiktok-shop-auth/tokens/expire", {"shop_id": shop("demo-id").id}).json() == {"expired": 1}
    expired = api.get(SHOPS_PATH).json()
    assert (expired["code"], expired["message"]) == (
        105002,
        "Expired credentials. The `access_token` or `x-tts-access-token` header has expired.",
    )

    refreshed = _token_refresh(client, data["refresh_token"])
    assert refreshed["code"] == 0
    assert refreshed["data"]["access_token"] != data["access_token"]
    assert refreshed["data"]["refresh_token"] == data["refresh_token"]
    assert refreshed["data"]["access_token_expire_in"] == NOW + 7 * 86400
    assert PartnerApi(client, access_token=refreshed["data"]["access_token"]).get(SHOPS_PATH).json()["code"] == 0

    assert control(client, "tiktok-shop-auth/tokens/revoke", {"seller": "demo"}).json() == {"revoked": 1}
    assert PartnerApi(client, access_token=refreshed["data"]["access_token"]).get(SHOPS_PATH).json()["code"] == 36009004
    denied = _token_refresh(client, data["refresh_token"])
    assert (denied["code"], denied["message"]) == (36004005, "can not find related auth record")


def test_auth_codes_expire_after_ten_minutes(client):
    code = control(client, "tiktok-shop-auth/codes", {"seller": "mini"}).json()["code"]
    freeze_clock(NOW + 600)
    assert _token_get(client, code)["code"] == 36004004
    assert control(client, "tiktok-shop-auth/codes", {"seller": "nobody"}).status_code == 404


def test_access_tokens_expire_with_the_sandbox_clock(client, api):
    freeze_clock(NOW + 7 * 86400 - 1)
    assert api.get(SHOPS_PATH).json()["code"] == 0
    freeze_clock(NOW + 7 * 86400)
    assert api.get(SHOPS_PATH).json()["code"] == 105002


# --- Errors, faults, rate limit -------------------------------------------------------------


def test_calls_are_recorded_only_when_asked(sandbox, shop_api):
    shop_api.search(page_size=1)
    assert sandbox.received("tiktok-shop") == []
    sandbox.set_options("tiktok-shop", record_requests=True)
    shop_api.search({"order_status": "COMPLETED"}, page_size=1)
    [record] = sandbox.received("tiktok-shop")
    assert (record.method, record.path, record.status) == ("POST", "/sandbox/tiktok-shop/order/202309/orders/search", 200)
    assert record.query_params["page_size"] == "1" and record.json() == {"order_status": "COMPLETED"}
    assert record.headers["X-Tts-Access-Token"] != shop_api.access_token  # masked


def test_unknown_path_and_wrong_method(client, shop_api):
    missing = client.get(f"{API}/order/202309/nothing")
    assert missing.status_code == 404 and missing.json()["code"] == 36009009
    wrong = client.get(f"{API}/order/202309/orders/search")
    assert wrong.status_code == 405 and wrong.json()["code"] == 36009010


def test_framework_faults_answer_in_the_platform_shape(sandbox, shop_api):
    sandbox.set_faults("tiktok-shop", status=429, retry_after=3, times=1)
    limited = shop_api.search()
    assert limited.status_code == 429 and limited["Retry-After"] == "3"
    assert limited.json()["code"] == 36009002
    assert shop_api.search().json()["code"] == 0
    sandbox.set_faults("tiktok-shop", expired_token=True, times=1)
    assert shop_api.search().json()["code"] == 105002
    sandbox.set_faults("tiktok-shop", status=500, times=1)
    failed = shop_api.search()
    assert failed.status_code == 500 and failed.json()["code"] == 36009003
    sandbox.set_faults("tiktok-shop", status=503, times=1)
    assert shop_api.search()["Content-Type"].startswith("text/html")


def test_qps_limit_answers_429_with_retry_after(monkeypatch, sandbox, shop_api):
    import sandbox.emulators.tiktok_shop.ratelimit as ratelimit

    clock = {"now": 2_000_000_000.1}
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock["now"])
    assert shop_api.search().json()["code"] == 0  # off by default
    sandbox.set_options("tiktok-shop", qps=2)
    clock["now"] += 1
    codes = [shop_api.search(page_size=1).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = shop_api.search(page_size=1)
    assert limited["Retry-After"] == "1"
    assert limited.json()["code"] == 36009002
    assert limited.json()["message"] == "Too many requests. You've made too many requests in a short period of time."
    clock["now"] += 2  # a quiet window later the budget is back
    assert shop_api.search(page_size=1).status_code == 200
    clock["now"] += 2
    paced = []
    for _ in range(12):  # a client pacing itself at exactly qps over six seconds
        clock["now"] += 0.5
        paced.append(shop_api.search(page_size=1).status_code)
    assert paced == [200] * 12


# --- Webhooks and control ----------------------------------------------------------------------


def test_webhook_push_is_signed_like_the_platform(client, sandbox):
    mini = shop("mini-my")
    received = []

    def receiver(request):
        received.append(request)
        return 200, {}, "ok"

    sandbox.mock.add_callback(responses.POST, settings.SANDBOX_TIKTOK_SHOP_WEBHOOK_URL, callback=receiver)
    order_ids = [
        o["id"]
        for o in PartnerApi(client, access_token=issue_tokens("mini")["access_token"], cipher=mini.cipher)
        .search(page_size=2)
        .json()["data"]["orders"]
    ]
    response = control(client, "tiktok-shop/webhooks/send", {"shop_id": mini.id, "order_ids": order_ids})
    assert response.status_code == 200
    assert [item["status"] for item in response.json()["sent"]] == [200, 200]
    assert len(received) == 2
    body = received[0].body
    assert received[0].headers["Authorization"] == webhook_sign(
        app_key=settings.TIKTOK_SHOP_APP_KEY, app_secret=settings.TIKTOK_SHOP_APP_SECRET, body=body
    )
    assert (
        received[0].headers["Authorization"]
        == hmac.new(settings.TIKTOK_SHOP_APP_SECRET.encode(), settings.TIKTOK_SHOP_APP_KEY.encode() + body, hashlib.sha256).hexdigest()
    )
    payload = json.loads(body)
    assert set(payload) == {"type", "shop_id", "timestamp", "data"}
    assert (payload["type"], payload["shop_id"], payload["timestamp"]) == (1, mini.id, NOW)
    assert payload["data"]["order_id"] == order_ids[0]
    assert set(payload["data"]) == {"order_id", "order_status", "update_time"}
    unknown = control(client, "tiktok-shop/webhooks/send", {"shop_id": mini.id, "order_ids": ["123"]})
    assert unknown.status_code == 404


def test_clock_control_freezes_offsets_and_advances(client):
    assert client.get(f"{CONTROL}/tiktok-shop/clock").json() == {"now": NOW, "offset_seconds": 0, "frozen_at": NOW}
    assert control(client, "tiktok-shop/clock", {"advance_seconds": 60}).json()["now"] == NOW + 60
    moving = control(client, "tiktok-shop/clock", {"frozen_at": None, "offset_seconds": -3600}).json()
    assert moving["frozen_at"] is None and abs(moving["now"] - (int(time.time()) - 3600)) <= 2
    assert control(client, "tiktok-shop/clock", {"rewind": 1}).status_code == 400


def test_shops_control_lists_every_sandbox_shop(client):
    listed = client.get(f"{CONTROL}/tiktok-shop/shops").json()
    assert listed["now"] == NOW
    assert [(s["seller"], s["region"], s["currency"], s["time_zone"]) for s in listed["shops"]] == [
        ("demo", "MY", "MYR", "Asia/Kuala_Lumpur"),
        ("demo", "ID", "IDR", "Asia/Jakarta"),
        ("large", "TH", "THB", "Asia/Bangkok"),
        ("mini", "MY", "MYR", "Asia/Kuala_Lumpur"),
    ]
    counts = {s["seller"] + "/" + s["region"]: s["order_count"] for s in listed["shops"]}
    assert counts["large/TH"] >= 370_000 and 3_000 <= counts["demo/MY"] < 3_100 and counts["mini/MY"] < 300


def test_reset_drops_changes_codes_and_tokens(client, api, sandbox):
    mini = shop("mini-my")
    control(client, "tiktok-shop/changes", {"shop_id": mini.id, "new_orders": 2})
    before = client.get(f"{CONTROL}/tiktok-shop/truth", {"shop_id": mini.id}).json()["order_count"]
    sandbox.reset()
    freeze_clock(NOW)  # the reset dropped the options, the clock's included
    assert client.get(f"{CONTROL}/tiktok-shop/truth", {"shop_id": mini.id}).json()["order_count"] == before - 2
    assert api.get(SHOPS_PATH).json()["code"] == 36009004
