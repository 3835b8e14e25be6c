"""Shopee emulators: Open Platform signing, OAuth, the livestream state machine, item bag, comments,
metrics moving with the clock and agreeing with the Seller Center web, QR login, web envelopes."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sandbox.emulators.shopee.data import (
    HISTORY_START,
    account_get,
    accounts,
    catalogue,
    seeded_session_get,
    seeded_sessions,
    session_snapshot,
)
from sandbox.emulators.shopee.signing import request_sign
from sandbox.emulators.shopee.tokens import QR_SECONDS, auth_code_issue, token_get
from sandbox.services import emulator_config_update

API = "/sandbox/shopee"
WEB = "/sandbox/shopee-web"
CONTROL = "/sandbox/_control"
NOW = HISTORY_START + 400 * 86400 + 3600 * 5 + 17  # a fixed instant on the Shopee clock
LIVE_ACCOUNT = "demo-id-1"  # "always" schedule: one session ongoing at any time
API_ACCOUNT = "demo-sg-1"  # no seeded sessions: lives only through create_session


@pytest.fixture(autouse=True)
def _pinned(settings, db):
    settings.SANDBOX_SEED = 20260101
    settings.SHOPEE_PARTNER_ID = 2001887
    settings.SHOPEE_PARTNER_KEY = "test-partner-key"
    freeze(NOW)


def freeze(at: int) -> None:
    emulator_config_update(emulator="shopee", options={"clock_frozen_at": at})


class OpenApi:
    """Calls signed as a client signs them (User type unless told)."""

    def __init__(self, client, account_key: str):
        self.client = client
        self.account = account_get(account_key)
        _, pair = token_get(code=auth_code_issue(account=account_key))
        self.access_token = pair.access_token

    def query(self, path: str, *, entity: str = "user_id", timestamp: int | None = None, sign: str | None = None) -> dict:
        timestamp = int(time.time()) if timestamp is None else timestamp
        entity_id = {"user_id": self.account.user_id, "shop_id": self.account.shop_id}[entity]
        full = f"/api/v2/{path}"
        signed = request_sign(
            partner_key="test-partner-key",
            partner_id=2001887,
            path=full,
            timestamp=timestamp,
            access_token=self.access_token,
            entity_id=entity_id,
        )
        return {"partner_id": 2001887, "timestamp": timestamp, "access_token": self.access_token, entity: entity_id, "sign": sign or signed}

    def get(self, path: str, **params):
        query = {**self.query(path), **params}
        return self.client.get(f"{API}/api/v2/{path}", query).json()

    def post(self, path: str, body: dict, **query_options):
        from urllib.parse import urlencode

        query = urlencode(self.query(path, **query_options))
        return self.client.post(f"{API}/api/v2/{path}?{query}", data=json.dumps(body), content_type="application/json").json()


def public_query(path: str, timestamp: int | None = None) -> str:
    from urllib.parse import urlencode

    timestamp = int(time.time()) if timestamp is None else timestamp
    sign = request_sign(partner_key="test-partner-key", partner_id=2001887, path=path, timestamp=timestamp)
    return urlencode({"partner_id": 2001887, "timestamp": timestamp, "sign": sign})


def ongoing_session_id(account_key: str) -> int:
    account = account_get(account_key)
    return next(s.session_id for s in seeded_sessions(account, NOW - 86400, NOW + 1) if s.status(NOW) == 1)


# --- Signing and OAuth ---------------------------------------------------------------------


def test_right_sign_is_accepted_and_wrong_sign_old_timestamp_and_shop_signing_are_refused(client):
    api = OpenApi(client, LIVE_ACCOUNT)
    session_id = ongoing_session_id(LIVE_ACCOUNT)
    assert api.get("livestream/get_session_detail", session_id=session_id)["error"] == ""

    wrong = client.get(
        f"{API}/api/v2/livestream/get_session_detail",
        {**api.query("livestream/get_session_detail", sign="0" * 64), "session_id": session_id},
    ).json()
    assert (wrong["error"], wrong["message"], wrong["response"]) == ("error_sign", "Wrong sign.", {})
    assert len(wrong["request_id"]) == 32

    old = api.query("livestream/get_session_detail", timestamp=int(time.time()) - 301)
    assert (
        client.get(f"{API}/api/v2/livestream/get_session_detail", {**old, "session_id": session_id}).json()["message"]
        == "Invalid timestamp"
    )

    by_shop = client.get(
        f"{API}/api/v2/livestream/get_session_detail",
        {**api.query("livestream/get_session_detail", entity="shop_id"), "session_id": session_id},
    ).json()
    assert by_shop["error"] == "error_param" and "user_id" in by_shop["message"]


def test_oauth_code_token_refresh_and_the_spent_refresh_token_is_refused(client):
    page = client.get(f"{API}/api/v2/shop/auth_partner?{public_query('/api/v2/shop/auth_partner')}&redirect=https://app.example/cb")
    assert page.status_code == 200 and b"demo-id-1" in page.content
    consent = client.post(
        f"{API}/api/v2/shop/auth_partner?{public_query('/api/v2/shop/auth_partner')}&redirect=https://app.example/cb",
        {"account": "demo-vn-1"},
    )
    params = parse_qs(urlsplit(consent["Location"]).query)
    account = account_get("demo-vn-1")
    assert len(params["code"][0]) == 32 and params["user_id"] == [str(account.user_id)] and params["shop_id"] == [str(account.shop_id)]

    token_path = "/api/v2/auth/token/get"
    body = {"code": params["code"][0], "partner_id": 2001887, "user_id": account.user_id}
    tokens = client.post(f"{API}{token_path}?{public_query(token_path)}", data=json.dumps(body), content_type="application/json").json()
    assert tokens["error"] == "" and tokens["expire_in"] == 14400 and tokens["user_id_list"] == [account.user_id]
    again = client.post(f"{API}{token_path}?{public_query(token_path)}", data=json.dumps(body), content_type="application/json").json()
    assert again["error"] == "invalid_code"

    refresh_path = "/api/v2/auth/access_token/get"
    refresh = {"partner_id": 2001887, "refresh_token": tokens["refresh_token"], "user_id": account.user_id}
    renewed = client.post(
        f"{API}{refresh_path}?{public_query(refresh_path)}", data=json.dumps(refresh), content_type="application/json"
    ).json()
    assert renewed["error"] == "" and renewed["access_token"] != tokens["access_token"] and renewed["user_id"] == account.user_id
    reused = client.post(
        f"{API}{refresh_path}?{public_query(refresh_path)}", data=json.dumps(refresh), content_type="application/json"
    ).json()
    assert (reused["error"], reused["message"]) == ("error_auth", "Invalid refresh_token.")


def test_expired_tokens_unsupported_region_and_rate_limit(client, settings):
    api = OpenApi(client, LIVE_ACCOUNT)
    session_id = ongoing_session_id(LIVE_ACCOUNT)
    freeze(NOW + 4 * 3600)
    assert api.get("livestream/get_item_count", session_id=session_id)["error"] == "invalid_access_token"
    freeze(NOW)

    edge = OpenApi(client, "edge-br-1")
    assert edge.get("livestream/get_recent_item_list", offset=0, page_size=10)["message"] == "The API is not supported for current region"

    emulator_config_update(emulator="shopee", options={"clock_frozen_at": NOW, "qps": 2})
    statuses = [
        client.get(
            f"{API}/api/v2/livestream/get_item_count", {**api.query("livestream/get_item_count"), "session_id": session_id}
        ).status_code
        for _ in range(4)
    ]
    assert 429 in statuses


# --- State machine, item bag, comments -------------------------------------------------------


def test_session_state_machine_and_its_errors(client):
    api = OpenApi(client, API_ACCOUNT)
    other = OpenApi(client, LIVE_ACCOUNT)
    created = api.post(
        "livestream/create_session", {"title": "Payday live", "cover_image_url": "https://cf.shopee.sg/file/x", "is_test": False}
    )
    session_id = created["response"]["session_id"]
    assert api.get("livestream/get_session_detail", session_id=session_id)["response"]["status"] == 0
    assert (
        api.get("livestream/get_session_metric", session_id=session_id)["message"] == f"The session(session_id:{session_id}) is not ongoing"
    )
    assert (
        other.get("livestream/get_session_detail", session_id=session_id)["message"]
        == f"The session(session_id:{session_id}) is not belong to you"
    )
    assert api.get("livestream/get_session_detail", session_id=987654321)["message"] == "The session(session_id:987654321) is not exist"
    assert (
        api.post("livestream/create_session", {"title": "x" * 201, "cover_image_url": "https://a/b"})["message"]
        == "The title cannot exceed 200 characters"
    )

    domain_id = api.get("livestream/get_session_detail", session_id=session_id)["response"]["stream_url_list"]["domain_id"]
    assert api.post("livestream/start_session", {"session_id": session_id, "domain_id": domain_id + 1})["message"] == "Invalid domain_id"
    assert api.post("livestream/start_session", {"session_id": session_id, "domain_id": domain_id})["error"] == ""
    assert api.post("livestream/start_session", {"session_id": session_id, "domain_id": domain_id})["message"].endswith("is ongoing")
    second = api.post("livestream/create_session", {"title": "Second", "cover_image_url": "https://a/b"})
    assert second["message"] == f"The last session(session_id:{session_id}) is still ongoing, please end it first"

    assert api.post("livestream/end_session", {"session_id": session_id})["error"] == ""
    assert api.post("livestream/end_session", {"session_id": session_id})["message"].endswith("is not ongoing")
    item = {"item_id": 1, "shop_id": 1}
    assert api.post("livestream/add_item_list", {"session_id": session_id, "item_list": [item]})["message"].endswith("is ended")
    assert api.get("livestream/get_session_detail", session_id=session_id)["response"]["status"] == 2

    seeded = ongoing_session_id(LIVE_ACCOUNT)
    assert (
        other.post("livestream/end_session", {"session_id": seeded})["message"]
        == "Cannot end session because it's started through Shopee App or Live PC"
    )


def test_item_bag_rules(client):
    api = OpenApi(client, LIVE_ACCOUNT)
    session_id = ongoing_session_id(LIVE_ACCOUNT)
    bag = [
        row["item_id"] for row in api.get("livestream/get_item_list", session_id=session_id, offset=0, page_size=100)["response"]["list"]
    ]
    shop_id = api.account.shop_id
    count = api.get("livestream/get_item_count", session_id=session_id)["response"]
    assert count == {"item_count": len(bag), "max_item_count": 100}
    assert api.get("livestream/get_item_list", session_id=session_id, offset=0, page_size=101)["message"] == (
        "Invalid page_size, page_size must larger than 0 and cannot exceed 100"
    )

    catalogue_ids = [row["item_id"] for row in api.get("livestream/get_recent_item_list", offset=0, page_size=60)["response"]["list"]]
    new = [item_id for item_id in catalogue_ids if item_id not in bag][:2]
    add = api.post("livestream/add_item_list", {"session_id": session_id, "item_list": [{"item_id": new[0], "shop_id": shop_id}] * 2})
    assert add["message"] == f"Item(item_id:{new[0]}) is duplicated in the request"
    assert (
        api.post("livestream/add_item_list", {"session_id": session_id, "item_list": [{"item_id": 5, "shop_id": shop_id}]})["message"]
        == "Item(item_id:5) is not exist"
    )
    assert (
        api.post(
            "livestream/add_item_list",
            {"session_id": session_id, "item_list": [{"item_id": item_id, "shop_id": shop_id} for item_id in new]},
        )["error"]
        == ""
    )
    bag += new

    missing = api.post(
        "livestream/update_item_list", {"session_id": session_id, "item_list": [{"item_id": i, "shop_id": shop_id} for i in bag[1:]]}
    )
    assert "is exist in the shopping bag but not exist in this request" in missing["message"]
    reordered = list(reversed(bag))
    assert (
        api.post(
            "livestream/update_item_list", {"session_id": session_id, "item_list": [{"item_id": i, "shop_id": shop_id} for i in reordered]}
        )["error"]
        == ""
    )
    listed = api.get("livestream/get_item_list", session_id=session_id, offset=0, page_size=100)["response"]["list"]
    assert [row["item_id"] for row in listed] == reordered and listed[0]["item_no"] == 1

    assert api.post("livestream/update_show_item", {"session_id": session_id, "item_id": reordered[0], "shop_id": shop_id})["error"] == ""
    assert api.get("livestream/get_show_item", session_id=session_id)["response"]["item"]["item_id"] == reordered[0]
    assert (
        api.post("livestream/delete_item_list", {"session_id": session_id, "item_list": [{"item_id": reordered[0], "shop_id": shop_id}]})[
            "error"
        ]
        == ""
    )
    assert api.get("livestream/get_show_item", session_id=session_id)["response"]["has_show_item"] is False
    assert api.get("livestream/get_item_count", session_id=session_id)["response"]["item_count"] == len(bag) - 1


def test_too_many_items_and_upload_image(client):
    api = OpenApi(client, API_ACCOUNT)
    session_id = api.post("livestream/create_session", {"title": "Big bag", "cover_image_url": "https://a/b"})["response"]["session_id"]
    domain_id = api.get("livestream/get_session_detail", session_id=session_id)["response"]["stream_url_list"]["domain_id"]
    api.post("livestream/start_session", {"session_id": session_id, "domain_id": domain_id})
    sets = api.get("livestream/get_item_set_list", offset=0, page_size=10)["response"]["list"]
    assert api.post("livestream/apply_item_set", {"session_id": session_id, "item_set_ids": [sets[0]["item_set_id"]]})["error"] == ""
    assert api.get("livestream/get_item_count", session_id=session_id)["response"]["item_count"] == sets[0]["item_count"]
    in_bag = {
        row["item_id"] for row in api.get("livestream/get_item_list", session_id=session_id, offset=0, page_size=100)["response"]["list"]
    }
    more = [{"item_id": item.item_id, "shop_id": item.shop_id} for item in catalogue(api.account) if item.item_id not in in_bag]
    assert (
        api.post("livestream/add_item_list", {"session_id": session_id, "item_list": more[: 101 - sets[0]["item_count"]]})["message"]
        == "Too many items for current session"
    )

    from urllib.parse import urlencode

    query = urlencode(api.query("livestream/upload_image"))
    good = client.post(f"{API}/api/v2/livestream/upload_image?{query}", {"image": SimpleUploadedFile("cover.png", b"\x89PNG....")}).json()
    assert good["response"]["image_url"].startswith("https://cf.shopee.sg/file/")
    bad = client.post(f"{API}/api/v2/livestream/upload_image?{query}", {"image": SimpleUploadedFile("cover.bmp", b"BM..")}).json()
    assert bad["message"] == "Invalid image format, only support jpg/jpeg/png/gif"


def test_comments_come_from_the_last_ten_seconds_and_bans_hide_them(client):
    api = OpenApi(client, LIVE_ACCOUNT)
    session_id = ongoing_session_id(LIVE_ACCOUNT)
    assert api.post("livestream/post_comment", {"session_id": session_id, "content": "Selamat datang!"})["error"] == ""
    assert api.post("livestream/post_comment", {"session_id": session_id, "content": ""})["message"] == "Cannot send empty comment"
    assert (
        api.post("livestream/post_comment", {"session_id": session_id, "content": "x" * 151})["message"]
        == "The content cannot exceed 150 characters"
    )
    latest = api.get("livestream/get_latest_comment_list", session_id=session_id)["response"]
    assert all(NOW - 10 < comment["timestamp"] <= NOW for comment in latest["list"])
    assert any(comment["content"] == "Selamat datang!" for comment in latest["list"])
    assert api.get("livestream/get_latest_comment_list", session_id=session_id, offset=latest["next_offset"])["response"]["list"] == []

    viewer = next(c["user_id"] for c in latest["list"] if c["user_id"] != api.account.user_id)
    assert (
        api.post("livestream/ban_user_comment", {"session_id": session_id, "ban_user_id": api.account.user_id})["message"]
        == "You can not ban yourself"
    )
    assert api.post("livestream/ban_user_comment", {"session_id": session_id, "ban_user_id": viewer})["error"] == ""
    assert viewer not in {c["user_id"] for c in api.get("livestream/get_latest_comment_list", session_id=session_id)["response"]["list"]}

    freeze(NOW + 11)
    later = api.get("livestream/get_latest_comment_list", session_id=session_id)["response"]["list"]
    assert all(comment["content"] != "Selamat datang!" for comment in later)


# --- Metrics: the clock, and both surfaces ----------------------------------------------------


def web_login(client, account: str) -> None:
    qr = client.get(f"{WEB}/api/v2/authentication/gen_qrcode").json()["data"]
    client.post(
        f"{CONTROL}/shopee-web/qr/confirm",
        data=json.dumps({"qrcode_id": qr["qrcode_id"], "account": account}),
        content_type="application/json",
    )
    token = client.get(f"{WEB}/api/v2/authentication/qrcode_status", {"qrcode_id": qr["qrcode_id"]}).json()["data"]["qrcode_token"]
    client.post(f"{WEB}/api/v2/authentication/qrcode_login", data=json.dumps({"qrcode_token": token}), content_type="application/json")


def test_metrics_move_with_the_clock_and_agree_across_surfaces(client):
    api = OpenApi(client, LIVE_ACCOUNT)
    web_login(client, LIVE_ACCOUNT)
    session_id = ongoing_session_id(LIVE_ACCOUNT)
    first = api.get("livestream/get_session_metric", session_id=session_id)["response"]
    freeze(NOW + 600)
    metric = api.get("livestream/get_session_metric", session_id=session_id)["response"]
    assert metric["views"] > first["views"] and metric["gmv"] >= first["gmv"] and metric["orders"] >= first["orders"]

    overview = client.get(f"{WEB}/supply/api/lm/sellercenter/realtime/dashboard/overview", {"sessionId": session_id}).json()
    assert (overview["code"], overview["error"], overview["msg"]) == (0, 0, "success")
    data = overview["data"]
    assert (data["views"], data["placedGmv"], data["placedOrder"], data["atc"], data["ccu"], data["pcu"]) == (
        metric["views"], metric["gmv"], metric["orders"], metric["atc"], metric["ccu"], metric["peak_ccu"],
    )  # fmt: skip
    listed = client.get(f"{WEB}/supply/api/lm/sellercenter/realtime/sessionList", {"page": 1, "pageSize": 50}).json()["data"]
    row = next(row for row in listed["list"] if row["sessionId"] == session_id)
    assert (row["views"], row["placedSales"], row["placedOrders"], row["status"]) == (metric["views"], metric["gmv"], metric["orders"], 1)

    session = seeded_session_get(session_id, NOW + 600)
    trends = client.get(
        f"{WEB}/supply/api/lm/sellercenter/realtime/dashboard/trends",
        {
            "sessionId": session_id,
            "startTime": session.start * 1000,
            "endTime": (NOW + 600) * 1000,
            "metricTrend": ["ccu", "entering", "order", "gmv"],
        },
    ).json()["data"]["trends"]
    by_name = {trend["metric"]: trend["points"] for trend in trends}
    assert sum(point["value"] for point in by_name["entering"]) == metric["views"]
    assert sum(point["value"] for point in by_name["order"]) == metric["orders"]
    assert by_name["ccu"][-1]["value"] == metric["ccu"]

    items = api.get("livestream/get_session_item_metric", session_id=session_id, offset=0, page_size=100)["response"]["list"]
    products = client.get(
        f"{WEB}/supply/api/lm/sellercenter/realtime/dashboard/productList", {"sessionId": session_id, "page": 1, "pageSize": 100}
    ).json()["data"]
    assert sum(item["metric"]["atc"] for item in items) == metric["atc"] == sum(p["atc"] for p in products["list"])

    # After the end, the totals stay: ended sessions keep their final figures.
    freeze(session.end + 3600)
    final = session_snapshot(session, session.end).totals
    assert session_snapshot(session, session.end + 3600).totals == final
    history = client.get(f"{WEB}/supply/api/lm/sellercenter/liveList/v2", {"timeDim": "7d", "page": 1, "pageSize": 1000}).json()["data"]
    ended = next(row for row in history["list"] if row["sessionId"] == session_id)
    assert ended["views"] == final["views"] and "peakViews" in ended and "endTime" not in ended
    api = OpenApi(client, LIVE_ACCOUNT)  # the first token is over 4 hours old by now
    assert api.get("livestream/get_session_metric", session_id=session_id)["message"].endswith("is not ongoing")


# --- Seller Center web ----------------------------------------------------------------------


def test_qr_flow_with_expiry_and_the_cookie(client):
    assert client.get(f"{WEB}/supply/api/lm/sellercenter/userInfo").json()["code"] == 401
    qr = client.post(f"{WEB}/api/v2/authentication/gen_qrcode").json()
    assert qr["error"] == 0 and qr["data"]["qrcode_id"] and qr["data"]["qrcode_base64"]
    status = client.get(f"{WEB}/api/v2/authentication/qrcode_status", {"qrcode_id": qr["data"]["qrcode_id"]}).json()["data"]
    assert status == {"status": "NEW", "qrcode_token": ""}
    freeze(NOW + QR_SECONDS)
    assert (
        client.get(f"{WEB}/api/v2/authentication/qrcode_status", {"qrcode_id": qr["data"]["qrcode_id"]}).json()["data"]["status"]
        == "EXPIRED"
    )
    refused = client.post(
        f"{CONTROL}/shopee-web/qr/confirm",
        data=json.dumps({"qrcode_id": qr["data"]["qrcode_id"], "account": "demo-th-1"}),
        content_type="application/json",
    )
    assert refused.status_code == 409

    page = client.get(f"{WEB}/")
    assert page.status_code == 200 and b"QR" in page.content
    web_login(client, "demo-th-1")
    info = client.get(f"{WEB}/supply/api/lm/sellercenter/userInfo").json()
    account = account_get("demo-th-1")
    assert info["data"]["userId"] == account.user_id and info["data"]["shopId"] == account.shop_id

    client.post(f"{CONTROL}/shopee-web/sessions/expire", data=json.dumps({"account": "demo-th-1"}), content_type="application/json")
    assert client.get(f"{WEB}/supply/api/lm/sellercenter/userInfo").json()["code"] == 401


def test_web_endpoints_envelopes_promotions_and_coins(client):
    web_login(client, LIVE_ACCOUNT)
    session_id = ongoing_session_id(LIVE_ACCOUNT)
    account = account_get(LIVE_ACCOUNT)
    streamers = client.get(f"{WEB}/api/v4/streaming_promotion/streamer_selector/").json()["data"]["streamers"]
    assert streamers and {"streamer_id", "name", "followers"} <= set(streamers[0])

    promotions = client.get(f"{WEB}/api/app/pas/v1/live_stream/get_promotions_today/").json()["data"]["promotions"]
    promotion = promotions[0]
    edit = f"{WEB}/api/app/pas/v1/live_stream/edit/"
    below = client.post(
        edit, data=json.dumps({"promotion_id": promotion["promotion_id"], "budget": -1}), content_type="application/json"
    ).json()
    assert below["code"] != 0 and "below zero" in below["msg"]
    above = client.post(
        edit, data=json.dumps({"promotion_id": promotion["promotion_id"], "budget": 10**12}), content_type="application/json"
    ).json()
    assert "daily limit" in above["msg"]
    edited = client.post(
        edit,
        data=json.dumps({"promotion_id": promotion["promotion_id"], "name": "Malam Gajian", "budget": 40_000_000}),
        content_type="application/json",
    ).json()
    assert edited["code"] == 0 and edited["data"]["name"] == "Malam Gajian" and edited["data"]["budget"] == 40_000_000

    expense = client.get(f"{WEB}/api/app/pas/v1/live_stream/get_campaign_expense_today/").json()["data"]
    assert expense["campaign_count"] == len(promotions) and expense["total_spend"] == sum(c["spend"] for c in expense["campaigns"])
    ads = client.get(f"{WEB}/api/app/pas/v1/meta/get_ads_data/").json()["data"]
    assert {"total_impressions", "total_clicks", "total_spend", "roi"} <= set(ads)

    items = client.get(f"{WEB}/api/v1/item/promotion", {"offset": 0, "limit": 20}).json()
    assert (
        items["err_code"] == 0 and len(items["data"]["items"]) == 20 and isinstance(items["data"]["items"][0]["price"], int)
    )  # IDR: no decimals

    coins = f"{WEB}/api/v1/session/{session_id}/coin"
    started = client.post(
        f"{coins}/start", data=json.dumps({"total_coins": 1000, "distribution_mode": "random"}), content_type="application/json"
    ).json()
    assert started["code"] == 0 and started["data"]["total_coins"] == 1000
    too_much = client.post(
        f"{coins}/giveout", data=json.dumps({"amount": 100, "recipient_count": 11}), content_type="application/json"
    ).json()
    assert too_much["code"] != 0
    client.post(f"{coins}/giveout", data=json.dumps({"amount": 100, "recipient_count": 10}), content_type="application/json")
    reward = client.get(f"{coins}/rewardinfo").json()["data"]
    assert reward["total_distributed"] == 1000 and reward["total_claimed"] <= 1000 and reward["currency"] == "IDR"

    live = client.get(f"{WEB}/api/v1/shop_page/live/ongoing", {"uid": account.user_id}).json()
    assert live["data"]["ongoing_live"]["session_id"] == session_id
    quiet = client.get(f"{WEB}/api/v1/shop_page/live/ongoing", {"uid": account_get(API_ACCOUNT).user_id}).json()
    assert quiet["data"]["ongoing_live"] is None


# --- Fixtures and determinism ---------------------------------------------------------------


def test_fixtures_are_deterministic_and_the_bench_has_a_thousand_ongoing_sessions(client, settings):
    bench = accounts("bench")
    assert len(bench) == 200
    ongoing = sum(1 for account in bench for s in seeded_sessions(account, NOW - 86400, NOW + 1) if s.status(NOW) == 1)
    assert ongoing == 1000
    listing = client.get(f"{CONTROL}/shopee/accounts", {"fixture": "demo"}).json()["accounts"]
    assert {row["region"] for row in listing} == {"ID", "VN", "TH", "MY", "PH", "SG"}
    connected = client.post(f"{CONTROL}/shopee/connect", data=json.dumps({"account": "bench-001"}), content_type="application/json").json()
    assert connected["access_token"] and connected["spc_ec"]
    everyone = client.post(f"{CONTROL}/shopee/connect", data=json.dumps({"fixture": "demo"}), content_type="application/json").json()[
        "accounts"
    ]
    assert len(everyone) == 12 and len({row["spc_ec"] for row in everyone}) == 12

    session = seeded_session_get(ongoing_session_id(LIVE_ACCOUNT), NOW)
    before = session_snapshot(session, NOW).totals
    assert session_snapshot(session, NOW).totals == before
    settings.SANDBOX_SEED = 7
    assert session_snapshot(session, NOW).totals != before


def test_principal_performance_unknown_paths_and_the_seller_center_alias(client):
    api = OpenApi(client, LIVE_ACCOUNT)
    principal_id = 500_000_000 + api.account.number
    path = "/api/v2/principal/get_session_livestream_performance"
    timestamp = int(time.time())
    sign = request_sign(
        partner_key="test-partner-key",
        partner_id=2001887,
        path=path,
        timestamp=timestamp,
        access_token=api.access_token,
        entity_id=principal_id,
    )
    query = f"partner_id=2001887&timestamp={timestamp}&access_token={api.access_token}&principal_id={principal_id}&sign={sign}"
    day = time.strftime("%Y-%m-%d", time.gmtime(NOW - 86400))
    body = {"start_date": day, "end_date": day, "timezone": "GMT+7", "granularity": "day", "page_size": 50}
    performance = client.post(f"{API}{path}?{query}", data=json.dumps(body), content_type="application/json").json()["response"]
    assert performance["details"] and {"session_id", "sales_gross", "unique_viewers", "units_sold"} <= set(performance["details"][0])
    assert performance["summary"][0]["orders"] == sum(row["orders"] for row in performance["details"])

    shop_path = "/api/v2/principal/get_shop_livestream_performance"
    sign = request_sign(
        partner_key="test-partner-key",
        partner_id=2001887,
        path=shop_path,
        timestamp=timestamp,
        access_token=api.access_token,
        entity_id=principal_id,
    )
    query = f"partner_id=2001887&timestamp={timestamp}&access_token={api.access_token}&principal_id={principal_id}&sign={sign}"
    week = client.post(
        f"{API}{shop_path}?{query}", data=json.dumps({**body, "granularity": "customize"}), content_type="application/json"
    ).json()
    assert week["response"]["details"][0]["orders"] == performance["summary"][0]["orders"]

    unknown = api.get("livestream/get_session_list")
    assert (unknown["error"], unknown["response"]) == ("error_param", {}) and "request path is incorrect" in unknown["message"]

    web_login(client, LIVE_ACCOUNT)
    creator = client.get(f"{WEB}/supply/api/lm/sellercenter/realtime/sessionList").json()["data"]
    seller_center = client.get(f"{WEB}/api/supply/lm/sellercenter/realtime/sessionList").json()["data"]
    assert creator == seller_center and creator["total"] > 0


def test_a_cancelled_qr_logs_nobody_in_and_vnd_amounts_have_no_decimals(client):
    qr = client.get(f"{WEB}/api/v2/authentication/gen_qrcode").json()["data"]
    answer = {"qrcode_id": qr["qrcode_id"], "account": "demo-vn-1", "action": "cancel"}
    client.post(f"{CONTROL}/shopee-web/qr/confirm", data=json.dumps(answer), content_type="application/json")
    assert client.get(f"{WEB}/api/v2/authentication/qrcode_status", {"qrcode_id": qr["qrcode_id"]}).json()["data"] == {
        "status": "CANCELED",
        "qrcode_token": "",
    }
    web_login(client, "demo-vn-1")
    items = client.get(f"{WEB}/api/v1/item/promotion", {"limit": 5}).json()["data"]["items"]
    assert all(isinstance(item["price"], int) and item["currency"] == "VND" and item["price"] % 1000 == 0 for item in items)


@pytest.mark.django_db
def test_the_demo_gets_a_shopee_code_and_a_confirmed_qr(client):
    from core.management.commands.demo import demo_upstreams

    with demo_upstreams() as upstreams:
        code = upstreams.auth_code("shopee")
        qrcode_id = upstreams.auth_code("shopee_web")
        assert len(code) == 32
        status = client.get(f"{WEB}/api/v2/authentication/qrcode_status", {"qrcode_id": qrcode_id}).json()["data"]
        assert status["status"] == "CONFIRMED" and status["qrcode_token"]


def test_faults_answer_in_shopee_shapes(client):
    api = OpenApi(client, LIVE_ACCOUNT)
    session_id = ongoing_session_id(LIVE_ACCOUNT)
    query = {**api.query("livestream/get_item_count"), "session_id": session_id}
    expired = client.get(f"{API}/api/v2/livestream/get_item_count", query, headers={"X-Sandbox-Fault": "expired_token"}).json()
    assert (expired["error"], expired["message"], expired["response"]) == ("invalid_access_token", "Invalid access_token.", {})
    limited = client.get(f"{API}/api/v2/livestream/get_item_count", query, headers={"X-Sandbox-Fault": "status=429;retry_after=3"})
    assert limited.status_code == 429 and limited.json()["error"] == "error_rate_limit" and limited["Retry-After"] == "3"

    web_login(client, LIVE_ACCOUNT)
    logged_out = client.get(f"{WEB}/supply/api/lm/sellercenter/userInfo", headers={"X-Sandbox-Fault": "expired_token"}).json()
    assert (logged_out["code"], logged_out["error"], logged_out["data"]) == (401, 401, None)
    assert client.get(f"{WEB}/supply/api/lm/sellercenter/userInfo", headers={"X-Sandbox-Fault": "status=429"}).json()["code"] == 429
