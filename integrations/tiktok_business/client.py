"""TikTok Business (Marketing) API v1.3: OAuth token exchange, advertisers, GMV Max.

Every call carries the long-lived token in the ``Access-Token`` header; GET parameters go in
the query string with list and object values JSON-encoded; errors come back as HTTP 200 with a
non-zero ``code`` (``codes``). Paths end with a slash, as the platform's do. List endpoints
page with ``page`` (from 1) and ``page_size``, and say ``page_info.total_page``.
``gmv_max_report_pages`` does not split date ranges: the platform allows at most 93 days (both
ends included) per request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import requests

from core.http import BadRequest
from integrations.base import CredentialedClient, Credentials, StaticCredentials
from integrations.tiktok_business.envelope import BusinessEnvelopeMixin, data_of

API_PREFIX = "/open_api/v1.3"
ACCESS_TOKEN_PATH = f"{API_PREFIX}/oauth2/access_token/"
ADVERTISERS_PATH = f"{API_PREFIX}/oauth2/advertiser/get/"
ADVERTISER_INFO_PATH = f"{API_PREFIX}/advertiser/info/"
GMV_MAX_STORES_PATH = f"{API_PREFIX}/gmv_max/store/list/"
GMV_MAX_CAMPAIGNS_PATH = f"{API_PREFIX}/gmv_max/campaign/get/"
GMV_MAX_REPORT_PATH = f"{API_PREFIX}/gmv_max/report/get/"

CAMPAIGN_PAGE_SIZE = 100
REPORT_PAGE_SIZE_MAX = 1000
REPORT_MAX_DAYS = 93
PROMOTION_TYPES = ("PRODUCT_GMV_MAX", "LIVE_GMV_MAX")
ADVERTISER_INFO_BATCH = 100


def json_param(value: Any) -> str:
    """A list or object query parameter, JSON-encoded as the platform expects."""
    return json.dumps(value, separators=(",", ":"))


class BusinessApiClient(BusinessEnvelopeMixin, CredentialedClient):
    """Calls under one access token (none for the token exchange itself), for the app
    ``app_id`` / ``app_secret``."""

    provider = "tiktok_business"

    def __init__(self, *, app_id: str, app_secret: str, credentials: Credentials | None = None, **kwargs: Any):
        self.app_id = app_id
        self.app_secret = app_secret
        super().__init__(credentials=credentials or StaticCredentials(), **kwargs)

    def prepare_request(self, request: requests.Request) -> None:
        if self.access_token:
            request.headers["Access-Token"] = self.access_token

    def sensitive_values(self) -> Iterable[str]:
        return (*super().sensitive_values(), self.app_secret)

    def _data(self, path: str, params: dict | None = None) -> dict:
        return data_of(self.get(path, params=params))

    def _pages(self, path: str, params: dict) -> Iterator[list[dict]]:
        """``data.list`` of each page until ``page_info.total_page`` (or an empty page)."""
        page = 1
        while True:
            data = self._data(path, {**params, "page": page})
            rows = list(data.get("list") or [])
            yield rows
            total_page = int((data.get("page_info") or {}).get("total_page") or 0)
            if page >= total_page or not rows:
                return
            page += 1

    # --- OAuth and advertisers ---

    def exchange_auth_code(self, auth_code: str) -> dict:
        """``{"access_token", "advertiser_ids", "scope"}`` for a single-use auth code."""
        payload = self.post(ACCESS_TOKEN_PATH, json={"app_id": self.app_id, "secret": self.app_secret, "auth_code": auth_code})
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
        return list(self._data(ADVERTISERS_PATH, {"app_id": self.app_id, "secret": self.app_secret}).get("list") or [])

    def advertiser_info(self, ids: Iterable[str]) -> list[dict]:
        ids = [str(value) for value in ids]
        found: list[dict] = []
        for offset in range(0, len(ids), ADVERTISER_INFO_BATCH):
            batch = ids[offset : offset + ADVERTISER_INFO_BATCH]
            found.extend(self._data(ADVERTISER_INFO_PATH, {"advertiser_ids": json_param(batch)}).get("list") or [])
        return found

    # --- GMV Max ---

    def gmv_max_stores(self, advertiser_id: str) -> list[dict]:
        return list(self._data(GMV_MAX_STORES_PATH, {"advertiser_id": str(advertiser_id)}).get("store_list") or [])

    def gmv_max_campaigns(self, advertiser_id: str, promotion_type: str | None = None) -> list[dict]:
        """Every GMV Max campaign of the advertiser (all pages), of one promotion type or both."""
        types = [promotion_type] if promotion_type else list(PROMOTION_TYPES)
        params = {
            "advertiser_id": str(advertiser_id),
            "filtering": json_param({"gmv_max_promotion_types": types}),
            "page_size": CAMPAIGN_PAGE_SIZE,
        }
        return [row for rows in self._pages(GMV_MAX_CAMPAIGNS_PATH, params) for row in rows]

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
            "store_ids": json_param([str(store_id) for store_id in store_ids]),
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "dimensions": json_param(list(dimensions)),
            "metrics": json_param(list(metrics)),
            "gmv_max_promotion_type": promotion_type,
            "page_size": page_size,
        }
        if filtering:
            params["filtering"] = json_param(filtering)
        yield from self._pages(GMV_MAX_REPORT_PATH, params)
