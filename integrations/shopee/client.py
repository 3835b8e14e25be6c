"""Shopee Open Platform v2: the signed client of the livestream and principal APIs, the token
client and the authorize URL (reference §1.2-§1.6).

Every call carries ``partner_id``, ``timestamp`` and ``sign`` in the query (POSTs too, with a
JSON body); User-type calls (every livestream API) add ``access_token`` and ``user_id``,
Principal-type ``access_token`` and ``principal_id``, Shop-type ``access_token`` and ``shop_id``.
The sign is recomputed before every attempt, so a retry carries a fresh timestamp and a renewed
token. Errors come back as HTTP 200 with ``error`` set (``envelope``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from core.http import AuthExpired, BadRequest, UpstreamClient
from core.ratelimit import PacedRateLimiter
from integrations.base import CredentialedClient, Credentials
from integrations.shopee.envelope import raise_for_open_envelope
from integrations.shopee.signing import ID_PARAM, ApiType, api_type_for, shopee_sign

AUTH_PARTNER_PATH = "/api/v2/shop/auth_partner"
TOKEN_GET_PATH = "/api/v2/auth/token/get"
TOKEN_REFRESH_PATH = "/api/v2/auth/access_token/get"

LIVESTREAM = "/api/v2/livestream"
SESSION_DETAIL_PATH = f"{LIVESTREAM}/get_session_detail"
SESSION_METRIC_PATH = f"{LIVESTREAM}/get_session_metric"
SESSION_ITEM_METRIC_PATH = f"{LIVESTREAM}/get_session_item_metric"
ITEM_LIST_PATH = f"{LIVESTREAM}/get_item_list"
ITEM_COUNT_PATH = f"{LIVESTREAM}/get_item_count"
SHOW_ITEM_PATH = f"{LIVESTREAM}/get_show_item"
LATEST_COMMENTS_PATH = f"{LIVESTREAM}/get_latest_comment_list"
CREATE_SESSION_PATH = f"{LIVESTREAM}/create_session"
UPDATE_SESSION_PATH = f"{LIVESTREAM}/update_session"
START_SESSION_PATH = f"{LIVESTREAM}/start_session"
END_SESSION_PATH = f"{LIVESTREAM}/end_session"
ADD_ITEMS_PATH = f"{LIVESTREAM}/add_item_list"
UPDATE_ITEMS_PATH = f"{LIVESTREAM}/update_item_list"
DELETE_ITEMS_PATH = f"{LIVESTREAM}/delete_item_list"
SESSION_PERFORMANCE_PATH = "/api/v2/principal/get_session_livestream_performance"

PAGE_SIZE_MAX = 100  # get_item_list, get_session_item_metric
ACCESS_TOKEN_LIFETIME = timedelta(hours=4)
REFRESH_TOKEN_LIFETIME = timedelta(days=30)


def _platform_path(base_url: str, url: str) -> str:
    """The bare ``/api/v2/...`` path the sign covers, whatever prefix the base URL has."""
    base_path = urlsplit(base_url).path.rstrip("/")
    path = urlsplit(url).path
    return path[len(base_path) :] if base_path and path.startswith(base_path) else path


def authorize_url(*, authorize_base: str, partner_id: int | str, partner_key: str, redirect: str, timestamp: int | None = None) -> str:
    """The ``shop/auth_partner`` consent link (Public-signed over the bare path, valid 5
    minutes): Shopee sends the browser back to ``redirect`` with ``code`` and the authorizer's
    ``user_id`` / ``shop_id`` appended. ``authorize_base`` is the full URL of that page."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    sign = shopee_sign(partner_key=partner_key, partner_id=partner_id, path=AUTH_PARTNER_PATH, timestamp=timestamp)
    query = urlencode({"partner_id": partner_id, "redirect": redirect, "timestamp": timestamp, "sign": sign})
    return f"{authorize_base}?{query}"


@dataclass(frozen=True)
class TokenGrant:
    """An access token (4 h) and its single-use refresh token (30 days), with the ids the
    authorization covers."""

    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime
    user_ids: list[str]
    shop_ids: list[str]
    principal_ids: list[str]


class _SignedMixin:
    """Signs every attempt; the subclasses say which token and id go with it."""

    partner_id: int | str
    partner_key: str
    base_url: str

    def signing_token_and_id(self, api_type: ApiType) -> tuple[str, str]:
        return "", ""

    def prepare_request(self, request: requests.Request) -> None:
        path = _platform_path(self.base_url, request.url)
        api_type = api_type_for(path)
        params = {key: str(value) for key, value in (request.params or {}).items() if value is not None}
        timestamp = int(time.time())
        params.update({"partner_id": str(self.partner_id), "timestamp": str(timestamp)})
        access_token, owner_id = self.signing_token_and_id(api_type)
        if api_type != ApiType.PUBLIC:
            params["access_token"] = access_token
            params[ID_PARAM[api_type]] = owner_id
        params["sign"] = shopee_sign(
            partner_key=self.partner_key,
            partner_id=self.partner_id,
            path=path,
            timestamp=timestamp,
            access_token=access_token if api_type != ApiType.PUBLIC else "",
            owner_id=owner_id if api_type != ApiType.PUBLIC else "",
        )
        request.params = params
        if request.method != "GET":
            request.headers["Content-Type"] = "application/json"
            if request.json is None and request.data is None:
                request.json = {}

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        raise_for_open_envelope(self, response, payload)  # type: ignore[arg-type]
        super().raise_for_response(response, payload)  # type: ignore[misc]


class ShopeeAuthClient(_SignedMixin, UpstreamClient):
    """The Public-signed token endpoints: exchange an authorization ``code`` for tokens and
    refresh them. They answer at the top level (no ``response`` wrapper)."""

    provider = "shopee_auth"

    def __init__(self, *, partner_id: int | str, partner_key: str, **kwargs: Any):
        self.partner_id = partner_id
        self.partner_key = partner_key
        super().__init__(**kwargs)

    def sensitive_values(self) -> Iterable[str]:
        return (*super().sensitive_values(), self.partner_key)

    def token_get(self, *, code: str, user_id: str | int | None = None, shop_id: str | int | None = None) -> TokenGrant:
        body: dict[str, Any] = {"code": code, "partner_id": int(self.partner_id)}
        if user_id not in (None, ""):
            body["user_id"] = int(user_id)
        elif shop_id not in (None, ""):
            body["shop_id"] = int(shop_id)
        # The code is single use: a retry after a lost answer would be refused anyway.
        return self._grant(TOKEN_GET_PATH, body)

    def token_refresh(self, *, refresh_token: str, user_id: str | int) -> TokenGrant:
        body = {"partner_id": int(self.partner_id), "refresh_token": refresh_token, "user_id": int(user_id)}
        return self._grant(TOKEN_REFRESH_PATH, body)

    def _grant(self, path: str, body: dict[str, Any]) -> TokenGrant:
        payload = self.post(path, json=body) or {}
        if not payload.get("access_token") or not payload.get("refresh_token"):
            raise BadRequest("Token response without tokens.", provider=self.provider, endpoint=path)
        now = datetime.now(UTC)
        expire_in = int(payload.get("expire_in") or ACCESS_TOKEN_LIFETIME.total_seconds())
        user_ids = [str(value) for value in payload.get("user_id_list") or []]
        if payload.get("user_id") and str(payload["user_id"]) not in user_ids:
            user_ids.append(str(payload["user_id"]))
        return TokenGrant(
            access_token=str(payload["access_token"]),
            access_token_expires_at=now + timedelta(seconds=expire_in),
            refresh_token=str(payload["refresh_token"]),
            refresh_token_expires_at=now + REFRESH_TOKEN_LIFETIME,
            user_ids=user_ids,
            shop_ids=[str(value) for value in payload.get("shop_id_list") or []],
            principal_ids=[str(value) for value in payload.get("principal_id_list") or []],
        )


class ShopeeOpenClient(_SignedMixin, CredentialedClient):
    """The livestream (User-signed with ``user_id``) and principal APIs of one authorizer.

    On a token error the base class renews the credentials once (under the credential's lock)
    and sends the call again; if that is refused too, ``credentials.refused(token)`` (when the
    object has it) records that the authorization is dead.
    """

    provider = "shopee"

    def __init__(
        self,
        *,
        partner_id: int | str,
        partner_key: str,
        credentials: Credentials,
        user_id: str | int = "",
        principal_id: str | int = "",
        shop_id: str | int = "",
        **kwargs: Any,
    ):
        self.partner_id = partner_id
        self.partner_key = partner_key
        self.user_id = str(user_id)
        self.principal_id = str(principal_id)
        self.shop_id = str(shop_id)
        super().__init__(credentials=credentials, **kwargs)
        if self.limiter is not None:
            # Evenly paced calls run at the limit without drawing error_rate_limit.
            self.limiter = PacedRateLimiter(self.limiter.limit, max_wait=self.limiter.max_wait)

    def signing_token_and_id(self, api_type: ApiType) -> tuple[str, str]:
        owner = {ApiType.USER: self.user_id, ApiType.PRINCIPAL: self.principal_id, ApiType.SHOP: self.shop_id}.get(api_type, "")
        return self.access_token, owner

    def sensitive_values(self) -> Iterable[str]:
        return (*super().sensitive_values(), self.partner_key)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            return super().request(method, path, **kwargs)
        except AuthExpired:
            refused = getattr(self.credentials, "refused", None)
            if self.last_call is not None and self.last_call.refreshed and callable(refused):
                refused(self.credentials.access_token)
            raise

    def _response(self, payload: Any) -> dict:
        return (payload or {}).get("response") or {}

    # --- sessions ---

    def session_detail(self, session_id: int | str) -> dict:
        return self._response(self.get(SESSION_DETAIL_PATH, params={"session_id": session_id}))

    def session_metric(self, session_id: int | str) -> dict:
        return self._response(self.get(SESSION_METRIC_PATH, params={"session_id": session_id}))

    def session_item_metric_page(self, session_id: int | str, *, offset: int = 0, page_size: int = PAGE_SIZE_MAX) -> dict:
        """One page: ``{"more", "next_offset", "list": [{"item": {...}, "metric": {...}}]}``."""
        params = {"session_id": session_id, "offset": offset, "page_size": page_size}
        return self._response(self.get(SESSION_ITEM_METRIC_PATH, params=params))

    def session_item_metrics(self, session_id: int | str, *, page_size: int = PAGE_SIZE_MAX) -> Iterator[dict]:
        """Every item metric of the session, page after page."""
        offset = 0
        while True:
            page = self.session_item_metric_page(session_id, offset=offset, page_size=page_size)
            yield from page.get("list") or []
            if not page.get("more"):
                return
            next_offset = int(page.get("next_offset") or 0)
            if next_offset <= offset:
                return  # a page that doesn't move on would loop forever
            offset = next_offset

    def create_session(self, *, title: str, cover_image_url: str, description: str = "", is_test: bool = False) -> dict:
        body = {"title": title, "description": description, "cover_image_url": cover_image_url, "is_test": is_test}
        return self._response(self.post(CREATE_SESSION_PATH, json=body))

    def update_session(
        self, session_id: int | str, *, title: str, cover_image_url: str, description: str = "", is_test: bool = False
    ) -> dict:
        body = {
            "session_id": int(session_id),
            "title": title,
            "description": description,
            "cover_image_url": cover_image_url,
            "is_test": is_test,
        }
        return self._response(self.post(UPDATE_SESSION_PATH, json=body, idempotent=True))

    def start_session(self, session_id: int | str, *, domain_id: int) -> dict:
        return self._response(self.post(START_SESSION_PATH, json={"session_id": int(session_id), "domain_id": int(domain_id)}))

    def end_session(self, session_id: int | str) -> dict:
        return self._response(self.post(END_SESSION_PATH, json={"session_id": int(session_id)}))

    # --- the item bag ---

    def item_list_page(self, session_id: int | str, *, offset: int = 0, page_size: int = PAGE_SIZE_MAX) -> dict:
        params = {"session_id": session_id, "offset": offset, "page_size": page_size}
        return self._response(self.get(ITEM_LIST_PATH, params=params))

    def item_count(self, session_id: int | str) -> dict:
        return self._response(self.get(ITEM_COUNT_PATH, params={"session_id": session_id}))

    def show_item(self, session_id: int | str) -> dict:
        return self._response(self.get(SHOW_ITEM_PATH, params={"session_id": session_id}))

    def add_items(self, session_id: int | str, items: list[dict]) -> dict:
        return self._response(self.post(ADD_ITEMS_PATH, json={"session_id": int(session_id), "item_list": _item_refs(items)}))

    def update_items(self, session_id: int | str, items: list[dict]) -> dict:
        body = {"session_id": int(session_id), "item_list": _item_refs(items)}
        return self._response(self.post(UPDATE_ITEMS_PATH, json=body, idempotent=True))

    def delete_items(self, session_id: int | str, items: list[dict]) -> dict:
        return self._response(self.post(DELETE_ITEMS_PATH, json={"session_id": int(session_id), "item_list": _item_refs(items)}))

    def latest_comments(self, session_id: int | str, *, offset: int | None = None) -> dict:
        """Comments of the last 10 seconds: ``{"next_offset", "list": [...]}``."""
        params: dict[str, Any] = {"session_id": session_id}
        if offset is not None:
            params["offset"] = offset
        return self._response(self.get(LATEST_COMMENTS_PATH, params=params))

    # --- principal ---

    def session_performance(
        self,
        *,
        start_date: str,
        end_date: str,
        session_list: list[dict] | None = None,
        timezone: str = "GMT+7",
        granularity: str = "day",
        page_size: int | None = None,
        cursor: str | None = None,
    ) -> dict:
        """Post-session performance (Principal-signed): ``{"summary": [...], "details": [...],
        "next_cursor"}``. ``session_list`` = ``[{"shop_id", "session_ids": [...], "currency"}]``."""
        body: dict[str, Any] = {"start_date": start_date, "end_date": end_date, "timezone": timezone, "granularity": granularity}
        if session_list is not None:
            body["session_list"] = session_list
        if page_size is not None:
            body["page_size"] = page_size
        if cursor:
            body["cursor"] = cursor
        return self._response(self.post(SESSION_PERFORMANCE_PATH, json=body, idempotent=True))


def _item_refs(items: list[dict]) -> list[dict]:
    return [{"item_id": int(item["item_id"]), "shop_id": int(item["shop_id"])} for item in items]
