"""The metrics collector: an advertiser's ad-level figures of the last days, from TikTok's
``report/integrated/get`` (AUCTION_AD, by ad and day), into ``CreativeMetricDay``.

TikTok revises recent days, so re-fetching a day replaces its row (one bulk upsert on the
(platform, ad, day) key). Rows without an ad id or a readable day are skipped and counted.
Every call runs under the caller's correlation id and the brain's upstream settings
(``AUTOPILOT_REPORT_TIMEOUT``, retries waiting ``AUTOPILOT_RETRY_WAITS``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone

from autopilot.models import CreativeMetricDay, Platform
from tiktok_ads.selectors import ad_links
from tiktok_ads.services import advertiser_business_client

logger = logging.getLogger("autopilot.collector")

AD_DIMENSIONS = ["ad_id", "stat_time_day"]
AD_METRICS = [
    "spend",
    "impressions",
    "clicks",
    "reach",
    "conversion",
    "onsite_form",
    "result",
    "video_play_actions",
    "ad_name",
    "adgroup_id",
    "campaign_id",
    "objective_type",
]
REPORT_PAGE_SIZE = 1000
UPDATE_FIELDS = [
    "ad_account",
    "advertiser",
    "creative",
    "direction",
    "campaign_id",
    "adgroup_id",
    "ad_name",
    "objective_type",
    "currency",
    "spend",
    "impressions",
    "clicks",
    "reach",
    "conversions",
    "leads",
    "results",
    "video_views",
    "collected_at",
]


@dataclass
class Collection:
    """What one collection did: rows stored, rows skipped, upstream calls made, when."""

    start: date
    end: date
    collected: int = 0
    skipped_rows: int = 0
    errors: int = 0
    upstream_calls: int = 0
    collected_at: datetime | None = None
    error: str = ""
    skipped: list[str] = field(default_factory=list)

    def as_stats(self) -> dict:
        return {
            "collected": self.collected,
            "skipped_rows": self.skipped_rows,
            "errors": self.errors,
            "upstream_calls": self.upstream_calls,
        }


def advertiser_zone(advertiser) -> ZoneInfo:
    try:
        return ZoneInfo(advertiser.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def clock() -> datetime:
    """Now, for the windows (one seam, so tests pin the day)."""
    return timezone.now()


def local_today(advertiser, *, now: datetime | None = None) -> date:
    """Today in the advertiser's time zone."""
    return (now or clock()).astimezone(advertiser_zone(advertiser)).date()


def collection_window(advertiser, *, days: int | None = None, now: datetime | None = None) -> tuple[date, date]:
    """The last ``days`` local days, today included (``AUTOPILOT_WINDOW_DAYS`` by default)."""
    days = days or settings.AUTOPILOT_WINDOW_DAYS
    end = local_today(advertiser, now=now)
    return end - timedelta(days=days - 1), end


def brain_client(advertiser, **kwargs):
    """The advertiser's Business API client with the brain's timeout and retry waits; it counts
    its calls in ``client.upstream_calls``."""
    kwargs.setdefault("timeout", settings.AUTOPILOT_REPORT_TIMEOUT)
    kwargs.setdefault("backoff_schedule", tuple(settings.AUTOPILOT_RETRY_WAITS))
    client = advertiser_business_client(advertiser=advertiser, **kwargs)
    client.upstream_calls = 0
    request = client.request

    def counted(*args, **kw):
        client.upstream_calls += 1
        return request(*args, **kw)

    client.request = counted
    return client


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def _int(value) -> int:
    try:
        return max(int(Decimal(str(value))), 0)
    except (InvalidOperation, TypeError, ValueError):
        return 0


def _money(value) -> Decimal:
    try:
        return max(Decimal(str(value)).quantize(Decimal("0.01")), Decimal(0))
    except (InvalidOperation, TypeError, ValueError):
        return Decimal(0)


def _text(value, limit: int) -> str:
    text = "" if value in (None, "-") else str(value)
    return text[:limit]


def metric_rows(
    *, tenant, ad_account, advertiser, rows: list[dict], collected_at: datetime, collection: Collection
) -> list[CreativeMetricDay]:
    """The ``CreativeMetricDay`` rows of raw report rows (unparsable rows counted as skipped)."""
    parsed = []
    for row in rows:
        dims = row.get("dimensions") or {}
        metrics = row.get("metrics") or {}
        ad_id = str(dims.get("ad_id") or "").strip()
        day = _day(dims.get("stat_time_day"))
        if not ad_id or day is None or not isinstance(metrics, dict):
            collection.skipped_rows += 1
            continue
        parsed.append((ad_id, day, metrics))
    links = ad_links(tenant, {ad_id for ad_id, _day_, _m in parsed})
    built: dict[tuple[str, date], CreativeMetricDay] = {}
    for ad_id, day, metrics in parsed:
        creative_id, direction_id = links.get(ad_id, (None, None))
        built[(ad_id, day)] = CreativeMetricDay(
            tenant=tenant,
            platform=Platform.TIKTOK,
            creative_key=ad_id,
            day=day,
            ad_account=ad_account,
            advertiser=advertiser,
            creative_id=creative_id,
            direction_id=direction_id,
            campaign_id=_text(metrics.get("campaign_id"), 32),
            adgroup_id=_text(metrics.get("adgroup_id"), 32),
            ad_name=_text(metrics.get("ad_name"), 512),
            objective_type=_text(metrics.get("objective_type"), 32),
            currency=(advertiser.currency or "")[:3],
            spend=_money(metrics.get("spend")),
            impressions=_int(metrics.get("impressions")),
            clicks=_int(metrics.get("clicks")),
            reach=_int(metrics.get("reach")),
            conversions=_int(metrics.get("conversion")),
            leads=_int(metrics.get("onsite_form")),
            results=_int(metrics.get("result")),
            video_views=_int(metrics.get("video_play_actions")),
            collected_at=collected_at,
        )
    return list(built.values())


def metric_rows_store(rows: list[CreativeMetricDay]) -> int:
    """Insert or replace ``rows`` on their (platform, ad, day) key."""
    if not rows:
        return 0
    CreativeMetricDay.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["tenant", "platform", "creative_key", "day"],
        update_fields=UPDATE_FIELDS,
        batch_size=1000,
    )
    return len(rows)


def metrics_collect(*, tenant, ad_account, advertiser, client=None, start: date | None = None, end: date | None = None) -> Collection:
    """Fetch the advertiser's AUCTION_AD day rows for ``[start, end]`` (the last
    ``AUTOPILOT_WINDOW_DAYS`` local days by default) and store them. Upstream errors propagate
    (after the client's retries); the caller decides what a failed collection means."""
    if start is None or end is None:
        start, end = collection_window(advertiser)
    collection = Collection(start=start, end=end)
    client = client or brain_client(advertiser)
    calls_before = getattr(client, "upstream_calls", 0)
    extra = {"action": "collection_started", "advertiser_id": advertiser.advertiser_id, "start": str(start), "end": str(end)}
    logger.info("Collecting ad figures of advertiser %s, %s to %s", advertiser.advertiser_id, start, end, extra=extra)
    rows: list[dict] = []
    try:
        for page in client.auction_report_pages(
            advertiser_id=advertiser.advertiser_id,
            data_level="AUCTION_AD",
            dimensions=AD_DIMENSIONS,
            metrics=AD_METRICS,
            start_date=start,
            end_date=end,
            page_size=REPORT_PAGE_SIZE,
        ):
            rows.extend(page)
            logger.info(
                "Report page of advertiser %s: %d rows",
                advertiser.advertiser_id,
                len(page),
                extra={"action": "report_fetched", "advertiser_id": advertiser.advertiser_id, "rows": len(page)},
            )
    except Exception as error:
        collection.errors += 1
        collection.error = str(error) or type(error).__name__
        collection.upstream_calls = getattr(client, "upstream_calls", 0) - calls_before
        logger.warning(
            "Collection of advertiser %s failed: %s",
            advertiser.advertiser_id,
            collection.error,
            extra={"action": "collection_failed", "advertiser_id": advertiser.advertiser_id},
        )
        error.collection = collection
        raise
    collection.upstream_calls = getattr(client, "upstream_calls", 0) - calls_before
    collection.collected_at = timezone.now()
    built = metric_rows(
        tenant=tenant, ad_account=ad_account, advertiser=advertiser, rows=rows, collected_at=collection.collected_at, collection=collection
    )
    collection.collected = metric_rows_store(built)
    logger.info(
        "Stored %d ad-day rows of advertiser %s (%d skipped)",
        collection.collected,
        advertiser.advertiser_id,
        collection.skipped_rows,
        extra={"action": "metrics_stored", "advertiser_id": advertiser.advertiser_id, **collection.as_stats()},
    )
    return collection
