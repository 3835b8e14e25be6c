"""TikTok Shop Partner API (version 202309): the signed Open API client and the token client.

Every Open API call carries ``app_key``, ``timestamp``, ``shop_cipher`` (shop-scoped paths only)
and ``sign`` in the query, and the access token in the ``x-tts-access-token`` header. The sign
(``signing.tiktok_sign``) covers the exact body bytes sent and is recomputed before every
attempt, so a retry carries a fresh timestamp and a renewed token. Errors come back as HTTP 200
with a non-zero ``code`` (``envelope``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests

from core.http import BadRequest, MalformedResponse, UpstreamClient
from core.ratelimit import PacedRateLimiter
from integrations.base import CredentialedClient, Credentials
from integrations.tiktok_shop.envelope import from_unix, raise_for_envelope
from integrations.tiktok_shop.signing import tiktok_sign

ORDERS_SEARCH_PATH = "/order/202309/orders/search"
ORDERS_DETAIL_PATH = "/order/202309/orders"
PRODUCTS_SEARCH_PATH = "/product/202309/products/search"
AUTHORIZED_SHOPS_PATH = "/authorization/202309/shops"
TOKEN_GET_PATH = "/api/v2/token/get"
TOKEN_REFRESH_PATH = "/api/v2/token/refresh"

PAGE_SIZE_MAX = 100
ORDER_IDS_PER_CALL = 50

# Paths the platform refuses a shop_cipher on (reference 1.2).
_NO_CIPHER_PREFIXES = ("/authorization/", "/seller/")


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime
    open_id: str
    seller_name: str
    granted_scopes: list[str]


class TikTokShopAuthClient(UpstreamClient):
    """The auth host: exchange an ``auth_code`` for tokens, and refresh them.

    These endpoints are unsigned GETs carrying the app secret as a parameter; ``safe_text``
    masks it in every logged message.
    """

    provider = "tiktok_shop_auth"

    def __init__(self, *, app_key: str, app_secret: str, **kwargs: Any):
        self.app_key = app_key
        self.app_secret = app_secret
        super().__init__(**kwargs)

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        raise_for_envelope(self, response, payload)
        super().raise_for_response(response, payload)

    def sensitive_values(self) -> Iterable[str]:
        return (self.app_secret,)

    def token_get(self, *, auth_code: str) -> TokenGrant:
        return self._grant(TOKEN_GET_PATH, {"auth_code": auth_code, "grant_type": "authorized_code"})

    def token_refresh(self, *, refresh_token: str) -> TokenGrant:
        return self._grant(TOKEN_REFRESH_PATH, {"refresh_token": refresh_token, "grant_type": "refresh_token"})

    def _grant(self, path: str, params: dict[str, str]) -> TokenGrant:
        payload = self.get(path, params={"app_key": self.app_key, "app_secret": self.app_secret, **params})
        data = (payload or {}).get("data") or {}
        access_expiry = from_unix(data.get("access_token_expire_in"))
        refresh_expiry = from_unix(data.get("refresh_token_expire_in"))
        if not data.get("access_token") or not data.get("refresh_token") or access_expiry is None or refresh_expiry is None:
            raise BadRequest("Token response without tokens or expiries.", provider=self.provider, endpoint=path)
        return TokenGrant(
            access_token=data["access_token"],
            access_token_expires_at=access_expiry,
            refresh_token=data["refresh_token"],
            refresh_token_expires_at=refresh_expiry,
            open_id=str(data.get("open_id") or ""),
            seller_name=str(data.get("seller_name") or ""),
            granted_scopes=list(data.get("granted_scopes") or []),
        )


class TikTokShopClient(CredentialedClient):
    """The Open API under one access token; ``shop_cipher`` for shop-scoped paths (None before
    any shop is known, during OAuth: listing the authorized shops)."""

    provider = "tiktok_shop"

    def __init__(self, *, app_key: str, app_secret: str, credentials: Credentials, shop_cipher: str | None = None, **kwargs: Any):
        self.app_key = app_key
        self.app_secret = app_secret
        self.shop_cipher = shop_cipher
        super().__init__(credentials=credentials, **kwargs)
        if self.limiter is not None:
            # The platform counts calls over a sliding second: evenly paced calls can run at
            # the limit itself without drawing 429s, where bursts could not.
            self.limiter = PacedRateLimiter(self.limiter.limit, max_wait=self.limiter.max_wait)
        self._base_path = urlsplit(self.base_url).path.rstrip("/")

    # --- core.http extension points ---

    def prepare_request(self, request: requests.Request) -> None:
        path = urlsplit(request.url).path
        if self._base_path and path.startswith(self._base_path):
            path = path[len(self._base_path) :]  # the platform path the sign covers
        params = {key: str(value) for key, value in (request.params or {}).items() if value is not None}
        params["app_key"] = self.app_key
        params["timestamp"] = str(int(time.time()))
        if self.shop_cipher and not path.startswith(_NO_CIPHER_PREFIXES):
            params["shop_cipher"] = self.shop_cipher
        body = b""
        if request.method != "GET":
            # The signed bytes must be the sent bytes: serialise once, send these.
            body = json.dumps(request.json if request.json is not None else {}, separators=(",", ":")).encode()
            request.json = None
            request.data = body
            request.headers["Content-Type"] = "application/json"
        params["sign"] = tiktok_sign(app_secret=self.app_secret, path=path, params=params, body=body)
        request.params = params
        request.headers["x-tts-access-token"] = self.access_token

    def parse_response(self, response: requests.Response) -> Any:
        # An order page is ~400 KB of JSON: orjson reads it in a tenth of the stdlib's time.
        if not response.content:
            return None
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise self.make_error(MalformedResponse, response, "Response body is not valid JSON.") from None

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        raise_for_envelope(self, response, payload)
        super().raise_for_response(response, payload)

    def sensitive_values(self) -> Iterable[str]:
        return (*super().sensitive_values(), self.app_secret)

    # --- API ---

    def authorized_shops(self) -> list[dict]:
        return (self.get(AUTHORIZED_SHOPS_PATH).get("data") or {}).get("shops") or []

    def orders_search(
        self,
        *,
        filters: dict[str, Any],
        page_token: str | None = None,
        page_size: int = PAGE_SIZE_MAX,
        sort_field: str = "create_time",
        sort_order: str = "ASC",
    ) -> dict:
        """One page: ``{"orders": [...], "next_page_token": str, "total_count": int}``. List
        parameters go in the query, the (flat) filters in the body."""
        params = {"page_size": page_size, "sort_field": sort_field, "sort_order": sort_order}
        if page_token:
            params["page_token"] = page_token
        body = {key: value for key, value in filters.items() if value is not None}
        data = self.post(ORDERS_SEARCH_PATH, params=params, json=body, idempotent=True).get("data") or {}
        return {
            "orders": data.get("orders") or [],
            "next_page_token": data.get("next_page_token") or "",
            "total_count": int(data.get("total_count") or 0),
        }

    def orders_get(self, *, order_ids: list[str]) -> list[dict]:
        """Order details, 50 ids per call."""
        orders: list[dict] = []
        for start in range(0, len(order_ids), ORDER_IDS_PER_CALL):
            chunk = order_ids[start : start + ORDER_IDS_PER_CALL]
            data = self.get(ORDERS_DETAIL_PATH, params={"ids": ",".join(chunk)}).get("data") or {}
            orders.extend(data.get("orders") or [])
        return orders

    def products_search(self, *, page_token: str | None = None, page_size: int = PAGE_SIZE_MAX, filters: dict | None = None) -> dict:
        params: dict[str, Any] = {"page_size": page_size}
        if page_token:
            params["page_token"] = page_token
        data = self.post(PRODUCTS_SEARCH_PATH, params=params, json=filters or {}, idempotent=True).get("data") or {}
        return {
            "products": data.get("products") or [],
            "next_page_token": data.get("next_page_token") or "",
            "total_count": int(data.get("total_count") or 0),
        }
