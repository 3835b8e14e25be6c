"""TikTok Shop Partner API (version 202309): the signed Open API client and the token client.

Every Open API call carries ``app_key``, ``timestamp``, ``shop_cipher`` (shop-scoped paths only)
and ``sign`` in the query, and the access token in the ``x-tts-access-token`` header. The sign is
``hex(HMAC-SHA256(app_secret, app_secret + path + sorted key/value pairs + body + app_secret))``
over the exact body bytes sent. It is recomputed before every attempt, so a retry carries a fresh
timestamp and a refreshed token. Errors come back as HTTP 200 with a non-zero ``code``;
``raise_for_response`` turns them into ``core.http`` error types.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests
from django.conf import settings

from core.http import AuthExpired, BadRequest, MalformedResponse, RateLimited, Upstream5xx, UpstreamClient, parse_retry_after
from core.models import Tenant
from core.ratelimit import PacedRateLimiter

ORDERS_SEARCH_PATH = "/order/202309/orders/search"
ORDERS_DETAIL_PATH = "/order/202309/orders"
PRODUCTS_SEARCH_PATH = "/product/202309/products/search"
AUTHORIZED_SHOPS_PATH = "/authorization/202309/shops"
TOKEN_GET_PATH = "/api/v2/token/get"
TOKEN_REFRESH_PATH = "/api/v2/token/refresh"

PAGE_SIZE_MAX = 100
ORDER_IDS_PER_CALL = 50

RATE_LIMIT_CODE = 36009002
SERVER_ERROR_CODES = frozenset({36009003, 36009007})
# Paths the platform refuses a shop_cipher on (reference 1.2).
_NO_CIPHER_PREFIXES = ("/authorization/", "/seller/")


def tiktok_sign(*, app_secret: str, path: str, params: dict[str, Any], body: bytes = b"") -> str:
    """The platform's request signature: lower hex HMAC-SHA256 keyed by the app secret.

    ``params`` are the query parameters; ``sign``, ``access_token`` and list values are left out.
    ``body`` is the raw body of a non-GET request, exactly as sent.
    """
    pairs = "".join(
        f"{key}{params[key]}"
        for key in sorted(params)
        if key not in ("sign", "access_token", "x-tts-access-token") and not isinstance(params[key], list | tuple)
    )
    message = f"{app_secret}{path}{pairs}".encode() + body + app_secret.encode()
    return hmac.new(app_secret.encode(), message, hashlib.sha256).hexdigest()


def webhook_signature(*, app_key: str, app_secret: str, body: bytes) -> str:
    """``Authorization`` header of a platform push: hex(HMAC-SHA256(app_secret, app_key + body))."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def _is_token_error(code: int) -> bool:
    # Six-digit codes of the 105xxx and 360xxx groups are token errors; eight-digit 360xxxxx
    # codes are gateway errors (rate limit, timeouts, bad parameters) and are not.
    return len(str(code)) == 6 and str(code)[:3] in ("105", "360")


def _envelope_error(client: UpstreamClient, response: requests.Response, payload: Any) -> None:
    """Raise the typed error for a platform envelope with a non-zero ``code``."""
    if not isinstance(payload, dict) or payload.get("code") in (None, 0, "0"):
        return
    try:
        code = int(payload["code"])
    except (TypeError, ValueError):
        code = -1
    message = str(payload.get("message") or f"TikTok Shop error {payload['code']}")
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    # HTTP statuses that say more than the code (a gateway's 429 or 5xx) keep their meaning.
    if code == RATE_LIMIT_CODE or response.status_code == 429:
        error_class = RateLimited
    elif response.status_code >= 500 or code in SERVER_ERROR_CODES:
        error_class = Upstream5xx
    elif response.status_code == 401 or _is_token_error(code) or (code == 36009004 and "access-token" in message.replace("_", "-")):
        error_class = AuthExpired
    else:
        error_class = BadRequest
    raise client.make_error(error_class, response, message, payload=payload, code=code, retry_after=retry_after)


def from_unix(value: Any) -> datetime | None:
    """A platform unix time (seconds) as an aware UTC datetime; None for missing or zero."""
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None


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

    def __init__(self, *, tenant: Tenant, **kwargs: Any):
        kwargs.setdefault("base_url", settings.TIKTOK_SHOP_AUTH_BASE)
        kwargs.setdefault("credential_key", f"app:{settings.TIKTOK_SHOP_APP_KEY}")
        kwargs.setdefault("credential_label", f"app {settings.TIKTOK_SHOP_APP_KEY}")
        super().__init__(tenant=tenant, **kwargs)

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        _envelope_error(self, response, payload)
        super().raise_for_response(response, payload)

    def sensitive_values(self) -> Iterable[str]:
        return (settings.TIKTOK_SHOP_APP_SECRET,)

    def token_get(self, *, auth_code: str) -> TokenGrant:
        return self._grant(TOKEN_GET_PATH, {"auth_code": auth_code, "grant_type": "authorized_code"})

    def token_refresh(self, *, refresh_token: str) -> TokenGrant:
        return self._grant(TOKEN_REFRESH_PATH, {"refresh_token": refresh_token, "grant_type": "refresh_token"})

    def _grant(self, path: str, params: dict[str, str]) -> TokenGrant:
        payload = self.get(
            path,
            params={"app_key": settings.TIKTOK_SHOP_APP_KEY, "app_secret": settings.TIKTOK_SHOP_APP_SECRET, **params},
        )
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


class TikTokShopClient(UpstreamClient):
    """The Open API for one shop (``shop``), or for a bare access token before any shop is
    stored (``access_token``, during OAuth: listing the authorized shops).

    On ``AuthExpired`` the base class calls ``refresh_credentials`` once under the shop's lock.
    """

    provider = "tiktok_shop"

    def __init__(self, *, tenant: Tenant, shop=None, access_token: str | None = None, **kwargs: Any):
        if shop is None and not access_token:
            raise ValueError("TikTokShopClient needs a shop or an access token.")
        self.shop = shop
        self.access_token = access_token if access_token is not None else shop.access_token
        self.app_key = settings.TIKTOK_SHOP_APP_KEY
        self.app_secret = settings.TIKTOK_SHOP_APP_SECRET
        kwargs.setdefault("base_url", settings.TIKTOK_SHOP_API_BASE)
        kwargs.setdefault("rate_limit", settings.TIKTOK_SHOP_RATE_LIMIT)
        if shop is not None:
            kwargs.setdefault("credential_key", f"shop:{shop.tenant_id}:{shop.shop_id}")
            kwargs.setdefault("credential_label", f"shop {shop.shop_id}")
        else:
            kwargs.setdefault("credential_key", access_token)
        super().__init__(tenant=tenant, **kwargs)
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
        if self.shop is not None and not path.startswith(_NO_CIPHER_PREFIXES):
            params["shop_cipher"] = self.shop.cipher
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
        _envelope_error(self, response, payload)
        super().raise_for_response(response, payload)

    def refresh_credentials(self) -> bool:
        if self.shop is None:
            return False
        from shop_sync.services import shop_credentials_renew  # services build clients: import late

        renewed = shop_credentials_renew(shop=self.shop, failed_access_token=self.access_token)
        if renewed is None:
            return False
        self.shop = renewed
        self.access_token = renewed.access_token
        return True

    def sensitive_values(self) -> Iterable[str]:
        return (self.access_token, self.app_secret, self.shop.refresh_token if self.shop is not None else "")

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
