"""The campaign table: one grouped, index-only query over the daily stats, and the accounts and
totals derived from it. ROI is always recomputed from the summed figures (gmv / cost, 2
decimals; 0 when there is no cost, as for a shop whose GMV Max cost is zero)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from core.exceptions import ApplicationError
from core.models import Tenant
from gmvmax.errors import GmvMaxError
from gmvmax.models import CampaignDailyStat, GmvMaxCampaign
from tiktok_ads.selectors import UnknownShopNumber, advertisers_report_rows, gmvmax_stores

CENT = Decimal("0.01")
ZERO = Decimal("0")

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


class UnknownShop(ApplicationError):
    code = GmvMaxError.UNKNOWN_SHOP_NUMBER


def campaigns_for_query(tenant, query: dict, *, live_metrics: bool = True) -> list[dict]:
    """The campaign rows of a validated query; an unknown shop number is a 400 naming it."""
    try:
        return campaigns_report(
            tenant,
            start=query["startDate"],
            end=query["endDate"],
            promotion_type=query["promotion_type"],
            shop_number=query.get("shopNumber"),
            live_metrics=live_metrics,
        )
    except UnknownShopNumber as exc:
        raise UnknownShop(
            f"Unknown shopNumber {query.get('shopNumber')}: your tenant has no such shop.",
            extra={"fields": {"shopNumber": [str(exc) or "Unknown shop number."]}},
        ) from exc
