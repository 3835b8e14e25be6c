"""Reads for the page's trend chart, the global search and the business overview: grouped in the
database, one query each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max, Min, Q, Sum

from core.models import Tenant
from gmvmax.models import CampaignDailyStat, CoverageKind, FetchCoverage, GmvMaxCampaign, LiveRoom, PromotionType
from gmvmax.selectors.report import CENT, ZERO, roi_of, store_pks_for_shop
from tiktok_ads.selectors import advertisers_report_rows


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def daily_trend(
    tenant: Tenant, *, start: date, end: date, promotion_type: str, shop_number: int | None = None, campaign_pk: int | None = None
) -> dict[str, list[dict]]:
    """Cost, GMV and ROI per day of [start, end], per currency (accounts in different currencies
    are never added up), of every campaign or of one: ``{currency: [{day, cost, gmv, roi}]}``
    with every day present (zero when nothing ran)."""
    rows = CampaignDailyStat.objects.for_tenant(tenant).filter(
        promotion_type=promotion_type,
        day__gte=start,
        day__lte=end,
        campaign__advertiser_id__in=advertisers_report_rows(tenant).values("id"),
    )
    store_pks = store_pks_for_shop(tenant, shop_number)
    if store_pks is not None:
        rows = rows.filter(store_id__in=store_pks)
    if campaign_pk is not None:
        rows = rows.filter(campaign_id=campaign_pk)
    grouped = (
        rows.order_by()
        .values("day", "campaign__advertiser__currency")
        .annotate(cost=Sum("cost"), gmv=Sum("gross_revenue"))
    )
    found: dict[str, dict[date, tuple]] = {}
    for row in grouped:
        found.setdefault(row["campaign__advertiser__currency"], {})[row["day"]] = (row["cost"] or ZERO, row["gmv"] or ZERO)
    series = {}
    for currency in sorted(found):
        by_day = found[currency]
        series[currency] = []
        for day in _days(start, end):
            cost, gmv = by_day.get(day, (ZERO, ZERO))
            series[currency].append({"day": day, "cost": cost.quantize(CENT), "gmv": gmv.quantize(CENT), "roi": roi_of(gmv, cost)})
    return series


def ad_spend_by_day(tenant: Tenant, spans: list[tuple[date, date]]) -> list[dict]:
    """GMV Max cost per day and ad account (both promotion types) over ``spans``:
    ``[{day, account, currency, cost}]``."""
    within = Q()
    for start, end in spans:
        within |= Q(day__gte=start, day__lte=end)
    rows = (
        CampaignDailyStat.objects.for_tenant(tenant)
        .filter(within, campaign__advertiser_id__in=advertisers_report_rows(tenant).values("id"))
        .values("day", "campaign__advertiser_id", "campaign__advertiser__name", "campaign__advertiser__currency")
        .annotate(cost=Sum("cost"))
        .order_by("day", "campaign__advertiser__name", "campaign__advertiser_id")
    )
    return [
        {"day": row["day"], "account": row["campaign__advertiser__name"], "currency": row["campaign__advertiser__currency"], "cost": row["cost"] or ZERO}
        for row in rows
    ]


def stats_last_fetched(tenant: Tenant) -> datetime | None:
    """When campaign figures were last stored (a sync, a backfill or the demo seed)."""
    return FetchCoverage.objects.for_tenant(tenant).filter(kind=CoverageKind.CAMPAIGN_STATS).aggregate(at=Max("fetched_at"))["at"]


@dataclass(frozen=True)
class SearchHit:
    pk: int
    kind: str  # "campaign" / "room"
    title: str
    identifier: str
    promotion_type: str
    account_pk: int
    account_name: str
    campaign_pk: int
    campaign_name: str
    first_day: date | None
    last_day: date | None


def search_hits(tenant: Tenant, query: str, *, limit: int) -> list[SearchHit]:
    """Campaigns by id or name, then live rooms by id or title, each with the days it has
    figures (the range a link opens). Two queries."""
    query = query.strip()
    if not query:
        return []
    campaigns = (
        GmvMaxCampaign.objects.for_tenant(tenant)
        .filter(Q(campaign_id=query) | Q(name__icontains=query))
        .order_by("name", "id")
        .values("pk", "campaign_id", "name", "promotion_type", "advertiser_id", "advertiser__name")
        .annotate(first_day=Min("daily_stats__day"), last_day=Max("daily_stats__day"))[:limit]
    )
    hits = [
        SearchHit(
            row["pk"], "campaign", row["name"] or row["campaign_id"], row["campaign_id"], row["promotion_type"], row["advertiser_id"],
            row["advertiser__name"], row["pk"], row["name"] or row["campaign_id"], row["first_day"], row["last_day"],
        )
        for row in campaigns
    ]
    rooms = (
        LiveRoom.objects.for_tenant(tenant)
        .filter(Q(room_id=query) | Q(live_name__icontains=query))
        .order_by("-launched_time", "id")
        .values("pk", "room_id", "live_name", "campaign_id", "campaign__name", "campaign__campaign_id", "campaign__advertiser_id", "campaign__advertiser__name")
        .annotate(first_day=Min("daily_stats__day"), last_day=Max("daily_stats__day"))[: max(limit - len(hits), 0)]
    )
    hits += [
        SearchHit(
            row["pk"], "room", row["live_name"] or row["room_id"], row["room_id"], PromotionType.LIVE, row["campaign__advertiser_id"],
            row["campaign__advertiser__name"], row["campaign_id"], row["campaign__name"] or row["campaign__campaign_id"],
            row["first_day"], row["last_day"],
        )
        for row in rooms
    ]
    return hits
