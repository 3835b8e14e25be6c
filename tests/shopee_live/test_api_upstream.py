"""The seed's endpoints that read or act through the account's Seller Center session: creator,
promotions, items, campaigns, ads, coins, live status; and the QR login through the sandbox.

Shopee's answers are stubbed at the wire (``mock_upstream``) with the figures each test checks;
the QR login runs against the in-process sandbox emulator."""

from __future__ import annotations

import pytest
import requests
from django.conf import settings

from shopee_live.models import LiveSession, Promotion, QrLogin, ShopeeAccount
from tests.shopee_live.conftest import TOKEN_B, TOKEN_ID
from tests.shopee_live.factories import make_session

API = "/api/live-streaming"
SESSION_ID = "7001001"


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    settings.UPSTREAM_BACKOFF_BASE = 0.0
    settings.UPSTREAM_BACKOFF_MAX = 0.0
    settings.UPSTREAM_RETRY_AFTER_MAX = 1.0  # a longer Retry-After fails at once instead of waiting


def web(path: str) -> str:
    return f"{settings.SHOPEE_WEB_BASE}{path}"


def envelope(data) -> dict:
    return {"code": 0, "msg": "success", "error": 0, "error_msg": "", "data": data}


def stub(mock_upstream, method: str, path: str, data, **kwargs):
    mock_upstream.add(method, web(path), json=envelope(data), **kwargs)


@pytest.fixture
def live_session(account_id):
    return make_session(account_id, SESSION_ID, status="ongoing", total_viewers=10, is_final=False)


def _never_forwarded(mock_upstream, token: str = TOKEN_ID):
    """The caller's token went nowhere upstream: not in a URL, a header or a body."""
    for call in mock_upstream.calls:
        request = call.request
        assert token not in request.url
        assert all(token not in str(value) for value in request.headers.values())
        assert token not in str(request.body or "")


# --- Creator --------------------------------------------------------------------------------


def test_creator_user_info_by_stored_token(viewer_api, account_id, mock_upstream):
    stub(
        mock_upstream,
        "GET",
        "/supply/api/lm/sellercenter/userInfo",
        {"userId": 500001, "username": "toko_jkt", "shopId": 456, "followerCount": 10000},
    )
    response = viewer_api.post(f"{API}/creator/user-info?access_token={TOKEN_ID}")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["user_id"], body["username"], body["shop_id"], body["follower_count"]) == ("500001", "toko_jkt", "456", 10000)
    _never_forwarded(mock_upstream)
    assert "SPC_EC=spc-id" in mock_upstream.calls[0].request.headers["Cookie"]


def test_creator_session_list_in_the_seed_envelope(viewer_api, account_id, mock_upstream):
    row = {"sessionId": 7001001, "title": "Evening live", "status": 1, "viewers": 5000, "placedOrders": 150, "placedSales": 5000000.5}
    stub(mock_upstream, "GET", "/supply/api/lm/sellercenter/realtime/sessionList", {"page": 2, "pageSize": 10, "total": 50, "list": [row]})
    response = viewer_api.post(f"{API}/creator/session-list?shopee_account_id={account_id.pk}&page=2&page_size=10")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "success"
    assert body["data"]["total"] == 50
    [session] = body["data"]["sessions"]
    assert (session["session_id"], session["status"], session["total_orders"], session["total_revenue"], session["currency"]) == (
        "7001001",
        "ongoing",
        150,
        5000001,
        "IDR",
    )
    assert "page=2" in mock_upstream.calls[0].request.url


def test_creator_session_list_bad_page_is_a_400(viewer_api, account_id):
    response = viewer_api.post(f"{API}/creator/session-list?shopee_account_id={account_id.pk}&page=0")
    assert response.status_code == 400 and "page" in response.json()["error"]["fields"]


# --- Naming the account ---------------------------------------------------------------------


def test_an_unknown_or_another_tenants_token_is_a_401(viewer_api, account_id, foreign, mock_upstream):
    for token in ("nope", TOKEN_B):
        response = viewer_api.post(f"{API}/promotions/today?access_token={token}")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unknown_access_token"
    assert not mock_upstream.calls


def test_another_tenants_account_is_a_404_and_none_named_is_a_400(viewer_api, account_id, foreign, mock_upstream):
    assert viewer_api.post(f"{API}/ads-data?shopee_account_id={foreign['account'].pk}").status_code == 404
    missing = viewer_api.post(f"{API}/ads-data")
    assert missing.status_code == 400 and "shopee_account_id" in missing.json()["error"]["fields"]
    assert not mock_upstream.calls


# --- Promotions -----------------------------------------------------------------------------


PROMOTIONS = {"promotions": [{"promotion_id": "promo_1", "name": "Flash Sale", "budget": 5000000, "spent": 3000000, "status": "ongoing"}]}


def test_promotions_today(viewer_api, account_id, mock_upstream):
    stub(mock_upstream, "GET", "/api/app/pas/v1/live_stream/get_promotions_today/", PROMOTIONS)
    body = viewer_api.post(f"{API}/promotions/today?access_token={TOKEN_ID}").json()
    assert body["status"] == "success"
    [promotion] = body["data"]["promotions"]
    assert (promotion["promotion_id"], promotion["name"], promotion["budget"], promotion["spent"], promotion["currency"]) == (
        "promo_1",
        "Flash Sale",
        5000000,
        3000000,
        "IDR",
    )
    assert body["data"]["stale"] is False
    _never_forwarded(mock_upstream)


def test_promotions_today_when_shopee_is_down_serves_the_stored_ones_marked_stale(viewer_api, account_id, mock_upstream):
    stub(mock_upstream, "GET", "/api/app/pas/v1/live_stream/get_promotions_today/", PROMOTIONS)
    viewer_api.post(f"{API}/promotions/today?shopee_account_id={account_id.pk}")
    mock_upstream.replace("GET", web("/api/app/pas/v1/live_stream/get_promotions_today/"), status=503, json={})
    response = viewer_api.post(f"{API}/promotions/today?shopee_account_id={account_id.pk}")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["stale"] is True and data["stale_reason"]
    assert [(p["promotion_id"], p["budget"]) for p in data["promotions"]] == [("promo_1", 5000000)]


def test_promotion_edit_changes_the_budget(api, account_id, mock_upstream):
    account_id.promotion_budget_limit = 20_000_000
    account_id.save()
    stub(
        mock_upstream,
        "POST",
        "/api/app/pas/v1/live_stream/edit/",
        {"promotion_id": "promo_1", "name": "Updated Flash Sale", "budget": 10000000, "spent": 3000000},
    )
    body = {"promotion_id": "promo_1", "name": "Updated Flash Sale", "budget": 10000000}
    response = api.post(f"{API}/promotions/edit?access_token={TOKEN_ID}", body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert (data["name"], data["budget"], data["spent"]) == ("Updated Flash Sale", 10000000, 3000000)
    assert Promotion.objects.for_tenant(account_id.tenant_id).get().budget == 10000000
    assert '"budget": 10000000' in mock_upstream.calls[0].request.body.decode()
    _never_forwarded(mock_upstream)


@pytest.mark.parametrize("budget", [-1, "ten", 25_000_000])
def test_promotion_edit_bad_budget_is_a_400_naming_it_and_nothing_is_sent(api, account_id, mock_upstream, budget):
    account_id.promotion_budget_limit = 20_000_000
    account_id.save()
    response = api.post(
        f"{API}/promotions/edit?shopee_account_id={account_id.pk}", {"promotion_id": "promo_1", "budget": budget}, format="json"
    )
    assert response.status_code == 400
    assert "budget" in response.json()["error"]["fields"]
    assert not mock_upstream.calls


def test_promotion_edit_needs_an_admin(viewer_api, account_id):
    response = viewer_api.post(
        f"{API}/promotions/edit?shopee_account_id={account_id.pk}", {"promotion_id": "p", "budget": 1}, format="json"
    )
    assert response.status_code == 403


def test_streaming_promotions(viewer_api, account_id, mock_upstream):
    stub(
        mock_upstream,
        "GET",
        "/api/v4/streaming_promotion/streamer_selector/",
        {"streamers": [{"streamer_id": 123, "name": "Host A", "followers": 10000}], "total": 1},
    )
    assert viewer_api.post(f"{API}/streaming-promotions?access_token={TOKEN_ID}").json() == {
        "streamers": [{"streamer_id": "123", "name": "Host A", "followers": 10000}],
        "total": 1,
    }


# --- Items ----------------------------------------------------------------------------------


ITEMS = {
    "items": [{"item_id": "item_1", "name": "T-Shirt", "price": 50000, "stock": 100}],
    "offset": 0,
    "limit": 50,
    "total": 1,
    "has_more": False,
}


def test_item_promotions(viewer_api, account_id, mock_upstream):
    stub(mock_upstream, "GET", "/api/v1/item/promotion", ITEMS)
    body = viewer_api.post(f"{API}/items/promotion?access_token={TOKEN_ID}&offset=0&limit=50").json()
    [row] = body["items"]
    assert (row["item_id"], row["name"], row["price"], row["stock"], row["currency"]) == ("item_1", "T-Shirt", 50000, 100, "IDR")
    assert row["product_url"] == "https://shopee.co.id/product/456/item_1"
    assert body["total"] == 1


def test_item_promotions_bad_paging_is_a_400(viewer_api, account_id, mock_upstream):
    for query, field in (("limit=101", "limit"), ("offset=-1", "offset")):
        response = viewer_api.post(f"{API}/items/promotion?shopee_account_id={account_id.pk}&{query}")
        assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not mock_upstream.calls


def test_item_promotion_detail(viewer_api, account_id, mock_upstream):
    stub(mock_upstream, "GET", "/api/v1/item/promotion/promo_9", {**ITEMS, "promotion_id": "promo_9", "name": "Payday"})
    body = viewer_api.post(f"{API}/items/promotion/promo_9?shopee_account_id={account_id.pk}").json()
    assert (body["promotion_id"], body["name"], body["items"][0]["price"]) == ("promo_9", "Payday", 50000)


# --- Campaigns and ads ----------------------------------------------------------------------


def test_campaign_expense_today(viewer_api, account_id, mock_upstream):
    data = {
        "total_spend": 5000000,
        "campaign_count": 3,
        "campaigns": [{"campaign_id": "c1", "name": "Live boost", "spend": 2500000, "budget": 4000000}],
    }
    stub(mock_upstream, "GET", "/api/app/pas/v1/live_stream/get_campaign_expense_today/", data)
    body = viewer_api.post(f"{API}/campaign/expense-today?access_token={TOKEN_ID}").json()
    assert body == {
        "status": "success",
        "data": {
            "total_spend": 5000000,
            "campaign_count": 3,
            "campaigns": [{"campaign_id": "c1", "name": "Live boost", "spend": 2500000, "budget": 4000000}],
            "currency": "IDR",
        },
    }


def test_ads_data_roi_as_the_seed_writes_it(viewer_api, account_id, mock_upstream):
    data = {"total_impressions": 50000, "total_clicks": 5000, "total_spend": 3000000, "total_gmv": 4500000}
    stub(mock_upstream, "GET", "/api/app/pas/v1/meta/get_ads_data/", data)
    body = viewer_api.post(f"{API}/ads-data?access_token={TOKEN_ID}").json()
    assert body == {
        "status": "success",
        "data": {
            "total_impressions": 50000,
            "total_clicks": 5000,
            "total_spend": 3000000,
            "total_gmv": 4500000,
            "roi": "1.5x",
            "currency": "IDR",
        },
    }


def test_shopee_down_is_a_503_with_retry_after_and_a_broken_answer_a_502(viewer_api, account_id, mock_upstream):
    mock_upstream.add("GET", web("/api/app/pas/v1/meta/get_ads_data/"), status=503, json={}, headers={"Retry-After": "7"})
    down = viewer_api.post(f"{API}/ads-data?shopee_account_id={account_id.pk}")
    assert down.status_code == 503
    assert down.json()["error"]["code"] == "upstream_unavailable"
    assert down.json()["error"]["retry_after"] == 7
    mock_upstream.add("GET", web("/api/app/pas/v1/live_stream/get_campaign_expense_today/"), status=500, body="<html>oops</html>")
    broken = viewer_api.post(f"{API}/campaign/expense-today?shopee_account_id={account_id.pk}")
    assert broken.status_code == 502
    assert broken.json()["error"]["code"] == "upstream_error"


def test_shopee_unreachable_is_a_503(viewer_api, account_id, mock_upstream):
    mock_upstream.add("GET", web("/api/app/pas/v1/meta/get_ads_data/"), body=requests.ConnectionError("refused"))
    response = viewer_api.post(f"{API}/ads-data?shopee_account_id={account_id.pk}")
    assert response.status_code == 503
    assert response.json()["error"]["retry_after"] >= 1


# --- Coins ----------------------------------------------------------------------------------


def test_coin_start(api, live_session, mock_upstream):
    data = {"session_id": SESSION_ID, "total_coins": 1000, "distribution_mode": "random", "coins_distributed": 1000, "balance": 9000}
    stub(mock_upstream, "POST", f"/api/v1/session/{SESSION_ID}/coin/start", data)
    response = api.post(
        f"{API}/coin/start/{SESSION_ID}?access_token={TOKEN_ID}", {"total_coins": 1000, "distribution_mode": "random"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "success"
    assert response.json()["coins_distributed"] == 1000
    _never_forwarded(mock_upstream)


@pytest.mark.parametrize(
    ("body", "field"), [({"total_coins": 0}, "total_coins"), ({"total_coins": 10, "distribution_mode": "all"}, "distribution_mode")]
)
def test_coin_start_bad_body_is_a_400(api, live_session, mock_upstream, body, field):
    response = api.post(f"{API}/coin/start/{SESSION_ID}", body, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not mock_upstream.calls


def test_coin_start_on_a_session_that_is_not_live_keeps_shopees_words(api, live_session, mock_upstream):
    mock_upstream.add(
        "POST",
        web(f"/api/v1/session/{SESSION_ID}/coin/start"),
        json={**envelope(None), "code": 100, "error": 100, "msg": "session is not ongoing", "error_msg": "session is not ongoing"},
    )
    response = api.post(f"{API}/coin/start/{SESSION_ID}", {"total_coins": 10}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_state"
    assert "not ongoing" in response.json()["error"]["message"]


def test_coin_giveout(api, live_session, mock_upstream):
    stub(
        mock_upstream,
        "POST",
        f"/api/v1/session/{SESSION_ID}/coin/giveout",
        {"session_id": SESSION_ID, "coins_distributed": 1000, "coins_left": 8000},
    )
    response = api.post(f"{API}/coin/giveout/{SESSION_ID}", {"amount": 100, "recipient_count": 10}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["amount"], body["recipient_count"], body["coins_distributed"]) == ("success", 100, 10, 1000)
    bad = api.post(f"{API}/coin/giveout/{SESSION_ID}", {"amount": 100}, format="json")
    assert bad.status_code == 400 and "recipient_count" in bad.json()["error"]["fields"]


def test_coin_reward_info(viewer_api, live_session, mock_upstream):
    data = {"total_coins": 1000, "distribution_mode": "random", "total_distributed": 1000, "total_claimed": 800, "total_value": 500000}
    stub(mock_upstream, "GET", f"/api/v1/session/{SESSION_ID}/coin/rewardinfo", data)
    body = viewer_api.get(f"{API}/coin/reward-info/{SESSION_ID}?access_token={TOKEN_ID}").json()
    assert (body["total_distributed"], body["total_claimed"], body["total_value"], body["currency"]) == (1000, 800, 500000, "IDR")
    session = LiveSession.objects.get(pk=live_session.pk)
    assert (session.coins_distributed, session.coins_claimed, session.coin_total_value) == (1000, 800, 500000)


def test_coins_need_a_session_of_the_tenant_and_its_own_account(api, live_session, foreign, studio, mock_upstream):
    assert api.post(f"{API}/coin/start/sess_b_1", {"total_coins": 10}, format="json").status_code == 404
    assert api.get(f"{API}/coin/reward-info/sess_b_1").status_code == 404
    assert api.get(f"{API}/coin/reward-info/{SESSION_ID}?access_token={TOKEN_B}").status_code == 401
    assert not mock_upstream.calls


def test_coin_writes_need_an_admin(viewer_api, live_session):
    assert viewer_api.post(f"{API}/coin/start/{SESSION_ID}", {"total_coins": 10}, format="json").status_code == 403


# --- Live status ----------------------------------------------------------------------------


def test_shop_status(viewer_api, account_id, mock_upstream):
    stub(
        mock_upstream,
        "GET",
        "/api/v1/shop_page/live/ongoing",
        {"ongoing_live": {"session_id": 7001001, "ccu": 5000, "viewer_count": 12000, "title": "Live"}},
    )
    body = viewer_api.post(f"{API}/shop-status?uid=500001&access_token={TOKEN_ID}").json()
    assert (body["is_live"], body["current_session_id"], body["viewers_count"]) == (True, "7001001", 5000)
    mock_upstream.replace("GET", web("/api/v1/shop_page/live/ongoing"), json=envelope({"ongoing_live": None}))
    assert viewer_api.post(f"{API}/shop-status?uid=500002&shopee_account_id={account_id.pk}").json() == {
        "is_live": False,
        "current_session_id": None,
        "viewers_count": 0,
    }
    missing = viewer_api.post(f"{API}/shop-status?shopee_account_id={account_id.pk}")
    assert missing.status_code == 400 and "uid" in missing.json()["error"]["fields"]


# --- QR login (sandbox) ---------------------------------------------------------------------


def test_qr_generate_status_and_login(api, studio, sandbox):
    from sandbox.emulators.shopee.tokens import qr_confirm
    from tests.shopee_live.account_fixtures import DEMO_ACCOUNT, sandbox_account

    generated = api.post(f"{API}/qr-generate", {"studio_id": studio.pk, "region": "ID"}, format="json")
    assert generated.status_code == 200, generated.json()
    qr = generated.json()
    assert qr["qrcode_image"].startswith("data:image/png;base64,")
    assert qr["status"] == "NEW" and qr["expires_at"]

    early = api.post(f"{API}/qr-login", {"qrcode_id": qr["qrcode_id"]}, format="json")
    assert early.status_code == 409 and early.json()["error"]["qr_status"] == "NEW"

    qr_confirm(qrcode_id=qr["qrcode_id"], account=DEMO_ACCOUNT)
    status = api.post(f"{API}/qr-status", {"qrcode_id": qr["qrcode_id"]}, format="json").json()
    account = ShopeeAccount.objects.for_tenant(studio.tenant_id).get()
    assert (status["status"], status["shopee_account_id"]) == ("CONFIRMED", account.pk)

    login = api.post(f"{API}/qr-login", {"qrcode_id": qr["qrcode_id"]}, format="json")
    assert login.status_code == 200
    expected = sandbox_account(DEMO_ACCOUNT)
    body = login.json()
    assert (body["shopee_account_id"], body["user_id"], body["shop_id"], body["region"]) == (
        account.pk,
        str(expected["user_id"]),
        str(expected["shop_id"]),
        "ID",
    )
    assert body["access_token"].startswith("••••••••") and account.web_session not in body["access_token"]


def test_qr_refusals(api, viewer_api, studio, foreign, sandbox, in_a):
    bad = api.post(f"{API}/qr-generate", {"studio_id": studio.pk, "region": "US"}, format="json")
    assert bad.status_code == 400 and "region" in bad.json()["error"]["fields"]
    assert api.post(f"{API}/qr-generate", {"studio_id": foreign["studio"].pk, "region": "ID"}, format="json").status_code == 404
    assert viewer_api.post(f"{API}/qr-generate", {"studio_id": studio.pk, "region": "ID"}, format="json").status_code == 403
    assert api.post(f"{API}/qr-status", {"qrcode_id": "unknown"}, format="json").status_code == 404
    assert api.post(f"{API}/qr-status", {}, format="json").status_code == 400
    qr = api.post(f"{API}/qr-generate", {"studio_id": studio.pk, "region": "ID"}, format="json").json()
    QrLogin.objects.filter(qrcode_id=qr["qrcode_id"]).update(status="EXPIRED", message="This code expired. Scan again.")
    expired = api.post(f"{API}/qr-login", {"qrcode_id": qr["qrcode_id"]}, format="json")
    assert expired.status_code == 410 and expired.json()["error"]["code"] == "qr_expired"
