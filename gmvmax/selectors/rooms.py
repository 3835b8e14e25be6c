"""A campaign's live sessions grouped by room, and the state of its room fetches (sync runs of
kind ``gmvmax.room_fetch`` and the rooms coverage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Max, Min, Subquery, Sum

from core.exceptions import NotFound
from core.models import SyncRun, SyncRunPart, SyncState, Tenant
from core.selectors import sync_runs_for_tenant
from core.targets import campaign_range_target, campaign_target
from core.timezones import zone_or_utc
from gmvmax.errors import GmvMaxError
from gmvmax.models import CoverageKind, FetchCoverage, GmvMaxCampaign, RoomDailyStat, RunKind
from gmvmax.selectors.report import SUMMED, _finish

LAUNCHED_FORMAT = "%Y-%m-%d %H:%M:%S"


def campaign_get(tenant: Tenant, *, campaign_id: str) -> GmvMaxCampaign:
    """By the platform's campaign id; another tenant's campaign is the same 404 as a missing one."""
    campaign = GmvMaxCampaign.objects.for_tenant(tenant).select_related("advertiser").filter(campaign_id=str(campaign_id)).first()
    if campaign is None:
        raise NotFound(f"No GMV Max campaign {campaign_id} in your tenant.", code=GmvMaxError.UNKNOWN_CAMPAIGN)
    return campaign


def campaign_get_by_pk(tenant: Tenant, *, pk: int) -> GmvMaxCampaign:
    campaign = GmvMaxCampaign.objects.for_tenant(tenant).select_related("advertiser").filter(pk=pk).first()
    if campaign is None:
        raise NotFound("No such GMV Max campaign in your tenant.", code=GmvMaxError.UNKNOWN_CAMPAIGN)
    return campaign


ROOM_CACHE_SECONDS = 3600


def room_sessions_cached(tenant: Tenant, *, campaign: GmvMaxCampaign, start: date, end: date, version: int) -> list[dict]:
    """``room_sessions`` cached under the campaign's newest successful fetch: a new fetch of any
    range of the campaign (the only writer of its rooms) makes a new key, so nothing stale is
    ever read."""
    key = f"gmvmax:rooms:{tenant.pk}:{campaign.pk}:{version}:{start:%Y%m%d}:{end:%Y%m%d}"
    sessions = cache.get(key)
    if sessions is None:
        sessions = room_sessions(tenant, campaign=campaign, start=start, end=end)
        cache.set(key, sessions, ROOM_CACHE_SECONDS)
    return sessions


def launched_text(launched, zone: str) -> str:
    return launched.astimezone(zone_or_utc(zone)).strftime(LAUNCHED_FORMAT)


def room_sessions(tenant: Tenant, *, campaign: GmvMaxCampaign, start: date, end: date) -> list[dict]:
    """Rooms of ``campaign`` with figures in [start, end]: day rows summed per room, the room's
    earliest ``live_launched_time`` (else its first ``stat_time_day``) formatted in the ad
    account's zone, ROI from the sums; most recently launched first."""
    zone = campaign.advertiser.time_zone or "UTC"
    rows = (
        RoomDailyStat.objects.for_tenant(tenant)
        .filter(campaign=campaign, day__gte=start, day__lte=end)
        .order_by()
        .values("room_id", "room__room_id", "room__live_name", "room__live_status", "room__launched_time", "room__duration")
        .annotate(
            cost=Sum("cost"),
            gmv=Sum("gross_revenue"),
            orders=Sum("orders"),
            live_views=Sum("live_views"),
            ten_second_live_views=Sum("ten_second_live_views"),
            live_follows=Sum("live_follows"),
            first_day=Min("day"),
        )
    )
    sessions = []
    for row in rows:
        launched_at = row["room__launched_time"]
        sessions.append(
            _finish(
                {
                    "pk": row["room_id"],
                    "room_id": row["room__room_id"],
                    "live_name": row["room__live_name"],
                    "live_status": row["room__live_status"],
                    "live_duration": row["room__duration"],
                    "launched_time": launched_text(launched_at, zone) if launched_at else f"{row['first_day']:%Y-%m-%d} 00:00:00",
                    "launched_known": launched_at is not None,
                    **{key: row[key] for key in SUMMED},
                }
            )
        )
    # The text sorts like the time (same zone, fixed-width format).
    sessions.sort(key=lambda s: (s["launched_time"], s["room_id"]), reverse=True)
    return sessions


@dataclass
class RoomFetches:
    """What matters for one campaign and range: two queries."""

    latest: SyncRun | None  # the newest room fetch run of exactly this range, any state
    covering: FetchCoverage | None  # the newest coverage whose range contains this one
    version: int | None  # the newest rooms coverage of the campaign, any range: what is stored


def room_fetches(tenant: Tenant, *, campaign: GmvMaxCampaign, start: date, end: date) -> RoomFetches:
    latest = (
        sync_runs_for_tenant(tenant, kind=RunKind.ROOM_FETCH, target=campaign_range_target(campaign.pk, start, end))
        .order_by("-created_at", "-id")
        .first()
    )
    coverage = FetchCoverage.objects.for_tenant(tenant).filter(kind=CoverageKind.ROOMS, target=campaign_target(campaign.pk))
    newest = coverage.order_by().values("target").annotate(newest=Max("fetched_at")).values("newest")
    covering = (
        coverage.filter(start_date__lte=start, end_date__gte=end).annotate(newest=Subquery(newest)).order_by("-fetched_at", "-id").first()
    )
    version = int(covering.newest.timestamp() * 1_000_000) if covering is not None else None
    return RoomFetches(latest=latest, covering=covering, version=version)


def room_fetch_covering(tenant: Tenant, *, campaign: GmvMaxCampaign, start: date, end: date) -> FetchCoverage | None:
    """The newest rooms coverage whose range contains [start, end]."""
    return (
        FetchCoverage.objects.for_tenant(tenant)
        .filter(kind=CoverageKind.ROOMS, target=campaign_target(campaign.pk), start_date__lte=start, end_date__gte=end)
        .order_by("-fetched_at", "-id")
        .first()
    )


def room_fetch_status(run: SyncRun) -> tuple[str, SyncRunPart | None]:
    """The rooms API's ``status`` of a room fetch run: "queued" until a worker claims its part,
    "running", "failed" or "succeeded"."""
    part = SyncRunPart.objects.for_tenant(run.tenant_id).filter(run=run).order_by("position", "id").first()
    if run.state == SyncState.FAILED:
        return "failed", part
    if run.state == SyncState.SUCCEEDED:
        return "succeeded", part
    if part is not None and part.state == SyncState.PENDING:
        return "queued", part
    return "running", part
