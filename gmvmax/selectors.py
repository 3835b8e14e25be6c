"""GMV Max reads: the campaign table (one grouped, index-only query over the daily stats),
accounts and totals derived from it, and a campaign's live sessions grouped by room.

Every function takes the tenant explicitly. ROI is always recomputed from the summed figures
(gmv / cost, 2 decimals; 0 when there is no cost, as for a shop whose GMV Max cost is zero).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.db.models import Min, Subquery, Sum

from core.exceptions import NotFound
from core.models import Tenant
from gmvmax.models import (
    ACTIVE_FETCH_STATES,
    CampaignDailyStat,
    FetchKind,
    FetchRecord,
    FetchState,
    GmvMaxCampaign,
    RoomDailyStat,
)

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
# as a derived table, joined to the campaigns and ad accounts it found. Written in SQL because
# the ORM can't group in a derived table and join outside it.
CAMPAIGNS_REPORT_SQL = """
SELECT c.id, c.campaign_id, c.name, c.promotion_type, c.advertiser_id, a.name, a.currency, a.time_zone,
       s.cost, s.gmv, s.orders{live_columns}
FROM (
    SELECT campaign_id, SUM(cost) AS cost, SUM(gross_revenue) AS gmv, SUM(orders) AS orders{live_sums}
    FROM {stats}
    WHERE tenant_id = %(tenant)s AND promotion_type = %(promotion_type)s AND day >= %(start)s AND day <= %(end)s{store_filter}
    GROUP BY campaign_id
) AS s
JOIN {campaigns} AS c ON c.id = s.campaign_id AND c.tenant_id = %(tenant)s
JOIN {advertisers} AS a ON a.id = c.advertiser_id AND a.tenant_id = %(tenant)s AND a.is_active
"""
LIVE_SUMS = ", SUM(live_views) AS live_views, SUM(ten_second_live_views) AS ten_second_live_views, SUM(live_follows) AS live_follows"
LIVE_COLUMNS = ", s.live_views, s.ten_second_live_views, s.live_follows"


def campaigns_report(
    tenant: Tenant, *, start: date, end: date, promotion_type: str, shop_number: int | None = None, live_metrics: bool = True
) -> list[dict]:
    """Campaigns with figures in [start, end], summed from their daily stats in one query.
    Ordered by account, then campaign name. ``live_metrics=False`` leaves out the live views,
    10-second views and follows (the seed's API doesn't show them) and sums less."""
    from tiktok_ads.models import Advertiser

    store_pks = store_pks_for_shop(tenant, shop_number)
    params = {"tenant": tenant.pk, "promotion_type": promotion_type, "start": start, "end": end}
    store_filter = ""
    if store_pks is not None:
        params.update({f"store_{n}": pk for n, pk in enumerate(store_pks)})
        placeholders = ", ".join(f"%(store_{n})s" for n in range(len(store_pks))) or "NULL"
        store_filter = f" AND store_id IN ({placeholders})"
    sql = CAMPAIGNS_REPORT_SQL.format(
        stats=CampaignDailyStat._meta.db_table,
        campaigns=GmvMaxCampaign._meta.db_table,
        advertisers=Advertiser._meta.db_table,
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
    """The room fetches that matter for one campaign and range, read in one query."""

    active: FetchRecord | None  # queued/running, exactly this range
    latest: FetchRecord | None  # the newest of exactly this range, any state
    covering: FetchRecord | None  # the newest successful one whose range contains this one
    version: int | None  # the newest successful room fetch of the campaign, any range: what is stored


def room_fetches(tenant: Tenant, *, campaign: GmvMaxCampaign, start: date, end: date) -> RoomFetches:
    target = f"campaign:{campaign.pk}"
    newest_success = (
        FetchRecord.objects.for_tenant(tenant)
        .filter(kind=FetchKind.ROOMS, target=target, state=FetchState.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .values("pk")[:1]
    )
    records = list(
        FetchRecord.objects.for_tenant(tenant)
        .filter(kind=FetchKind.ROOMS, target=target, start_date__lte=start, end_date__gte=end)
        .annotate(version=Subquery(newest_success))
        .order_by("-requested_at", "-id")[:50]
    )
    exact = [r for r in records if r.start_date == start and r.end_date == end]
    succeeded = [r for r in records if r.state == FetchState.SUCCEEDED and r.finished_at is not None]
    return RoomFetches(
        active=next((r for r in exact if r.state in ACTIVE_FETCH_STATES), None),
        latest=exact[0] if exact else None,
        covering=max(succeeded, key=lambda r: (r.finished_at, r.pk)) if succeeded else None,
        version=records[0].version if records else None,
    )


def room_fetch_covering(tenant: Tenant, *, campaign: GmvMaxCampaign, start: date, end: date) -> FetchRecord | None:
    """The newest successful room fetch whose range contains [start, end]."""
    return room_fetches(tenant, campaign=campaign, start=start, end=end).covering


def fetch_records(tenant: Tenant, *, kind: str | None = None):
    records = FetchRecord.objects.for_tenant(tenant).select_related("advertiser", "campaign")
    return records.filter(kind=kind) if kind else records
