"""Campaigns and their daily stats: the advertiser's campaign list, and the
``["stat_time_day","campaign_id"]`` report upserted by (campaign, day), a page per transaction,
so re-running any range leaves row counts and sums unchanged.

``campaign_stats_sync`` is the synchronous fetch (beat's recent days, demo seeding): its
coverage is recorded once every page of the range is stored. Backfills (``backfill.py``) run
the same pages as parts of a ``core.SyncRun``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.http import UpstreamError
from core.models import Tenant
from gmvmax.models import CampaignDailyStat, FetchCoverage, GmvMaxCampaign, PromotionType
from gmvmax.services.coverage import stats_coverage_record
from gmvmax.services.parsing import _count, _day, _stat_values, _text, advertiser_today, create_time_parse, report_ranges
from tiktok_ads.selectors import advertiser_stores, advertisers_for_tenant
from tiktok_ads.services import advertiser_business_client

logger = logging.getLogger(__name__)

PAGE_SIZE = 1000
CAMPAIGN_DIMENSIONS = ["stat_time_day", "campaign_id"]
CAMPAIGN_METRICS = ["cost", "net_cost", "orders", "cost_per_order", "gross_revenue", "roi"]
LIVE_CAMPAIGN_METRICS = CAMPAIGN_METRICS + ["live_views", "10_second_live_views", "live_follows"]
PRODUCT_CAMPAIGN_METRICS = CAMPAIGN_METRICS + ["product_impressions", "product_clicks"]
PROMOTION_TYPES = (PromotionType.PRODUCT, PromotionType.LIVE)
STAT_UPDATE_FIELDS = [
    "promotion_type",
    "store",
    "cost",
    "net_cost",
    "gross_revenue",
    "orders",
    "live_views",
    "ten_second_live_views",
    "live_follows",
    "product_impressions",
    "product_clicks",
    "fetched_at",
]
CAMPAIGN_UPDATE_FIELDS = ["name", "promotion_type", "status", "store", "platform_created_at", "updated_at"]


def _client_for(advertiser):
    return advertiser_business_client(advertiser=advertiser)


def _stores(advertiser) -> list:
    return advertiser_stores(advertiser)


def _gmv_stores(advertiser) -> list:
    return [store for store in _stores(advertiser) if store.is_gmv_max_available]


def _campaigns_upsert(advertiser, campaigns: list[GmvMaxCampaign], update_fields: list[str]) -> list[GmvMaxCampaign]:
    # One statement by (tenant, campaign_id): parts of one advertiser run in parallel and may
    # meet the same new campaign at once.
    return GmvMaxCampaign.objects.bulk_create(
        campaigns, update_conflicts=True, unique_fields=["tenant", "campaign_id"], update_fields=update_fields
    )


def campaigns_sync(*, advertiser, client=None) -> dict[str, GmvMaxCampaign]:
    """Upsert the advertiser's GMV Max campaigns (names, type, status, store, create time)."""
    client = client or _client_for(advertiser)
    stores = {store.store_id: store for store in _stores(advertiser)}
    existing = {c.campaign_id: c for c in GmvMaxCampaign.objects.for_tenant(advertiser.tenant_id).filter(advertiser=advertiser)}
    changed = []
    now = timezone.now()
    for row in client.gmv_max_campaigns(advertiser.advertiser_id):
        campaign_id = str(row["campaign_id"])
        values = {
            "name": _text(row.get("campaign_name"))[:300],
            "promotion_type": row.get("gmv_max_promotion_type") or PromotionType.PRODUCT,
            "status": _text(row.get("operation_status"))[:40],
            "store": stores.get(str(row.get("store_id") or "")),
            "platform_created_at": create_time_parse(row.get("create_time")),
        }
        campaign = existing.get(campaign_id)
        if campaign is not None and _same(campaign, values):
            continue
        changed.append(
            GmvMaxCampaign(tenant_id=advertiser.tenant_id, advertiser=advertiser, campaign_id=campaign_id, updated_at=now, **values)
        )
    for campaign in _campaigns_upsert(advertiser, changed, CAMPAIGN_UPDATE_FIELDS):
        existing[campaign.campaign_id] = campaign
    if any(campaign.pk is None for campaign in existing.values()):  # backends that don't return ids from upserts
        existing = {c.campaign_id: c for c in GmvMaxCampaign.objects.for_tenant(advertiser.tenant_id).filter(advertiser=advertiser)}
    return existing


def _same(campaign: GmvMaxCampaign, values: dict) -> bool:
    store = values["store"]
    if campaign.store_id != (store.pk if store is not None else None):
        return False
    return all(getattr(campaign, key) == value for key, value in values.items() if key != "store")


@dataclass
class StatsSyncResult:
    requests: int = 0
    pages: int = 0
    rows: int = 0
    coverage: FetchCoverage | None = None


def stats_pages(client, advertiser, start: date, end: date, *, skip_types: tuple[str, ...] = ()) -> Iterator[tuple[str, int, list[dict]]]:
    """``(promotion type, request number, rows)`` per page: ≤ 93-day requests per promotion
    type, over the advertiser's GMV-Max-available stores (none: no request)."""
    store_ids = [store.store_id for store in _gmv_stores(advertiser)]
    if not store_ids:
        return
    request_no = 0
    for promotion_type in PROMOTION_TYPES:
        if promotion_type in skip_types:
            continue
        metrics = LIVE_CAMPAIGN_METRICS if promotion_type == PromotionType.LIVE else PRODUCT_CAMPAIGN_METRICS
        for chunk_start, chunk_end in report_ranges(start, end):
            request_no += 1
            pages = client.gmv_max_report_pages(
                advertiser_id=advertiser.advertiser_id,
                store_ids=store_ids,
                start_date=chunk_start,
                end_date=chunk_end,
                dimensions=CAMPAIGN_DIMENSIONS,
                metrics=metrics,
                promotion_type=str(promotion_type),
                page_size=PAGE_SIZE,
            )
            for rows in pages:
                yield str(promotion_type), request_no, rows


def campaign_stats_sync(*, advertiser, start: date, end: date, client=None) -> StatsSyncResult:
    """Fetch and upsert the daily stats of every GMV Max campaign of ``advertiser`` for
    [start, end], every page (1000 rows) in its own transaction; the range's coverage is
    recorded after the last page. Idempotent. Upstream errors propagate (nothing recorded)."""
    if start > end:
        raise ValueError("start after end")
    client = client or _client_for(advertiser)
    result = StatsSyncResult()
    campaigns = campaigns_sync(advertiser=advertiser, client=client)
    for promotion_type, request_no, rows in stats_pages(client, advertiser, start, end):
        result.requests = request_no
        result.pages += 1
        with transaction.atomic():
            result.rows += stats_page_write(advertiser, campaigns, promotion_type, rows)
    with transaction.atomic():
        result.coverage = stats_coverage_record(advertiser=advertiser, start=start, end=end)
    return result


def stats_page_write(advertiser, campaigns: dict[str, GmvMaxCampaign], promotion_type: str, rows: list[dict]) -> int:
    """Upsert one report page (call inside a transaction). Campaigns reported but not listed
    (deleted since) are created so their figures are kept."""
    now = timezone.now()
    unknown = {str(row["dimensions"]["campaign_id"]) for row in rows} - set(campaigns)
    if unknown:
        created = _campaigns_upsert(
            advertiser,
            [
                GmvMaxCampaign(
                    tenant_id=advertiser.tenant_id, advertiser=advertiser, campaign_id=campaign_id, promotion_type=promotion_type
                )
                for campaign_id in sorted(unknown)
            ],
            ["updated_at"],
        )
        campaigns.update({campaign.campaign_id: campaign for campaign in created})
        if any(campaign.pk is None for campaign in created):
            stored = GmvMaxCampaign.objects.for_tenant(advertiser.tenant_id).filter(campaign_id__in=unknown)
            campaigns.update({campaign.campaign_id: campaign for campaign in stored})
    stats = []
    for row in rows:
        dims, metrics = row.get("dimensions", {}), row.get("metrics", {})
        campaign = campaigns[str(dims["campaign_id"])]
        stats.append(
            CampaignDailyStat(
                tenant_id=advertiser.tenant_id,
                campaign=campaign,
                promotion_type=campaign.promotion_type,
                store_id=campaign.store_id,
                day=_day(dims["stat_time_day"]),
                **_stat_values(metrics),
                product_impressions=_count(metrics.get("product_impressions")),
                product_clicks=_count(metrics.get("product_clicks")),
                fetched_at=now,
            )
        )
    CampaignDailyStat.objects.bulk_create(
        stats, update_conflicts=True, unique_fields=["tenant", "campaign", "day"], update_fields=STAT_UPDATE_FIELDS
    )
    return len(stats)


def recent_days_sync(*, tenant: Tenant, lookback_days: int | None = None) -> list[StatsSyncResult]:
    """Beat: re-fetch the last ``GMVMAX_LOOKBACK_DAYS`` days (today included) of every active
    advertiser: figures arrive with up to 11 hours of latency and attributed figures are revised."""
    lookback = lookback_days if lookback_days is not None else settings.GMVMAX_LOOKBACK_DAYS
    results = []
    for advertiser in advertisers_for_tenant(tenant):
        end = advertiser_today(advertiser)
        start = end - timedelta(days=max(lookback, 1) - 1)
        try:
            results.append(campaign_stats_sync(advertiser=advertiser, start=start, end=end))
        except UpstreamError as exc:
            logger.warning("GMV Max recent-days sync of advertiser %s failed: %s", advertiser.pk, exc)
    return results
