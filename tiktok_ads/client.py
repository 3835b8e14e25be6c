"""TikTok Business (Marketing) API v1.3 client on ``core.http``.

Every call carries the connection's long-lived token in the ``Access-Token`` header; GET
parameters go in the query string with list and object values JSON-encoded; errors come back as
HTTP 200 with a non-zero ``code`` and are mapped to ``core.http`` types:

- 40100 (rate limit) → ``RateLimited`` (retried with backoff);
- 50000 and 51xxx (platform errors) → ``Upstream5xx`` (retried);
- 40104 / 40105 (empty, invalid or revoked token) → ``AuthExpired``; the connection is marked
  "needs re-authorization" (Business API tokens can't be refreshed: the user reconnects);
- 40001, 40002 and any other code → ``BadRequest`` with the platform's message.

Paths end with a slash, as the platform's do. ``gmv_max_report_pages`` does not split date
ranges: the platform allows at most 93 days (both ends included) per request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import requests
from django.conf import settings

from core.http import AuthExpired, BadRequest, RateLimited, Upstream5xx, UpstreamClient, parse_retry_after
from core.models import Tenant

API_PREFIX = "/open_api/v1.3"
ACCESS_TOKEN_PATH = f"{API_PREFIX}/oauth2/access_token/"
ADVERTISERS_PATH = f"{API_PREFIX}/oauth2/advertiser/get/"
ADVERTISER_INFO_PATH = f"{API_PREFIX}/advertiser/info/"
GMV_MAX_STORES_PATH = f"{API_PREFIX}/gmv_max/store/list/"
GMV_MAX_CAMPAIGNS_PATH = f"{API_PREFIX}/gmv_max/campaign/get/"
GMV_MAX_REPORT_PATH = f"{API_PREFIX}/gmv_max/report/get/"

RATE_LIMIT_CODE = 40100
TOKEN_ERROR_CODES = frozenset({40104, 40105})
SERVER_ERROR_CODES = frozenset({50000})
CAMPAIGN_PAGE_SIZE = 100
REPORT_PAGE_SIZE_MAX = 1000
REPORT_MAX_DAYS = 93
PROMOTION_TYPES = ("PRODUCT_GMV_MAX", "LIVE_GMV_MAX")
ADVERTISER_INFO_BATCH = 100


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _code_of(payload: Any) -> int | None:
    if not isinstance(payload, dict) or payload.get("code") in (None, 0, "0"):
        return None
    try:
        return int(payload["code"])
    except (TypeError, ValueError):
        return -1


class BusinessApiClient(UpstreamClient):
    """Calls under one access token: a stored ``connection`` (``for_advertiser``), a bare
    ``access_token`` (during OAuth) or none (the token exchange itself)."""

    provider = "tiktok_business"
    request_id_headers = ("X-Tt-Logid",)

    def __init__(self, *, tenant: Tenant, connection=None, access_token: str | None = None, **kwargs: Any):
        self.connection = connection
        self.access_token = access_token if access_token is not None else (connection.access_token if connection is not None else "")
        kwargs.setdefault("base_url", settings.TIKTOK_BUSINESS_API_BASE)
        kwargs.setdefault("rate_limit", settings.TIKTOK_BUSINESS_RATE_LIMIT)
        if self.access_token:
            kwargs.setdefault("credential_key", self.access_token)
        else:
            kwargs.setdefault("credential_key", f"app:{settings.TIKTOK_BUSINESS_APP_ID}")
            kwargs.setdefault("credential_label", f"app {settings.TIKTOK_BUSINESS_APP_ID}")
        if connection is not None:
            kwargs.setdefault("credential_label", f"business connection {connection.pk}")
        super().__init__(tenant=tenant, **kwargs)

    @classmethod
    def for_advertiser(cls, advertiser, **kwargs: Any) -> BusinessApiClient:
        """The client for the connection ``advertiser`` is reached through."""
        connection = advertiser.connection
        kwargs.setdefault("credential_label", f"advertiser {advertiser.advertiser_id}")
        return cls(tenant=advertiser.tenant, connection=connection, **kwargs)

    # --- core.http extension points ---

    def prepare_request(self, request: requests.Request) -> None:
        if self.access_token:
            request.headers["Access-Token"] = self.access_token

    def raise_for_response(self, response: requests.Response, payload: Any) -> None:
        code = _code_of(payload)
        if code is not None:
            message = str(payload.get("message") or f"TikTok Business API error {payload.get('code')}")
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if code == RATE_LIMIT_CODE or response.status_code == 429:
                error_class = RateLimited
            elif code in SERVER_ERROR_CODES or 51000 <= code < 52000 or response.status_code >= 500:
                error_class = Upstream5xx
            elif code in TOKEN_ERROR_CODES or response.status_code == 401:
                error_class = AuthExpired
            else:
                error_class = BadRequest
            raise self.make_error(error_class, response, message, payload=payload, code=code, retry_after=retry_after)
        super().raise_for_response(response, payload)

    def refresh_credentials(self) -> bool:
        # The platform's tokens can't be refreshed: record that the user has to reconnect.
        if self.connection is not None:
            from tiktok_ads.services import connection_mark_needs_reauth  # services build clients: import late

            connection_mark_needs_reauth(connection=self.connection, reason="TikTok rejected the access token; reconnect the account.")
        return False

    def sensitive_values(self) -> Iterable[str]:
        return (self.access_token, settings.TIKTOK_BUSINESS_APP_SECRET)

    def _data(self, path: str, params: dict | None = None) -> dict:
        payload = self.get(path, params=params)
        data = (payload or {}).get("data") if isinstance(payload, dict) else None
        return data if isinstance(data, dict) else {}

    # --- OAuth and advertisers ---

    def exchange_auth_code(self, auth_code: str) -> dict:
        """``{"access_token", "advertiser_ids", "scope"}`` for a single-use auth code."""
        payload = self.post(
            ACCESS_TOKEN_PATH,
            json={"app_id": settings.TIKTOK_BUSINESS_APP_ID, "secret": settings.TIKTOK_BUSINESS_APP_SECRET, "auth_code": auth_code},
        )
        data = (payload or {}).get("data") or {}
        if not data.get("access_token"):
            raise BadRequest("Token response without an access token.", provider=self.provider, endpoint=ACCESS_TOKEN_PATH)
        return {
            "access_token": str(data["access_token"]),
            "advertiser_ids": [str(value) for value in data.get("advertiser_ids") or []],
            "scope": list(data.get("scope") or []),
        }

    def advertisers(self) -> list[dict]:
        """The advertisers the token reaches: ``[{advertiser_id, advertiser_name}]``."""
        data = self._data(ADVERTISERS_PATH, {"app_id": settings.TIKTOK_BUSINESS_APP_ID, "secret": settings.TIKTOK_BUSINESS_APP_SECRET})
        return list(data.get("list") or [])

    def advertiser_info(self, ids: Iterable[str]) -> list[dict]:
        ids = [str(value) for value in ids]
        found: list[dict] = []
        for offset in range(0, len(ids), ADVERTISER_INFO_BATCH):
            batch = ids[offset : offset + ADVERTISER_INFO_BATCH]
            found.extend(self._data(ADVERTISER_INFO_PATH, {"advertiser_ids": _json(batch)}).get("list") or [])
        return found

    # --- GMV Max ---

    def gmv_max_stores(self, advertiser_id: str) -> list[dict]:
        return list(self._data(GMV_MAX_STORES_PATH, {"advertiser_id": str(advertiser_id)}).get("store_list") or [])

    def gmv_max_campaigns(self, advertiser_id: str, promotion_type: str | None = None) -> list[dict]:
        """Every GMV Max campaign of the advertiser (all pages), of one promotion type or both."""
        types = [promotion_type] if promotion_type else list(PROMOTION_TYPES)
        campaigns: list[dict] = []
        page = 1
        while True:
            data = self._data(
                GMV_MAX_CAMPAIGNS_PATH,
                {
                    "advertiser_id": str(advertiser_id),
                    "filtering": _json({"gmv_max_promotion_types": types}),
                    "page": page,
                    "page_size": CAMPAIGN_PAGE_SIZE,
                },
            )
            rows = list(data.get("list") or [])
            campaigns.extend(rows)
            total_page = int((data.get("page_info") or {}).get("total_page") or 0)
            if page >= total_page or not rows:
                return campaigns
            page += 1

    def gmv_max_report_pages(
        self,
        *,
        advertiser_id: str,
        store_ids: Iterable[str],
        start_date: date,
        end_date: date,
        dimensions: list[str],
        metrics: list[str],
        promotion_type: str,
        filtering: dict | None = None,
        page_size: int = REPORT_PAGE_SIZE_MAX,
    ) -> Iterator[list[dict]]:
        """One list of raw rows (``{"dimensions": {...}, "metrics": {...}}``) per page, until the
        last page. The caller keeps ranges within ``REPORT_MAX_DAYS`` (both ends included): a
        longer or reversed range is a ``ValueError`` here rather than a wasted, refused call."""
        days = (end_date - start_date).days + 1
        if not 1 <= days <= REPORT_MAX_DAYS:
            raise ValueError(f"A report range is 1 to {REPORT_MAX_DAYS} days; got {start_date} to {end_date}: split it.")
        if not 1 <= page_size <= REPORT_PAGE_SIZE_MAX:
            raise ValueError(f"page_size must be 1 to {REPORT_PAGE_SIZE_MAX}.")
        params = {
            "advertiser_id": str(advertiser_id),
            "store_ids": _json([str(store_id) for store_id in store_ids]),
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "dimensions": _json(list(dimensions)),
            "metrics": _json(list(metrics)),
            "gmv_max_promotion_type": promotion_type,
            "page_size": page_size,
        }
        if filtering:
            params["filtering"] = _json(filtering)
        page = 1
        while True:
            data = self._data(GMV_MAX_REPORT_PATH, {**params, "page": page})
            rows = list(data.get("list") or [])
            yield rows
            total_page = int((data.get("page_info") or {}).get("total_page") or 0)
            if page >= total_page or not rows:
                return
            page += 1
