"""Live rooms, fetched on demand: one ``core.SyncRun`` (kind ``gmvmax.room_fetch``, target
``campaign:<pk>:<start>..<end>``) per campaign and range, however many clicks.

The part reads every page first and writes the rooms, their day rows, the coverage row and its
completion in ONE transaction (``sync_page_commit``): a worker killed between pages leaves a
running part that the core sweeper re-enqueues, never half a room list marked complete.
Upstream errors fail the run with the platform's message; nothing is cached as a success.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from core.exceptions import ApplicationError
from core.http import UpstreamError
from core.models import SyncRun, SyncRunPart, SyncState, Tenant
from core.selectors import sync_run_active
from core.services import (
    StaleCheckpoint,
    SyncRunConflict,
    sync_page_commit,
    sync_part_claim,
    sync_part_fail,
    sync_run_resume,
    sync_run_start,
)
from core.targets import campaign_range_target
from gmvmax import selectors
from gmvmax.errors import GmvMaxError
from gmvmax.models import FetchCoverage, GmvMaxCampaign, LiveRoom, PromotionType, RoomDailyStat, RunKind
from gmvmax.services.coverage import rooms_coverage_record
from gmvmax.services.parsing import _day, _stat_values, _text, advertiser_today, launched_time_parse, report_ranges
from gmvmax.services.stats import PAGE_SIZE, _client_for, _gmv_stores

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


def room_target(campaign: GmvMaxCampaign, start: date, end: date) -> str:
    return campaign_range_target(campaign.pk, start, end)


def room_fetch_request(*, tenant: Tenant, campaign: GmvMaxCampaign, start: date, end: date) -> tuple[SyncRun, bool]:
    """The active room fetch of this campaign and range, or a new run whose part is enqueued
    (queue ``fetch``) when the transaction commits. Returns (run, created)."""
    target = room_target(campaign, start, end)
    active = sync_run_active(tenant, kind=RunKind.ROOM_FETCH, target=target)
    if active is not None:
        return active, False
    try:
        run = sync_run_start(
            tenant=tenant,
            kind=RunKind.ROOM_FETCH,
            target=target,
            parts=[("rooms", {})],
            params={"campaign": campaign.pk, "campaign_id": campaign.campaign_id, "start": start.isoformat(), "end": end.isoformat()},
            label=f"Live rooms of {campaign.name or campaign.campaign_id}, {start:%Y-%m-%d} – {end:%Y-%m-%d}",
        )
    except SyncRunConflict as exc:  # a concurrent click started it first
        return exc.run, False
    return run, True


def _room_fetch_retry(*, tenant: Tenant, campaign: GmvMaxCampaign, start: date, end: date, latest: SyncRun | None) -> SyncRun:
    """Retry a failed fetch where it is (same run, attempts + 1), else request a new one."""
    if latest is not None and latest.state == SyncState.FAILED:
        try:
            return sync_run_resume(run=latest)
        except SyncRunConflict as exc:
            return exc.run
    return room_fetch_request(tenant=tenant, campaign=campaign, start=start, end=end)[0]


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


def room_fetch_part_run(*, part_id: int, client=None) -> SyncRunPart | None:
    """Work a room fetch: every page in memory, then rooms + day rows + coverage + the part's
    completion in one transaction. Upstream errors fail the run (message kept); other errors
    fail it and raise. ``None`` when there is nothing to do (done, or another worker's)."""
    part = SyncRunPart.objects.select_related("run").filter(pk=part_id).first()
    if part is None or (part := sync_part_claim(part=part)) is None:
        return None
    run = part.run
    start, end = date.fromisoformat(run.params["start"]), date.fromisoformat(run.params["end"])
    campaign = (
        GmvMaxCampaign.objects.for_tenant(run.tenant_id).select_related("advertiser__connection", "store").get(pk=run.params["campaign"])
    )
    rows: list[dict] = []
    pages = requests = 0
    try:
        client = client or _client_for(campaign.advertiser)
        for request_no, page_rows in _room_pages(client, campaign.advertiser, campaign, start, end):
            rows.extend(page_rows)
            pages += 1
            requests = request_no

        def write() -> None:
            _rooms_write(campaign, start, end, rows)
            rooms_coverage_record(campaign=campaign, start=start, end=end)

        return sync_page_commit(
            part=part, write_rows=write, checkpoint={"pages": pages, "requests": requests, "rows": len(rows)}, items=len(rows), done=True
        )
    except StaleCheckpoint:
        return None
    except UpstreamError as exc:
        sync_part_fail(part=part, error=str(exc) or type(exc).__name__)
    except Exception as exc:
        sync_part_fail(part=part, error=str(exc) or type(exc).__name__)
        raise
    return part


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
            RoomDailyStat(tenant_id=tenant_id, campaign=campaign, room_id=room_pks[room_id], day=day, **_stat_values(metrics))
            for room_id, day, metrics in day_rows
        ],
        update_conflicts=True,
        unique_fields=["tenant", "room", "day"],
        update_fields=list(STAT_FIELDS),
    )
    return len(day_rows)


# --- What the rooms API and the page show -------------------------------------------------


@dataclass
class RoomSessions:
    """``status`` is "ready" (sessions complete and fresh), or the state of the fetch under way
    ("queued", "running") or of the last one ("failed"). ``sessions`` is the last complete list
    when one is stored (shown while an ONGOING refresh runs), else None."""

    status: str
    sessions: list[dict] | None
    run: SyncRun | None
    part: SyncRunPart | None = None
    stale: bool = False

    @property
    def ready(self) -> bool:
        return self.status == "ready"


class NotALiveCampaign(ApplicationError):
    code = GmvMaxError.NOT_LIVE_CAMPAIGN


def _needs_refresh(campaign: GmvMaxCampaign, covering: FetchCoverage, sessions: list[dict], end: date) -> bool:
    """Ended rooms never change; a range with ONGOING rooms (or reaching today, when new rooms
    can start) is refetched once its data is older than GMVMAX_ONGOING_MAX_AGE_SECONDS."""
    max_age = timedelta(seconds=settings.GMVMAX_ONGOING_MAX_AGE_SECONDS)
    if covering.fetched_at >= timezone.now() - max_age:
        return False
    live = any(session["live_status"] == "ONGOING" for session in sessions)
    return live or end >= advertiser_today(campaign.advertiser)


def _pending(run: SyncRun, stored: list[dict] | None) -> RoomSessions:
    status, part = selectors.room_fetch_status(run)
    return RoomSessions(status, stored, run, part, stale=stored is not None)


def room_sessions_get(*, tenant: Tenant, campaign: GmvMaxCampaign, start: date, end: date, retry: bool = False) -> RoomSessions:
    """Stored and fresh → ready. Otherwise a fetch is requested (or the active one reused) and
    its state returned; a failed fetch stays failed until ``retry`` (no automatic hammering of a
    failing upstream)."""
    if not campaign.is_live:
        raise NotALiveCampaign(
            "Live sessions exist only for LIVE GMV MAX campaigns.", extra={"fields": {"campaignId": ["Not a LIVE GMV MAX campaign."]}}
        )
    fetches = selectors.room_fetches(tenant, campaign=campaign, start=start, end=end)
    covering, latest = fetches.covering, fetches.latest
    stored = selectors.room_sessions_cached(tenant, campaign=campaign, start=start, end=end, version=fetches.version) if covering else None
    if latest is not None and latest.is_active:
        return _pending(latest, stored)
    if retry:
        return _pending(_room_fetch_retry(tenant=tenant, campaign=campaign, start=start, end=end, latest=latest), stored)
    if covering is not None:
        if not _needs_refresh(campaign, covering, stored, end):
            return RoomSessions("ready", stored, latest)
        if latest is not None and latest.state == SyncState.FAILED and latest.created_at > covering.fetched_at:
            # The refresh failed: the last complete list is still right for ended rooms; show
            # it with the failure and wait for a retry.
            return _pending(latest, stored)
        run, _ = room_fetch_request(tenant=tenant, campaign=campaign, start=start, end=end)
        return _pending(run, stored)
    if latest is not None and latest.state == SyncState.FAILED:
        return _pending(latest, None)
    run, _ = room_fetch_request(tenant=tenant, campaign=campaign, start=start, end=end)
    return _pending(run, None)
