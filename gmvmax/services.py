"""GMV Max writes and workflows: campaign daily stats (beat for recent days, backfills on demand)
and live rooms fetched on demand, one campaign and range per fetch.

Campaign stats are upserted by (campaign, day), a page per transaction, so re-running any range
leaves row counts and sums unchanged. A room fetch reads every page first and writes the rooms,
their day rows and the record's success in ONE transaction at the end: a worker killed between
pages leaves a running (or failed) record that is retried, never half a room list marked
complete. Upstream errors fail the record with the platform's message; nothing is cached as a
success.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ApplicationError
from core.http import UpstreamError
from core.models import Tenant
from gmvmax.models import (
    ACTIVE_FETCH_STATES,
    CampaignDailyStat,
    FetchKind,
    FetchRecord,
    FetchState,
    GmvMaxCampaign,
    LiveRoom,
    PromotionType,
    RoomDailyStat,
)

logger = logging.getLogger(__name__)

DEMO_DAYS = 60  # what make run syncs for the demo tenant
MAX_REPORT_DAYS = 93  # the Business API's longest range per report request
PAGE_SIZE = 1000

CAMPAIGN_DIMENSIONS = ["stat_time_day", "campaign_id"]
CAMPAIGN_METRICS = ["cost", "net_cost", "orders", "cost_per_order", "gross_revenue", "roi"]
LIVE_CAMPAIGN_METRICS = CAMPAIGN_METRICS + ["live_views", "10_second_live_views", "live_follows"]
PRODUCT_CAMPAIGN_METRICS = CAMPAIGN_METRICS + ["product_impressions", "product_clicks"]
ROOM_DIMENSIONS = ["room_id", "stat_time_day"]
# The seed's list, in its order.
ROOM_METRICS = [
    "live_name",
    "live_status",
    "live_launched_time",
    "live_duration",
    "cost",
    "net_cost",
    "orders",
    "cost_per_order",
    "gross_revenue",
    "roi",
    "live_views",
    "cost_per_live_view",
    "10_second_live_views",
    "cost_per_10_second_live_view",
    "live_follows",
]
STAT_FIELDS = ("cost", "net_cost", "gross_revenue", "orders", "live_views", "ten_second_live_views", "live_follows")


# --- Parsing the platform's strings ------------------------------------------------------


def _money(value) -> Decimal:
    if value in (None, "", "-"):
        return Decimal("0")
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return Decimal("0")


def _count(value) -> int:
    if value in (None, "", "-"):
        return 0
    try:
        return int(Decimal(str(value)))
    except InvalidOperation:
        return 0


def _text(value) -> str:
    return "" if value in (None, "-") else str(value).strip()


def _day(value: str) -> date:
    return date.fromisoformat(str(value)[:10])


def _stat_values(metrics: dict) -> dict:
    """The STAT_FIELDS of one report row, as campaign and room day rows both store them."""
    return {
        "cost": _money(metrics.get("cost")),
        "net_cost": _money(metrics.get("net_cost")),
        "gross_revenue": _money(metrics.get("gross_revenue")),
        "orders": _count(metrics.get("orders")),
        "live_views": _count(metrics.get("live_views")),
        "ten_second_live_views": _count(metrics.get("10_second_live_views")),
        "live_follows": _count(metrics.get("live_follows")),
    }


def launched_time_parse(value, zone: str) -> datetime | None:
    """``live_launched_time`` is "YYYY-MM-DD HH:MM:SS" in the ad account's zone; "-"/"" → None."""
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(zone or "UTC"))
    except ValueError:
        return None


def report_ranges(start: date, end: date, max_days: int = MAX_REPORT_DAYS) -> list[tuple[date, date]]:
    """[start, end] split into consecutive ranges of at most ``max_days`` days."""
    ranges = []
    cursor = start
    while cursor <= end:
        last = min(end, cursor + timedelta(days=max_days - 1))
        ranges.append((cursor, last))
        cursor = last + timedelta(days=1)
    return ranges


def advertiser_today(advertiser) -> date:
    return timezone.now().astimezone(ZoneInfo(advertiser.time_zone or "UTC")).date()


def _client_for(advertiser):
    from tiktok_ads.client import BusinessApiClient

    return BusinessApiClient.for_advertiser(advertiser)


def _gmv_stores(advertiser) -> list:
    return [store for store in _stores(advertiser) if store.is_gmv_max_available]


def _stores(advertiser) -> list:
    from tiktok_ads.models import AdvertiserStore

    return list(AdvertiserStore.objects.for_tenant(advertiser.tenant_id).filter(advertiser=advertiser))


# --- Campaigns and their daily stats ------------------------------------------------------


def campaigns_sync(*, advertiser, client=None) -> dict[str, GmvMaxCampaign]:
    """Upsert the advertiser's GMV Max campaigns (names, type, status, store); by campaign_id."""
    client = client or _client_for(advertiser)
    stores = {store.store_id: store for store in _stores(advertiser)}
    existing = {c.campaign_id: c for c in GmvMaxCampaign.objects.for_tenant(advertiser.tenant_id).filter(advertiser=advertiser)}
    for row in client.gmv_max_campaigns(advertiser.advertiser_id):
        campaign_id = str(row["campaign_id"])
        values = {
            "name": _text(row.get("campaign_name"))[:300],
            "promotion_type": row.get("gmv_max_promotion_type") or PromotionType.PRODUCT,
            "status": _text(row.get("operation_status"))[:40],
            "store": stores.get(str(row.get("store_id") or "")),
        }
        campaign = existing.get(campaign_id)
        if campaign is None:
            existing[campaign_id] = GmvMaxCampaign.objects.create(
                tenant_id=advertiser.tenant_id, advertiser=advertiser, campaign_id=campaign_id, **values
            )
        elif any(getattr(campaign, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(campaign, key, value)
            campaign.save()
    return existing


@dataclass
class StatsSyncResult:
    requests: int = 0
    pages: int = 0
    rows: int = 0
    record: FetchRecord | None = None


def campaign_stats_sync(*, advertiser, start: date, end: date, client=None) -> StatsSyncResult:
    """Fetch and upsert the daily stats of every GMV Max campaign of ``advertiser`` for
    [start, end]: split into ≤ 93-day requests per promotion type, every page (1000 rows)
    upserted in its own transaction. Idempotent."""
    if start > end:
        raise ValueError("start after end")
    client = client or _client_for(advertiser)
    target = f"advertiser:{advertiser.pk}"
    record = _fetch_record_open(advertiser=advertiser, kind=FetchKind.CAMPAIGN_STATS, target=target, start=start, end=end)
    result = StatsSyncResult(record=record)
    try:
        campaigns = campaigns_sync(advertiser=advertiser, client=client)
        store_ids = [store.store_id for store in _gmv_stores(advertiser)]
        if store_ids:
            for promotion_type in (PromotionType.PRODUCT, PromotionType.LIVE):
                metrics = LIVE_CAMPAIGN_METRICS if promotion_type == PromotionType.LIVE else PRODUCT_CAMPAIGN_METRICS
                for chunk_start, chunk_end in report_ranges(start, end):
                    result.requests += 1
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
                        result.pages += 1
                        result.rows += _campaign_stats_page_write(advertiser, campaigns, promotion_type, rows)
                        FetchRecord.objects.for_tenant(advertiser.tenant_id).filter(pk=record.pk).update(
                            pages=result.pages, rows=result.rows, requests=result.requests, heartbeat_at=timezone.now()
                        )
    except Exception as exc:
        _fetch_record_fail(record, exc)
        raise
    FetchRecord.objects.for_tenant(advertiser.tenant_id).filter(pk=record.pk).update(
        state=FetchState.SUCCEEDED, pages=result.pages, rows=result.rows, requests=result.requests, finished_at=timezone.now(), error=""
    )
    record.refresh_from_db()
    return result


def _campaign_stats_page_write(advertiser, campaigns: dict[str, GmvMaxCampaign], promotion_type: str, rows: list[dict]) -> int:
    now = timezone.now()
    stats = []
    with transaction.atomic():
        for row in rows:
            dims, metrics = row.get("dimensions", {}), row.get("metrics", {})
            campaign_id = str(dims["campaign_id"])
            campaign = campaigns.get(campaign_id)
            if campaign is None:  # reported but not listed (e.g. deleted since): keep its figures
                campaign = campaigns[campaign_id] = GmvMaxCampaign.objects.create(
                    tenant_id=advertiser.tenant_id, advertiser=advertiser, campaign_id=campaign_id, promotion_type=promotion_type
                )
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
            stats,
            update_conflicts=True,
            unique_fields=["tenant", "campaign", "day"],
            update_fields=[
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
            ],
        )
    return len(stats)


def recent_days_sync(*, tenant: Tenant, lookback_days: int | None = None) -> list[StatsSyncResult]:
    """Beat: re-fetch the last ``GMVMAX_LOOKBACK_DAYS`` days (today included) of every active
    advertiser: figures arrive with up to 11 hours of latency and attributed figures are revised."""
    from tiktok_ads.selectors import advertisers_for_tenant

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


def backfill(*, tenant: Tenant, start: date, end: date) -> int:
    """Enqueue one stats sync per active advertiser for [start, end] (any length; each task
    splits into ≤ 93-day requests). Returns the number of tasks enqueued."""
    from gmvmax.tasks import campaign_stats_sync_task
    from tiktok_ads.selectors import advertisers_for_tenant

    advertiser_ids = [advertiser.pk for advertiser in advertisers_for_tenant(tenant)]
    for advertiser_pk in advertiser_ids:
        transaction.on_commit(
            lambda pk=advertiser_pk: campaign_stats_sync_task.delay(
                tenant_id=tenant.pk, advertiser_pk=pk, start=start.isoformat(), end=end.isoformat()
            )
        )
    return len(advertiser_ids)


# --- Fetch records ------------------------------------------------------------------------


def _fetch_record_open(*, advertiser, kind: str, target: str, start: date, end: date, campaign=None) -> FetchRecord:
    """A running record for a synchronous fetch; an active one of the same range is taken over."""
    now = timezone.now()
    records = FetchRecord.objects.for_tenant(advertiser.tenant_id)
    active = records.filter(kind=kind, target=target, start_date=start, end_date=end, state__in=ACTIVE_FETCH_STATES).first()
    if active is not None:
        records.filter(pk=active.pk).update(state=FetchState.RUNNING, started_at=now, heartbeat_at=now, attempts=active.attempts + 1)
        active.refresh_from_db()
        return active
    return FetchRecord.objects.create(
        tenant_id=advertiser.tenant_id,
        kind=kind,
        target=target,
        advertiser=advertiser,
        campaign=campaign,
        start_date=start,
        end_date=end,
        state=FetchState.RUNNING,
        attempts=1,
        started_at=now,
        heartbeat_at=now,
    )


def _fetch_record_fail(record: FetchRecord, exc: BaseException) -> None:
    message = str(exc) or type(exc).__name__
    FetchRecord.objects.for_tenant(record.tenant_id).filter(pk=record.pk).update(
        state=FetchState.FAILED, error=message[:2000], finished_at=timezone.now()
    )


# --- Live rooms ---------------------------------------------------------------------------


def room_target(campaign: GmvMaxCampaign) -> str:
    return f"campaign:{campaign.pk}"


def room_fetch_request(*, tenant: Tenant, campaign: GmvMaxCampaign, start: date, end: date) -> tuple[FetchRecord, bool]:
    """The active room fetch of this campaign and range, or a new queued one whose task is
    enqueued (queue ``fetch``) when the transaction commits. Returns (record, created)."""
    records = FetchRecord.objects.for_tenant(tenant)
    target = room_target(campaign)
    active = records.filter(kind=FetchKind.ROOMS, target=target, start_date=start, end_date=end, state__in=ACTIVE_FETCH_STATES)
    existing = active.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            record = FetchRecord.objects.create(
                tenant=tenant,
                kind=FetchKind.ROOMS,
                target=target,
                advertiser_id=campaign.advertiser_id,
                campaign=campaign,
                start_date=start,
                end_date=end,
            )
    except IntegrityError:  # a concurrent click created it first
        return active.get(), False
    _room_fetch_enqueue(record)
    return record, True


def _room_fetch_enqueue(record: FetchRecord) -> None:
    from gmvmax.tasks import room_fetch_task

    tenant_id, record_id = record.tenant_id, record.pk
    transaction.on_commit(lambda: room_fetch_task.delay(tenant_id=tenant_id, record_id=record_id))


def room_fetch_retry(*, tenant: Tenant, campaign: GmvMaxCampaign, start: date, end: date) -> tuple[FetchRecord, bool]:
    """Retry after a failure (or refresh on demand): same as a request, a no-op while one is active."""
    return room_fetch_request(tenant=tenant, campaign=campaign, start=start, end=end)


def _room_fetch_claim(record_id: int, tenant_id: int, stale_after: timedelta) -> FetchRecord | None:
    """Queued, or running without a heartbeat for ``stale_after`` (its worker died): take it."""
    now = timezone.now()
    records = FetchRecord.objects.for_tenant(tenant_id)
    with transaction.atomic():
        record = records.select_for_update().filter(pk=record_id).first()
        if record is None:
            return None
        claimable = record.state == FetchState.QUEUED or (
            record.state == FetchState.RUNNING and (record.heartbeat_at is None or record.heartbeat_at < now - stale_after)
        )
        if not claimable:
            return None
        record.state = FetchState.RUNNING
        record.started_at = now
        record.heartbeat_at = now
        record.attempts += 1
        record.error = ""
        record.pages = 0
        record.rows = 0
        record.save(update_fields=["state", "started_at", "heartbeat_at", "attempts", "error", "pages", "rows"])
    return record


def _room_pages(client, advertiser, campaign: GmvMaxCampaign, start: date, end: date) -> Iterator[tuple[int, list[dict]]]:
    store_ids = [campaign.store.store_id] if campaign.store_id else [s.store_id for s in _gmv_stores(advertiser)]
    for request_no, (chunk_start, chunk_end) in enumerate(report_ranges(start, end), start=1):
        pages = client.gmv_max_report_pages(
            advertiser_id=advertiser.advertiser_id,
            store_ids=store_ids,
            start_date=chunk_start,
            end_date=chunk_end,
            dimensions=ROOM_DIMENSIONS,
            metrics=ROOM_METRICS,
            promotion_type=str(PromotionType.LIVE),
            filtering={"campaign_ids": [campaign.campaign_id]},
            page_size=PAGE_SIZE,
        )
        for rows in pages:
            yield request_no, rows


def room_fetch_run(*, record_id: int, tenant_id: int, client=None, stale_after_seconds: int = 120) -> FetchRecord | None:
    """Run one room fetch: every page in memory, then rooms + day rows + success in one
    transaction. Upstream errors fail the record (message kept); other errors fail it and raise."""
    record = _room_fetch_claim(record_id, tenant_id, timedelta(seconds=stale_after_seconds))
    if record is None:
        return None
    campaign = GmvMaxCampaign.objects.for_tenant(tenant_id).select_related("advertiser", "store").get(pk=record.campaign_id)
    advertiser = campaign.advertiser
    records = FetchRecord.objects.for_tenant(tenant_id).filter(pk=record.pk)
    rows: list[dict] = []
    pages = requests = 0
    try:
        client = client or _client_for(advertiser)
        for request_no, page_rows in _room_pages(client, advertiser, campaign, record.start_date, record.end_date):
            rows.extend(page_rows)
            pages += 1
            requests = request_no
            records.update(pages=pages, requests=requests, heartbeat_at=timezone.now())
        with transaction.atomic():
            written = _rooms_write(campaign, record.start_date, record.end_date, rows)
            records.update(state=FetchState.SUCCEEDED, pages=pages, rows=written, requests=requests, finished_at=timezone.now(), error="")
    except UpstreamError as exc:
        _fetch_record_fail(record, exc)
    except Exception as exc:
        _fetch_record_fail(record, exc)
        raise
    record.refresh_from_db()
    return record


def _rooms_write(campaign: GmvMaxCampaign, start: date, end: date, rows: list[dict]) -> int:
    """Replace the campaign's room-day rows of [start, end] with ``rows`` (upsert rooms)."""
    tenant_id = campaign.tenant_id
    zone = campaign.advertiser.time_zone or "UTC"
    now = timezone.now()
    by_room: dict[str, dict] = {}
    day_rows = []
    for row in rows:
        dims, metrics = row.get("dimensions", {}), row.get("metrics", {})
        room_id = str(dims["room_id"])
        info = by_room.setdefault(room_id, {"live_name": "", "live_status": "", "launched_time": None, "duration": ""})
        # Both day rows of a room spanning midnight carry the same info; keep what is given.
        info["live_name"] = _text(metrics.get("live_name"))[:300] or info["live_name"]
        info["live_status"] = _text(metrics.get("live_status"))[:16] or info["live_status"]
        info["duration"] = _text(metrics.get("live_duration"))[:40] or info["duration"]
        launched = launched_time_parse(metrics.get("live_launched_time"), zone)
        if launched is not None and (info["launched_time"] is None or launched < info["launched_time"]):
            info["launched_time"] = launched
        day_rows.append((room_id, _day(dims["stat_time_day"]), metrics))

    rooms = LiveRoom.objects.bulk_create(
        [LiveRoom(tenant_id=tenant_id, campaign=campaign, room_id=room_id, updated_at=now, **info) for room_id, info in by_room.items()],
        update_conflicts=True,
        unique_fields=["tenant", "campaign", "room_id"],
        update_fields=["live_name", "live_status", "launched_time", "duration", "updated_at"],
    )
    room_pks = {room.room_id: room.pk for room in rooms}
    if None in room_pks.values():  # backends that don't return ids from upserts
        room_pks = dict(LiveRoom.objects.for_tenant(tenant_id).filter(campaign=campaign).values_list("room_id", "pk"))
    RoomDailyStat.objects.for_tenant(tenant_id).filter(campaign=campaign, day__gte=start, day__lte=end).delete()
    RoomDailyStat.objects.bulk_create(
        [
            RoomDailyStat(
                tenant_id=tenant_id,
                campaign=campaign,
                room_id=room_pks[room_id],
                day=day,
                **_stat_values(metrics),
            )
            for room_id, day, metrics in day_rows
        ],
        update_conflicts=True,
        unique_fields=["tenant", "room", "day"],
        update_fields=list(STAT_FIELDS),
    )
    return len(day_rows)


def room_fetches_sweep(*, stale_after_seconds: int = 180) -> int:
    """Cross-tenant on purpose (beat): re-enqueue room fetches whose message was lost (queued
    for too long) or whose worker died (running without a heartbeat)."""
    cutoff = timezone.now() - timedelta(seconds=stale_after_seconds)
    stale = FetchRecord.all_tenants.filter(kind=FetchKind.ROOMS).filter(
        state=FetchState.QUEUED, requested_at__lt=cutoff
    ) | FetchRecord.all_tenants.filter(kind=FetchKind.ROOMS, state=FetchState.RUNNING, heartbeat_at__lt=cutoff)
    count = 0
    for record in stale:
        _room_fetch_enqueue(record)
        count += 1
    return count


# --- What the rooms API and the page show -------------------------------------------------


@dataclass
class RoomSessions:
    """``status`` is "ready" (sessions complete and fresh), or the state of the fetch under way
    ("queued", "running") or of the last one ("failed"). ``sessions`` is the last complete list
    when one is stored (shown while an ONGOING refresh runs), else None."""

    status: str
    sessions: list[dict] | None
    record: FetchRecord | None
    stale: bool = False

    @property
    def ready(self) -> bool:
        return self.status == "ready"


class NotALiveCampaign(ApplicationError):
    code = "not_live_campaign"


def _needs_refresh(campaign: GmvMaxCampaign, covering: FetchRecord, sessions: list[dict], end: date) -> bool:
    """Ended rooms never change; a range with ONGOING rooms (or reaching today, when new rooms
    can start) is refetched once its data is older than GMVMAX_ONGOING_MAX_AGE_SECONDS."""
    max_age = timedelta(seconds=settings.GMVMAX_ONGOING_MAX_AGE_SECONDS)
    if covering.finished_at is None or covering.finished_at >= timezone.now() - max_age:
        return False
    live = any(session["live_status"] == "ONGOING" for session in sessions)
    return live or end >= advertiser_today(campaign.advertiser)


def room_sessions_get(*, tenant: Tenant, campaign: GmvMaxCampaign, start: date, end: date, retry: bool = False) -> RoomSessions:
    """Stored and fresh → ready. Otherwise a fetch is requested (or the active one reused) and
    its state returned; a failed fetch stays failed until ``retry`` (no automatic hammering of a
    failing upstream)."""
    from gmvmax import selectors

    if not campaign.is_live:
        raise NotALiveCampaign(
            "Live sessions exist only for LIVE GMV MAX campaigns.", extra={"fields": {"campaignId": ["Not a LIVE GMV MAX campaign."]}}
        )
    fetches = selectors.room_fetches(tenant, campaign=campaign, start=start, end=end)
    covering, active, latest = fetches.covering, fetches.active, fetches.latest
    stored = selectors.room_sessions_cached(tenant, campaign=campaign, start=start, end=end, version=fetches.version) if covering else None
    if active is not None:
        return RoomSessions(active.state, stored, active, stale=stored is not None)
    if retry:
        record, _ = room_fetch_request(tenant=tenant, campaign=campaign, start=start, end=end)
        return RoomSessions(record.state, stored, record, stale=stored is not None)
    if covering is not None:
        if not _needs_refresh(campaign, covering, stored, end):
            return RoomSessions("ready", stored, covering)
        if latest is not None and latest.state == FetchState.FAILED and latest.requested_at > covering.finished_at:
            # The refresh failed: the last complete list is still right for ended rooms; show
            # it with the failure and wait for a retry.
            return RoomSessions(FetchState.FAILED, stored, latest, stale=True)
        record, _ = room_fetch_request(tenant=tenant, campaign=campaign, start=start, end=end)
        return RoomSessions(record.state, stored, record, stale=True)
    if latest is not None and latest.state == FetchState.FAILED:
        return RoomSessions(FetchState.FAILED, None, latest)
    record, _ = room_fetch_request(tenant=tenant, campaign=campaign, start=start, end=end)
    return RoomSessions(record.state, None, record)
