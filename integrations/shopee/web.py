"""Shopee Seller Center / creator web endpoints (reference §1.7; docs/shopee_live.md): the QR
login and what the browser dashboard calls, authenticated by the ``SPC_EC`` session cookie the
QR login sets.

One base URL for every host: the region goes in the ``x-region`` / ``x-region-domain`` headers,
as the browser sends them (with ``x-env: live``). Errors come back as HTTP 200 with a non-zero
``code`` or ``error`` (``envelope.raise_for_web_envelope``); a missing or expired session is an
``AuthExpired``. These endpoints are not a public API: field names are as observed.
"""

from __future__ import annotations

from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import quote

import requests

from integrations.base import CredentialedClient, Credentials, StaticCredentials
from integrations.shopee.envelope import raise_for_web_envelope

SESSION_COOKIE = "SPC_EC"

# QR login (the shopee.<domain> host).
QR_GENERATE_PATH = "/api/v2/authentication/gen_qrcode"
QR_STATUS_PATH = "/api/v2/authentication/qrcode_status"
QR_LOGIN_PATH = "/api/v2/authentication/qrcode_login"

# The creator host (live dashboards).
SELLERCENTER = "/supply/api/lm/sellercenter"
REALTIME_SESSIONS_PATH = f"{SELLERCENTER}/realtime/sessionList"
LIVE_HISTORY_PATH = f"{SELLERCENTER}/liveList/v2"
DASHBOARD_OVERVIEW_PATH = f"{SELLERCENTER}/realtime/dashboard/overview"
DASHBOARD_SESSION_INFO_PATH = f"{SELLERCENTER}/realtime/dashboard/sessionInfo"
DASHBOARD_TRENDS_PATH = f"{SELLERCENTER}/realtime/dashboard/trends"
DASHBOARD_PRODUCTS_PATH = f"{SELLERCENTER}/realtime/dashboard/productList"
CREATOR_USER_INFO_PATH = f"{SELLERCENTER}/userInfo"

# The seller host.
STREAMING_PROMOTIONS_PATH = "/api/v4/streaming_promotion/streamer_selector/"

# The seller-app host: live-stream promotions (ads) and their reports.
PROMOTIONS_TODAY_PATH = "/api/app/pas/v1/live_stream/get_promotions_today/"
PROMOTION_EDIT_PATH = "/api/app/pas/v1/live_stream/edit/"
CAMPAIGN_EXPENSE_TODAY_PATH = "/api/app/pas/v1/live_stream/get_campaign_expense_today/"
ADS_DATA_PATH = "/api/app/pas/v1/meta/get_ads_data/"

# The live host: item promotions, coins, live status.
ITEM_PROMOTIONS_PATH = "/api/v1/item/promotion"
ITEM_PROMOTION_DETAIL_PATH = "/api/v1/item/promotion/{promo_id}"
COIN_START_PATH = "/api/v1/session/{session_id}/coin/start"
COIN_GIVEOUT_PATH = "/api/v1/session/{session_id}/coin/giveout"
COIN_REWARD_INFO_PATH = "/api/v1/session/{session_id}/coin/rewardinfo"
SHOP_LIVE_STATUS_PATH = "/api/v1/shop_page/live/ongoing"

TREND_METRICS = ("ccu", "engagedCcu", "entering", "addToCart", "order", "gmv", "confirmedGmv", "confirmedOrder")


class ShopeeWebClient(CredentialedClient):
    """The web endpoints for one account's session cookie in one region. The cookie can't be
    renewed by us (a new QR login is needed), so a refused one surfaces as ``AuthExpired``
    after the credentials had their say."""

    provider = "shopee_web"

    def __init__(self, *, region: str, region_domain: str, credentials: Credentials | None = None, **kwargs: Any):
        self.region = region.lower()
        self.region_domain = region_domain
        super().__init__(credentials=credentials or StaticCredentials(""), **kwargs)

    def prepare_request(self, request: requests.Request) -> None:
        request.headers["x-env"] = "live"
        request.headers["x-region"] = self.region
        request.headers["x-region-domain"] = self.region_domain
        token = self.access_token
        if token:
            request.cookies = {SESSION_COOKIE: token}
        if request.method != "GET" and request.json is None and request.data is None:
            request.json = {}

    def build_session(self) -> requests.Session:
        session = super().build_session()
        # The cookie is the credential: only the one this client was given is ever sent.
        session.cookies.set_policy(_NoCookies())
        return session

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        raise_for_web_envelope(self, response, payload)
        super().raise_for_response(response, payload)

    @staticmethod
    def _data(payload: Any) -> Any:
        data = (payload or {}).get("data") if isinstance(payload, dict) else None
        return data if data is not None else {}

    # --- QR login ---

    def qr_generate(self) -> dict:
        """``{"qrcode_id", "qrcode_base64"}``."""
        return self._data(self.get(QR_GENERATE_PATH))

    def qr_status(self, qrcode_id: str) -> dict:
        """``{"status": NEW|SCANNED|CONFIRMED|EXPIRED|CANCELED, "qrcode_token"}``."""
        return self._data(self.get(QR_STATUS_PATH, params={"qrcode_id": qrcode_id}, endpoint=QR_STATUS_PATH))

    def qr_login(self, qrcode_token: str) -> dict:
        """Trade a confirmed QR's token for the session: ``{"token", "shop_id", "user_id",
        "username", "region"}``; the token is also the ``SPC_EC`` cookie the answer sets."""
        return self._data(self.post(QR_LOGIN_PATH, json={"qrcode_token": qrcode_token}))

    # --- creator: sessions and dashboards ---

    def realtime_sessions(self, *, page: int = 1, page_size: int = 10, name: str = "") -> dict:
        params = {"page": page, "pageSize": page_size, "name": name, "orderBy": "", "sort": ""}
        return self._data(self.get(REALTIME_SESSIONS_PATH, params=params))

    def live_history(self, *, page: int = 1, page_size: int = 100, time_dim: str = "30d", end_date: str = "", name: str = "") -> dict:
        params = {"page": page, "pageSize": page_size, "name": name, "orderBy": "", "sort": "", "timeDim": time_dim}
        if end_date:
            params["endDate"] = end_date
        return self._data(self.get(LIVE_HISTORY_PATH, params=params))

    def dashboard_overview(self, session_id: int | str) -> dict:
        return self._data(self.get(DASHBOARD_OVERVIEW_PATH, params={"sessionId": session_id}))

    def dashboard_session_info(self, session_id: int | str) -> dict:
        return self._data(self.get(DASHBOARD_SESSION_INFO_PATH, params={"sessionId": session_id}))

    def dashboard_trends(self, session_id: int | str, *, start_ms: int, end_ms: int, metrics: tuple[str, ...] = TREND_METRICS) -> Any:
        # A list value goes out as the repeated ``metricTrend=`` the endpoint reads.
        params = {"sessionId": session_id, "startTime": start_ms, "endTime": end_ms, "metricTrend": list(metrics)}
        return self._data(self.get(DASHBOARD_TRENDS_PATH, params=params))

    def dashboard_products(self, session_id: int | str, *, page: int = 1, page_size: int = 50) -> dict:
        params = {
            "sessionId": session_id,
            "productName": "",
            "productListTimeRange": 0,
            "productListOrderBy": "productClicks",
            "sort": "desc",
            "page": page,
            "pageSize": page_size,
        }
        return self._data(self.get(DASHBOARD_PRODUCTS_PATH, params=params))

    def creator_user_info(self) -> dict:
        return self._data(self.get(CREATOR_USER_INFO_PATH))

    def streaming_promotions(self) -> dict:
        return self._data(self.get(STREAMING_PROMOTIONS_PATH))

    # --- promotions and ads ---

    def promotions_today(self) -> dict:
        return self._data(self.get(PROMOTIONS_TODAY_PATH))

    def promotion_edit(self, promotion_id: str, *, name: str | None = None, budget: Any = None) -> dict:
        body: dict[str, Any] = {"promotion_id": promotion_id}
        if name is not None:
            body["name"] = name
        if budget is not None:
            body["budget"] = budget
        return self._data(self.post(PROMOTION_EDIT_PATH, json=body, idempotent=True))

    def item_promotions(self, *, offset: int = 0, limit: int = 50) -> dict:
        return self._data(self.get(ITEM_PROMOTIONS_PATH, params={"offset": offset, "limit": limit}))

    def item_promotion_detail(self, promo_id: str, *, offset: int = 0, limit: int = 50) -> dict:
        path = ITEM_PROMOTION_DETAIL_PATH.format(promo_id=quote(str(promo_id), safe=""))
        return self._data(self.get(path, params={"offset": offset, "limit": limit}, endpoint=ITEM_PROMOTION_DETAIL_PATH))

    def campaign_expense_today(self) -> dict:
        return self._data(self.get(CAMPAIGN_EXPENSE_TODAY_PATH))

    def ads_data(self) -> dict:
        return self._data(self.get(ADS_DATA_PATH))

    # --- coins and live status ---

    def coin_start(self, session_id: int | str, *, total_coins: int, distribution_mode: str) -> dict:
        body = {"total_coins": total_coins, "distribution_mode": distribution_mode}
        return self._data(self.post(COIN_START_PATH.format(session_id=session_id), json=body, endpoint=COIN_START_PATH))

    def coin_giveout(self, session_id: int | str, *, amount: int, recipient_count: int) -> dict:
        body = {"amount": amount, "recipient_count": recipient_count}
        return self._data(self.post(COIN_GIVEOUT_PATH.format(session_id=session_id), json=body, endpoint=COIN_GIVEOUT_PATH))

    def coin_reward_info(self, session_id: int | str) -> dict:
        return self._data(self.get(COIN_REWARD_INFO_PATH.format(session_id=session_id), endpoint=COIN_REWARD_INFO_PATH))

    def shop_live_status(self, uid: int | str) -> dict:
        """``{"ongoing_live": {...} | None}`` for the user ``uid`` (public on Shopee)."""
        return self._data(self.get(SHOP_LIVE_STATUS_PATH, params={"uid": uid}))


class _NoCookies(DefaultCookiePolicy):
    """Stores no cookie an answer sets: the only cookie ever sent is the one given."""

    def set_ok(self, cookie, request) -> bool:
        return False
