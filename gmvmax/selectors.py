"""GMV Max reads: the campaign table (one grouped, index-only query over the daily stats),
accounts and totals derived from it, and a campaign's live sessions grouped by room.

Every function takes the tenant explicitly. ROI is always recomputed from the summed figures
(gmv / cost, 2 decimals; 0 when there is no cost, as for a shop whose GMV Max cost is zero).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.db.models import Max, Min, Q, Subquery, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.exceptions import NotFound
from core.models import ACTIVE_SYNC_STATES, SyncRun, SyncRunPart, SyncState, Tenant
from core.selectors import sync_runs_for_tenant
from core.targets import campaign_range_target, campaign_target
from gmvmax.models import CampaignDailyStat, CoverageKind, FetchCoverage, GmvMaxCampaign, RoomDailyStat, RunKind

CENT = Decimal("0.01")
ZERO = Decimal("0")
LAUNCHED_FORMAT = "%Y-%m-%d %H:%M:%S"
SUMMED = ("cost", "gmv", "orders", "live_views", "ten_second_live_views", "live_follows")


def roi_of(gmv: Decimal, cost: Decimal) -> Decimal:
    if not cost:
        return ZERO.quantize(CENT)
    return (Decimal(gmv) / Decimal(cost)).quantize(CENT, rounding=ROUND_HALF_UP)


def cost_per(cost: Decimal, count: int) -> Decimal:
    return (Decimal(cost) / count).quantize(CENT, rounding=ROUND_HALF_UP) if count else ZERO.quantize(CENT)


def _finish(row: dict) -> dict:
    row["cost"] = (row["cost"] or ZERO).quantize(CENT)
    row["gmv"] = (row["gmv"] or ZERO).quantize(CENT)
    for key in ("orders", "live_views", "ten_second_live_views", "live_follows"):
        row[key] = int(row[key] or 0)
    row["roi"] = roi_of(row["gmv"], row["cost"])
    row["cost_per_view"] = cost_per(row["cost"], row["live_views"])
    return row


def store_pks_for_shop(tenant: Tenant, shop_number: int | None) -> list[int] | None:
    """The AdvertiserStore rows of ``shop_number`` (None: no filter). Unknown numbers raise
    ``tiktok_ads.selectors.UnknownShopNumber``."""
    if shop_number is None:
        return None
    from tiktok_ads.selectors import gmvmax_stores

    return [store.pk for store in gmvmax_stores(tenant, shop_number)]


# One round trip: the grouped, index-only scan of the report index (see CampaignDailyStat.Meta)
# as a derived table, joined to the campaigns it found and to the tenant's active ad accounts
# (a subquery built by tiktok_ads.selectors). Written in SQL because the ORM can't group in a
# derived table and join outside it.
CAMPAIGNS_REPORT_SQL = """
SELECT c.id, c.campaign_id, c.name, c.promotion_type, c.advertiser_id, a.name, a.currency, a.time_zone,
       s.cost, s.gmv, s.orders{live_columns}
FROM (
    SELECT campaign_id, SUM(cost) AS cost, SUM(gross_revenue) AS gmv, SUM(orders) AS orders{live_sums}
    FROM {stats}
    WHERE tenant_id = %s AND promotion_type = %s AND day >= %s AND day <= %s{store_filter}
    GROUP BY campaign_id
) AS s
JOIN {campaigns} AS c ON c.id = s.campaign_id AND c.tenant_id = %s
JOIN ({accounts}) AS a ON a.id = c.advertiser_id
"""
LIVE_SUMS = ", SUM(live_views) AS live_views, SUM(ten_second_live_views) AS ten_second_live_views, SUM(live_follows) AS live_follows"
LIVE_COLUMNS = ", s.live_views, s.ten_second_live_views, s.live_follows"


def campaigns_report(
    tenant: Tenant, *, start: date, end: date, promotion_type: str, shop_number: int | None = None, live_metrics: bool = True
) -> list[dict]:
    """Campaigns with figures in [start, end], summed from their daily stats in one query.
    Ordered by account, then campaign name. ``live_metrics=False`` leaves out the live views,
    10-second views and follows (the seed's API doesn't show them) and sums less."""
    from tiktok_ads.selectors import advertisers_report_rows

    store_pks = store_pks_for_shop(tenant, shop_number)
    params: list = [tenant.pk, promotion_type, start, end]
    store_filter = ""
    if store_pks is not None:
        params.extend(store_pks)
        store_filter = f" AND store_id IN ({', '.join(['%s'] * len(store_pks)) or 'NULL'})"
    accounts_sql, accounts_params = advertisers_report_rows(tenant).query.sql_with_params()
    params.append(tenant.pk)
    params.extend(accounts_params)
    sql = CAMPAIGNS_REPORT_SQL.format(
        stats=CampaignDailyStat._meta.db_table,
        campaigns=GmvMaxCampaign._meta.db_table,
        accounts=accounts_sql,
        live_sums=LIVE_SUMS if live_metrics else "",
        live_columns=LIVE_COLUMNS if live_metrics else "",
        store_filter=store_filter,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = []
    for record in fetched:
        pk, campaign_id, name, kind, advertiser_pk, account, currency, zone, cost, gmv, orders, *live = record
        live_views, ten_second_live_views, live_follows = live if live_metrics else (0, 0, 0)
        rows.append(
            _finish(
                {
                    "pk": pk,
                    "campaign_id": campaign_id,
                    "campaign_name": name or campaign_id,
                    "promotion_type": kind,
                    "advertiser_pk": advertiser_pk,
                    "account_name": account,
                    "currency": currency,
                    "time_zone": zone,
                    "cost": Decimal(cost or 0),
                    "gmv": Decimal(gmv or 0),
                    "orders": orders,
                    "live_views": live_views,
                    "ten_second_live_views": ten_second_live_views,
                    "live_follows": live_follows,
                }
            )
        )
    rows.sort(key=lambda row: (row["account_name"].lower(), row["advertiser_pk"], row["campaign_name"].lower(), row["campaign_id"]))
    return rows


@dataclass
class Account:
    advertiser_pk: int
    name: str
    currency: str
    time_zone: str
    campaigns: list[dict]
    totals: dict


def totals_of(rows: list[dict]) -> dict:
    totals = {key: (ZERO if key in ("cost", "gmv") else 0) for key in SUMMED}
    for row in rows:
        for key in SUMMED:
            totals[key] += row[key]
    return _finish(totals)


def accounts_report(rows: list[dict]) -> list[Account]:
    """The campaign rows grouped by ad account (accountName), each with its totals."""
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["advertiser_pk"]].append(row)
    accounts = []
    for advertiser_pk, campaigns in grouped.items():
        first = campaigns[0]
        accounts.append(
            Account(advertiser_pk, first["account_name"], first["currency"], first["time_zone"], campaigns, totals_of(campaigns))
        )
    return accounts


def totals_by_currency(accounts: list[Account]) -> list[dict]:
    """Grand totals, one per currency (accounts in different currencies are never added up)."""
    by_currency: dict[str, list[dict]] = defaultdict(list)
    for account in accounts:
        by_currency[account.currency].extend(account.campaigns)
    return [{"currency": currency, **totals_of(rows)} for currency, rows in sorted(by_currency.items())]


# --- Live sessions ------------------------------------------------------------------------


def campaign_get(tenant: Tenant, *, campaign_id: str) -> GmvMaxCampaign:
    """By the platform's campaign id; another tenant's campaign is the same 404 as a missing one."""
    campaign = GmvMaxCampaign.objects.for_tenant(tenant).select_related("advertiser").filter(campaign_id=str(campaign_id)).first()
    if campaign is None:
        raise NotFound(f"No GMV Max campaign {campaign_id} in your tenant.", code="unknown_campaign")
    return campaign


def campaign_get_by_pk(tenant: Tenant, *, pk: int) -> GmvMaxCampaign:
    campaign = GmvMaxCampaign.objects.for_tenant(tenant).select_related("advertiser").filter(pk=pk).first()
    if campaign is None:
        raise NotFound("No such GMV Max campaign in your tenant.", code="unknown_campaign")
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
    return launched.astimezone(ZoneInfo(zone or "UTC")).strftime(LAUNCHED_FORMAT)


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


# --- Coverage of the campaign table -------------------------------------------------------


@dataclass(frozen=True)
class MissingSpan:
    """Days of one ad account's campaign stats never fetched."""

    advertiser_pk: int
    advertiser_id: str
    account_name: str
    start: date
    end: date


# The requested ad accounts (a subquery built by tiktok_ads.selectors), the first create time of
# their campaigns (nothing exists before it) and their coverage rows overlapping the range.
STATS_COVERAGE_SQL = """
SELECT a.id, a.advertiser_id, a.name, a.time_zone,
       (SELECT MIN(c.platform_created_at) FROM {campaigns} AS c WHERE c.tenant_id = %s AND c.advertiser_id = a.id),
       cov.start_date, cov.end_date
FROM ({accounts}) AS a
LEFT JOIN {coverage} AS cov
  ON cov.tenant_id = %s AND cov.kind = %s AND cov.advertiser_id = a.id AND cov.start_date <= %s AND cov.end_date >= %s
ORDER BY a.id, cov.start_date
"""


def _as_date(value) -> date | None:
    return parse_date(value) if isinstance(value, str) else value


def _as_datetime(value) -> datetime | None:
    if isinstance(value, str):  # SQLite returns aggregates as text
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def _gaps(start: date, end: date, covered: list[tuple[date, date]]) -> list[tuple[date, date]]:
    gaps, cursor = [], start
    for first, last in sorted(covered):
        if first > cursor:
            gaps.append((cursor, min(end, first - timedelta(days=1))))
        cursor = max(cursor, last + timedelta(days=1))
        if cursor > end:
            break
    if cursor <= end:
        gaps.append((cursor, end))
    return gaps


def stats_missing(tenant: Tenant, *, start: date, end: date, shop_number: int | None = None) -> list[MissingSpan]:
    """The days of [start, end] whose campaign stats were never fetched, per requested ad
    account (active, with a GMV Max store, of ``shop_number`` if given), in one query. Each
    account's range is clamped to what the platform can have: not after the account's today,
    not before its first campaign was created (when its campaigns are known)."""
    from tiktok_ads.selectors import gmvmax_advertiser_rows

    accounts_sql, accounts_params = gmvmax_advertiser_rows(tenant, shop_number).query.sql_with_params()
    sql = STATS_COVERAGE_SQL.format(campaigns=GmvMaxCampaign._meta.db_table, coverage=FetchCoverage._meta.db_table, accounts=accounts_sql)
    params = [tenant.pk, *accounts_params, tenant.pk, CoverageKind.CAMPAIGN_STATS.value, end, start]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    accounts: dict[int, dict] = {}
    for pk, advertiser_id, name, zone, first_created, covered_start, covered_end in fetched:
        account = accounts.setdefault(
            pk, {"advertiser_id": advertiser_id, "name": name, "zone": zone, "first": first_created, "covered": []}
        )
        if covered_start is not None:
            account["covered"].append((_as_date(covered_start), _as_date(covered_end)))
    missing = []
    for pk, account in accounts.items():
        zone = ZoneInfo(account["zone"] or "UTC")
        first, last = start, min(end, timezone.now().astimezone(zone).date())
        created = _as_datetime(account["first"])
        if created is not None:
            first = max(first, created.astimezone(zone).date())
        if first > last:
            continue
        for gap_start, gap_end in _gaps(first, last, account["covered"]):
            missing.append(MissingSpan(pk, account["advertiser_id"], account["name"], gap_start, gap_end))
    return missing


def stats_backfill_parts(tenant: Tenant) -> list[SyncRunPart]:
    """Backfill parts that decide what a new request does: in flight (pending/running parts of
    active runs) and failed (failed parts of failed runs, newest first: failed stays failed
    until retried)."""
    return list(
        SyncRunPart.objects.for_tenant(tenant)
        .select_related("run")
        .filter(run__kind=RunKind.STATS_BACKFILL)
        .filter(Q(run__state__in=ACTIVE_SYNC_STATES, state__in=ACTIVE_SYNC_STATES) | Q(run__state=SyncState.FAILED, state=SyncState.FAILED))
        .order_by("-run__created_at", "-run_id", "position")[:1000]
    )


def stats_backfill_get(tenant: Tenant, *, pk: int) -> SyncRun:
    """A stats backfill run of the tenant; anything else (another tenant's, another kind) is 404."""
    run = sync_runs_for_tenant(tenant, kind=RunKind.STATS_BACKFILL).filter(pk=pk).first()
    if run is None:
        raise NotFound("No such GMV Max backfill in your tenant.", code="unknown_backfill")
    return run


def stats_backfill_remaining(run: SyncRun) -> list[dict]:
    """The spans of the run's parts not done yet: ``[{advertiser, start, end}]``."""
    parts = SyncRunPart.objects.for_tenant(run.tenant_id).filter(run=run).exclude(state=SyncState.SUCCEEDED).order_by("position")
    return [part.params for part in parts]
