"""TikTok Business API v1.3 ads management: campaigns, ad groups, ads, identities, instant
pages (lead forms) and the integrated report at auction levels.

Every write is a POST with a JSON body; creates carry ``request_id``, the platform's idempotency
key (a retry with the same key succeeds at most once), so the HTTP base retries them after a
timeout or 5xx like a read. Reads page with ``page``/``page_size`` (``_pages``). Status updates
take at most 20 ids per call (``STATUS_BATCH``); this client splits longer lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from integrations.tiktok_business.client import API_PREFIX, BusinessApiClient, json_param
from integrations.tiktok_business.envelope import data_of

CAMPAIGN_CREATE_PATH = f"{API_PREFIX}/campaign/create/"
CAMPAIGN_GET_PATH = f"{API_PREFIX}/campaign/get/"
CAMPAIGN_UPDATE_PATH = f"{API_PREFIX}/campaign/update/"
CAMPAIGN_STATUS_PATH = f"{API_PREFIX}/campaign/status/update/"
ADGROUP_CREATE_PATH = f"{API_PREFIX}/adgroup/create/"
ADGROUP_GET_PATH = f"{API_PREFIX}/adgroup/get/"
ADGROUP_UPDATE_PATH = f"{API_PREFIX}/adgroup/update/"
ADGROUP_BUDGET_PATH = f"{API_PREFIX}/adgroup/budget/update/"
ADGROUP_STATUS_PATH = f"{API_PREFIX}/adgroup/status/update/"
AD_CREATE_PATH = f"{API_PREFIX}/ad/create/"
AD_GET_PATH = f"{API_PREFIX}/ad/get/"
AD_UPDATE_PATH = f"{API_PREFIX}/ad/update/"
AD_STATUS_PATH = f"{API_PREFIX}/ad/status/update/"
IDENTITY_GET_PATH = f"{API_PREFIX}/identity/get/"
PAGE_GET_PATH = f"{API_PREFIX}/page/get/"
REPORT_PATH = f"{API_PREFIX}/report/integrated/get/"

STATUS_BATCH = 20
ADS_PER_CREATE = 20
LIST_PAGE_SIZE = 1000
PAGE_LIST_PAGE_SIZE = 100
AUCTION_REPORT_MAX_DAYS = 30
OPERATION_STATUSES = ("ENABLE", "DISABLE", "DELETE")
AUCTION_LEVELS = ("AUCTION_ADVERTISER", "AUCTION_CAMPAIGN", "AUCTION_ADGROUP", "AUCTION_AD")


def _batches(ids: Iterable[str], size: int) -> Iterator[list[str]]:
    ids = [str(value) for value in ids]
    for offset in range(0, len(ids), size):
        yield ids[offset : offset + size]


class ManagementApiMixin(BusinessApiClient):
    """Campaign, ad group and ad calls under one advertiser token (mixed into the app's client)."""

    def _write(self, path: str, body: dict, *, idempotent: bool = False) -> dict:
        return data_of(self.post(path, json=body, idempotent=idempotent))

    def _all(self, path: str, params: dict) -> list[dict]:
        return [row for rows in self._pages(path, params) for row in rows]

    @staticmethod
    def _listing(advertiser_id: str, filtering: dict | None, fields: list[str] | None, page_size: int) -> dict:
        params: dict[str, Any] = {"advertiser_id": str(advertiser_id), "page_size": page_size}
        if filtering:
            params["filtering"] = json_param(filtering)
        if fields:
            params["fields"] = json_param(list(fields))
        return params

    # --- Campaigns ---

    def campaign_create(self, advertiser_id: str, *, request_id: str, **fields: Any) -> dict:
        """``data`` of ``campaign/create/`` (holds ``campaign_id``). ``fields``: campaign_name,
        objective_type, budget_mode, budget, …"""
        return self._write(CAMPAIGN_CREATE_PATH, {"advertiser_id": str(advertiser_id), "request_id": request_id, **fields}, idempotent=True)

    def campaigns(self, advertiser_id: str, *, filtering: dict | None = None, fields: list[str] | None = None) -> list[dict]:
        return self._all(CAMPAIGN_GET_PATH, self._listing(advertiser_id, filtering, fields, LIST_PAGE_SIZE))

    def campaign_update(self, advertiser_id: str, campaign_id: str, **fields: Any) -> dict:
        return self._write(CAMPAIGN_UPDATE_PATH, {"advertiser_id": str(advertiser_id), "campaign_id": str(campaign_id), **fields})

    def campaign_status_update(self, advertiser_id: str, campaign_ids: Iterable[str], operation_status: str) -> list[dict]:
        """One answer ``data`` per batch of 20 ids."""
        return [
            self._write(CAMPAIGN_STATUS_PATH, {"advertiser_id": str(advertiser_id), "campaign_ids": batch, "operation_status": operation_status})
            for batch in _batches(campaign_ids, STATUS_BATCH)
        ]

    # --- Ad groups ---

    def adgroup_create(self, advertiser_id: str, *, request_id: str, **fields: Any) -> dict:
        """``data`` of ``adgroup/create/`` (holds ``adgroup_id``)."""
        return self._write(ADGROUP_CREATE_PATH, {"advertiser_id": str(advertiser_id), "request_id": request_id, **fields}, idempotent=True)

    def adgroups(self, advertiser_id: str, *, filtering: dict | None = None, fields: list[str] | None = None) -> list[dict]:
        return self._all(ADGROUP_GET_PATH, self._listing(advertiser_id, filtering, fields, LIST_PAGE_SIZE))

    def adgroup_update(self, advertiser_id: str, adgroup_id: str, **fields: Any) -> dict:
        return self._write(ADGROUP_UPDATE_PATH, {"advertiser_id": str(advertiser_id), "adgroup_id": str(adgroup_id), **fields})

    def adgroup_budget_update(self, advertiser_id: str, budgets: dict[str, Any]) -> dict:
        """``budgets``: ad group id → new daily budget, in one batch call."""
        rows = [{"adgroup_id": str(adgroup_id), "budget": budget} for adgroup_id, budget in budgets.items()]
        return self._write(ADGROUP_BUDGET_PATH, {"advertiser_id": str(advertiser_id), "budget": rows})

    def adgroup_status_update(self, advertiser_id: str, adgroup_ids: Iterable[str], operation_status: str) -> list[dict]:
        return [
            self._write(ADGROUP_STATUS_PATH, {"advertiser_id": str(advertiser_id), "adgroup_ids": batch, "operation_status": operation_status})
            for batch in _batches(adgroup_ids, STATUS_BATCH)
        ]

    # --- Ads ---

    def ad_create(self, advertiser_id: str, adgroup_id: str, creatives: list[dict], *, request_id: str) -> list[str]:
        """The new ad ids, in the order of ``creatives`` (at most 20 per call). The platform's
        answer is ``data.ad_ids``; some answers list ``data.creatives[].ad_id`` instead."""
        if not 1 <= len(creatives) <= ADS_PER_CREATE:
            raise ValueError(f"ad/create takes 1 to {ADS_PER_CREATE} creatives; got {len(creatives)}.")
        data = self._write(
            AD_CREATE_PATH,
            {"advertiser_id": str(advertiser_id), "adgroup_id": str(adgroup_id), "creatives": creatives, "request_id": request_id},
            idempotent=True,
        )
        ids = data.get("ad_ids") or [row.get("ad_id") for row in data.get("creatives") or []]
        return [str(value) for value in ids if value]

    def ads(self, advertiser_id: str, *, filtering: dict | None = None, fields: list[str] | None = None) -> list[dict]:
        return self._all(AD_GET_PATH, self._listing(advertiser_id, filtering, fields, LIST_PAGE_SIZE))

    def ad_update(self, advertiser_id: str, adgroup_id: str, creatives: list[dict]) -> dict:
        return self._write(AD_UPDATE_PATH, {"advertiser_id": str(advertiser_id), "adgroup_id": str(adgroup_id), "creatives": creatives})

    def ad_status_update(self, advertiser_id: str, ad_ids: Iterable[str], operation_status: str) -> list[dict]:
        return [
            self._write(AD_STATUS_PATH, {"advertiser_id": str(advertiser_id), "ad_ids": batch, "operation_status": operation_status})
            for batch in _batches(ad_ids, STATUS_BATCH)
        ]

    # --- Identities and instant pages ---

    def identities(self, advertiser_id: str, identity_type: str | None = None) -> list[dict]:
        params: dict[str, Any] = {"advertiser_id": str(advertiser_id), "page_size": 100}
        if identity_type:
            params["identity_type"] = identity_type
        rows: list[dict] = []
        page = 1
        while True:
            data = self._data(IDENTITY_GET_PATH, {**params, "page": page})
            rows.extend(data.get("identity_list") or [])
            total_page = int((data.get("page_info") or {}).get("total_page") or 0)
            if page >= total_page:
                return rows
            page += 1

    def instant_pages(self, advertiser_id: str, *, status: str | None = None, business_type: str = "LEAD_GEN") -> list[dict]:
        """The advertiser's instant pages (lead forms by default), all pages of ``page/get/``."""
        params: dict[str, Any] = {"advertiser_id": str(advertiser_id), "page_size": PAGE_LIST_PAGE_SIZE, "business_type": business_type}
        if status:
            params["page_status"] = status
        return self._all(PAGE_GET_PATH, params)

    # --- Reports ---

    def auction_report_pages(
        self,
        *,
        advertiser_id: str,
        data_level: str,
        dimensions: list[str],
        metrics: list[str],
        start_date: date,
        end_date: date,
        filtering: list[dict] | None = None,
        page_size: int = LIST_PAGE_SIZE,
    ) -> Iterator[list[dict]]:
        """``report/integrated/get/`` (BASIC, AUCTION), one list of raw rows
        (``{"dimensions": {...}, "metrics": {...}}``) per page. Dates are inclusive, in the
        advertiser's time zone, at most ``AUCTION_REPORT_MAX_DAYS`` per call: callers split."""
        if data_level not in AUCTION_LEVELS:
            raise ValueError(f"data_level must be one of {', '.join(AUCTION_LEVELS)}.")
        days = (end_date - start_date).days + 1
        if not 1 <= days <= AUCTION_REPORT_MAX_DAYS:
            raise ValueError(f"A report range is 1 to {AUCTION_REPORT_MAX_DAYS} days; got {start_date} to {end_date}: split it.")
        params: dict[str, Any] = {
            "advertiser_id": str(advertiser_id),
            "report_type": "BASIC",
            "service_type": "AUCTION",
            "data_level": data_level,
            "dimensions": json_param(list(dimensions)),
            "metrics": json_param(list(metrics)),
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "page_size": page_size,
        }
        if filtering:
            params["filtering"] = json_param(filtering)
        yield from self._pages(REPORT_PATH, params)
