"""The campaign builder's calls besides launches: pause/resume a stored campaign, the stored
campaigns merged with what ``campaign/get`` says now, the auction report per campaign or ad and
day, and the advertiser's info with its budget minimum."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from core.exceptions import ApplicationError, NotFound
from core.http import UpstreamError
from core.upstream import as_application_error
from integrations.tiktok_business.management import AUCTION_REPORT_MAX_DAYS
from tiktok_ads import budgets
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import AdAccount, Campaign, Direction, OperationStatus

REPORT_METRICS = ("spend", "impressions", "clicks", "onsite_form", "conversion")
REPORT_LEVELS = {"campaign": ("AUCTION_CAMPAIGN", "campaign_id"), "ad": ("AUCTION_AD", "ad_id")}
REPORT_MAX_RANGE_DAYS = 366
_CAMPAIGN_FILTER_BATCH = 100
_LEAD_OBJECTIVE = "LEAD_GENERATION"


def campaign_for_tenant(*, tenant, campaign_id: Any, ad_account: AdAccount | None = None) -> Campaign:
    """A stored campaign by its TikTok id (or our id) in the tenant: 404 otherwise."""
    value = str(campaign_id or "").strip()
    if not value:
        raise ApplicationError("campaign_id is required.", extra={"fields": {"campaign_id": ["Required."]}})
    rows = Campaign.objects.for_tenant(tenant).select_related("advertiser__connection", "direction").filter(campaign_id=value)
    if ad_account is not None:
        rows = rows.filter(advertiser=ad_account.advertiser)
    campaign = rows.first()
    if campaign is None:
        raise NotFound(f"No campaign {value}.")
    return campaign


def campaign_status_set(*, campaign: Campaign, status: str) -> Campaign:
    """Pause (DISABLE) or resume (ENABLE) the campaign upstream, then store its status."""
    if status not in (OperationStatus.ENABLE, OperationStatus.DISABLE):
        raise ApplicationError("status must be ENABLE or DISABLE.")
    if campaign.status == OperationStatus.DELETE:
        raise ApplicationError(f"Campaign {campaign.campaign_id} is deleted; its status can't change.", code="campaign_deleted")
    client = BusinessApiClient.for_advertiser(campaign.advertiser)
    try:
        client.campaign_status_update(campaign.advertiser.advertiser_id, [campaign.campaign_id], status)
    except UpstreamError as exc:
        raise as_application_error(exc) from exc
    with transaction.atomic():
        Campaign.objects.for_tenant(campaign.tenant_id).filter(pk=campaign.pk).update(status=status)
    campaign.refresh_from_db()
    return campaign


def _upstream_campaigns(advertiser, campaign_ids: list[str]) -> dict[str, dict]:
    client = BusinessApiClient.for_advertiser(advertiser)
    found: dict[str, dict] = {}
    for offset in range(0, len(campaign_ids), _CAMPAIGN_FILTER_BATCH):
        batch = campaign_ids[offset : offset + _CAMPAIGN_FILTER_BATCH]
        for row in client.campaigns(advertiser.advertiser_id, filtering={"campaign_ids": batch, "primary_status": "STATUS_ALL"}):
            found[str(row.get("campaign_id"))] = row
    return found


def _number(value: Any) -> Decimal | None:
    if value in (None, "", "-"):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def campaigns_merged(campaigns: list[Campaign]) -> tuple[list[dict], str]:
    """Each stored campaign with what TikTok says now (status, budget); the second value is the
    upstream problem when TikTok could not be asked (the stored values are shown then)."""
    by_advertiser: dict[int, list[Campaign]] = defaultdict(list)
    for campaign in campaigns:
        by_advertiser[campaign.advertiser_id].append(campaign)
    live: dict[tuple[int, str], dict] = {}
    problem = ""
    for rows in by_advertiser.values():
        try:
            for campaign_id, row in _upstream_campaigns(rows[0].advertiser, [c.campaign_id for c in rows]).items():
                live[(rows[0].advertiser_id, campaign_id)] = row
        except UpstreamError as exc:
            problem = as_application_error(exc).message
    merged = []
    for campaign in campaigns:
        row = live.get((campaign.advertiser_id, campaign.campaign_id))
        status = str(row.get("operation_status") or campaign.status) if row else campaign.status
        merged.append(
            {
                "campaign": campaign,
                "status": status,
                "secondary_status": str(row.get("secondary_status") or "") if row else "",
                "budget": _number(row.get("budget")) if row else campaign.budget,
                "budget_mode": str(row.get("budget_mode") or campaign.budget_mode) if row else campaign.budget_mode,
                "live": row is not None,
            }
        )
    return merged, problem


def report_ranges(start: date, end: date) -> list[tuple[date, date]]:
    """``start``–``end`` in spans of at most ``AUCTION_REPORT_MAX_DAYS`` days (the platform's
    limit per call)."""
    if end < start:
        raise ApplicationError("date_from is after date_to.", extra={"fields": {"date_from": ["After date_to."]}})
    if (end - start).days + 1 > REPORT_MAX_RANGE_DAYS:
        raise ApplicationError(f"A report covers at most {REPORT_MAX_RANGE_DAYS} days.", extra={"fields": {"date_to": ["Range too long."]}})
    spans = []
    while start <= end:
        last = min(end, start + timedelta(days=AUCTION_REPORT_MAX_DAYS - 1))
        spans.append((start, last))
        start = last + timedelta(days=1)
    return spans


def _ratio(numerator: Decimal, denominator: Decimal, scale: int = 100) -> Decimal | None:
    return (numerator * scale / denominator).quantize(Decimal("0.01")) if denominator else None


def report_row(key: str, day: str, name: str, spend: Decimal, impressions: int, clicks: int, leads: int) -> dict:
    return {
        "id": key,
        "name": name,
        "date": day,
        "spend": spend.quantize(Decimal("0.01")),
        "impressions": impressions,
        "clicks": clicks,
        "ctr": _ratio(Decimal(clicks), Decimal(impressions)),
        "cpc": _ratio(spend, Decimal(clicks), 1),
        "leads": leads,
        "cost_per_lead": _ratio(spend, Decimal(leads), 1),
    }


def campaign_report(*, advertiser, level: str, start: date, end: date, campaigns: list[Campaign]) -> dict:
    """``report/integrated/get`` (AUCTION_CAMPAIGN or AUCTION_AD) for ``campaigns`` per day:
    spend, impressions, clicks, CTR (%), CPC, leads (instant-form submits ``onsite_form`` for
    lead-generation campaigns, conversions otherwise) and cost per lead; plus totals."""
    if level not in REPORT_LEVELS:
        raise ApplicationError("level must be campaign or ad.", extra={"fields": {"level": ["campaign or ad."]}})
    data_level, id_field = REPORT_LEVELS[level]
    spans = report_ranges(start, end)
    objectives = {c.campaign_id: c.objective_type for c in campaigns}
    names = {c.campaign_id: c.name for c in campaigns}
    rows: list[dict] = []
    if campaigns:
        client = BusinessApiClient.for_advertiser(advertiser)
        metrics = [*REPORT_METRICS, "campaign_id"] + (["ad_name"] if level == "ad" else [])
        filtering = [{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": json.dumps(sorted(objectives))}]
        try:
            for span_start, span_end in spans:
                for page in client.auction_report_pages(
                    advertiser_id=advertiser.advertiser_id,
                    data_level=data_level,
                    dimensions=[id_field, "stat_time_day"],
                    metrics=metrics,
                    start_date=span_start,
                    end_date=span_end,
                    filtering=filtering,
                ):
                    rows.extend(page)
        except UpstreamError as exc:
            raise as_application_error(exc) from exc
    out = []
    totals = {"spend": Decimal(0), "impressions": 0, "clicks": 0, "leads": 0}
    for raw in rows:
        dims, values = raw.get("dimensions") or {}, raw.get("metrics") or {}
        campaign_id = str(values.get("campaign_id") or dims.get("campaign_id") or "")
        if objectives and campaign_id and campaign_id not in objectives:
            continue
        lead_metric = "onsite_form" if objectives.get(campaign_id, _LEAD_OBJECTIVE) == _LEAD_OBJECTIVE else "conversion"
        spend = _number(values.get("spend")) or Decimal(0)
        impressions = int(_number(values.get("impressions")) or 0)
        clicks = int(_number(values.get("clicks")) or 0)
        leads = int(_number(values.get(lead_metric)) or 0)
        name = str(values.get("ad_name") or "") if level == "ad" else names.get(campaign_id, "")
        row = report_row(str(dims.get(id_field) or ""), str(dims.get("stat_time_day") or "")[:10], name, spend, impressions, clicks, leads)
        row["campaign_id"] = campaign_id
        out.append(row)
        totals["spend"] += spend
        totals["impressions"] += impressions
        totals["clicks"] += clicks
        totals["leads"] += leads
    out.sort(key=lambda row: (row["date"], row["id"]))
    total = report_row("", "", "", totals["spend"], totals["impressions"], totals["clicks"], totals["leads"])
    return {"level": level, "date_from": start, "date_to": end, "calls": len(spans) if campaigns else 0, "rows": out, "totals": total}


def advertiser_info_get(*, advertiser) -> dict:
    """``advertiser/info`` for the ad account's advertiser, with the budget minimums of its
    currency (``budgets.py``)."""
    client = BusinessApiClient.for_advertiser(advertiser)
    try:
        rows = client.advertiser_info([advertiser.advertiser_id])
    except UpstreamError as exc:
        raise as_application_error(exc) from exc
    info = next((row for row in rows if str(row.get("advertiser_id")) == advertiser.advertiser_id), rows[0] if rows else {})
    currency = str(info.get("currency") or advertiser.currency or "").upper()
    try:
        minimum = budgets.minimum(currency)
        campaign_minimum = budgets.minimum(currency, level="campaign")
    except budgets.UnknownCurrency:
        minimum = campaign_minimum = None
    return {
        "advertiser_id": advertiser.advertiser_id,
        "name": info.get("name") or advertiser.name,
        "currency": currency,
        "timezone": info.get("display_timezone") or info.get("timezone") or advertiser.time_zone,
        "balance": _number(info.get("balance")),
        "status": info.get("status") or "",
        "min_daily_budget": minimum,
        "min_campaign_budget": campaign_minimum,
    }


def ad_account_for_request(*, tenant, account_id: Any = None, direction_id: Any = None) -> tuple[AdAccount, Direction | None]:
    """The ad account named by ``accountId`` or by a direction of it: 404 when not the tenant's."""
    direction = None
    if direction_id not in (None, ""):
        try:
            direction = Direction.objects.for_tenant(tenant).select_related("ad_account__advertiser").get(pk=int(direction_id))
        except (TypeError, ValueError, Direction.DoesNotExist):
            raise NotFound(f"No direction {direction_id}.") from None
        if account_id not in (None, "") and str(direction.ad_account_id) != str(account_id):
            raise ApplicationError(f"Direction {direction.pk} belongs to another ad account.", code="wrong_ad_account")
        return direction.ad_account, direction
    if account_id in (None, ""):
        raise ApplicationError("accountId is required.", extra={"fields": {"accountId": ["Required."]}})
    try:
        account = AdAccount.objects.for_tenant(tenant).select_related("advertiser__connection").get(pk=int(account_id))
    except (TypeError, ValueError, AdAccount.DoesNotExist):
        raise NotFound(f"No ad account {account_id}.") from None
    return account, None
