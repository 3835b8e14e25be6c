"""``report/integrated/get/`` (``report_type=BASIC``, ``service_type=AUCTION``) on the
``tiktok-business`` emulator, over the campaigns, ad groups and ads stored by ``management.py``.

Figures are derived per (ad, local day) from ``SANDBOX_SEED`` (``ad_totals``): an ad has a row
for a day from its creation day (in the advertiser's time zone) to today when the ad, its ad group
and its campaign were all ``ENABLE`` at the end of that day (``status_log``); deleted ads keep
their history. Higher levels (``AUCTION_ADGROUP``, ``AUCTION_CAMPAIGN``, ``AUCTION_ADVERTISER``)
are exact sums of their ads' additive figures; rates and costs are recomputed from the sums.

Dimensions: the level's id (``ad_id``, ``adgroup_id``, ``campaign_id``, ``advertiser_id``), alone
or with ``stat_time_day``; ``["stat_time_day"]`` alone at advertiser level. Dates are inclusive, at
most 30 days (``query_lifetime=true``: every day, no ``stat_time_day``). ``filtering`` is a list of
``{field_name: campaign_ids|adgroup_ids|ad_ids, filter_type: IN, filter_value: "[...]"}`` (at most
100 ids). Metric values are strings; attribute metrics that don't apply to a level are ``"-"``.

Expected figures for tests: ``ad_totals(ad_id, day, currency=, objective=)`` (pure),
``ad_day(ad_id, day)`` (the API's metric strings for the ad's day row, or None), ``metrics_of``
(strings from summed totals) and ``totals_sum``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sandbox.emulators.tiktok_business import validation as v
from sandbox.emulators.tiktok_business.data import FIXTURES, NS, Advertiser, Context, day_label, fixture_get
from sandbox.emulators.tiktok_business.emulator import (
    API,
    _context,
    _integer,
    _page_info,
    _string_list,
    _structured,
    platform_call,
    tiktok_business,
)
from sandbox.emulators.tiktok_business.management import Tree, local_day
from sandbox.emulators.tiktok_business.tokens import Grant, invalid_params
from sandbox.models import BusinessObject
from sandbox.seed import rng

MAX_DAYS = 30
PAGE_SIZE_MAX = 1000
FILTER_IDS_MAX = 100
LEVELS = {"AUCTION_AD": "ad_id", "AUCTION_ADGROUP": "adgroup_id", "AUCTION_CAMPAIGN": "campaign_id", "AUCTION_ADVERTISER": "advertiser_id"}
ADDITIVE = (
    "spend",
    "impressions",
    "clicks",
    "reach",
    "conversion",
    "result",
    "onsite_form",
    "video_play_actions",
    "video_watched_2s",
    "video_watched_6s",
    "video_views_p25",
    "video_views_p50",
    "video_views_p75",
    "video_views_p100",
    "play_centiseconds",
    "likes",
    "comments",
    "shares",
    "follows",
    "profile_visits",
)
PERFORMANCE_METRICS = (
    "spend",
    "impressions",
    "clicks",
    "ctr",
    "cpc",
    "cpm",
    "reach",
    "frequency",
    "cost_per_1000_reached",
    "conversion",
    "cost_per_conversion",
    "conversion_rate",
    "real_time_conversion",
    "result",
    "cost_per_result",
    "result_rate",
    "video_play_actions",
    "video_watched_2s",
    "video_watched_6s",
    "video_views_p25",
    "video_views_p50",
    "video_views_p75",
    "video_views_p100",
    "average_video_play",
    "likes",
    "comments",
    "shares",
    "follows",
    "profile_visits",
    "onsite_form",
    "cost_per_onsite_form",
)
# attribute metric → the levels that have it
ATTRIBUTES = {
    "ad_name": ("AUCTION_AD",),
    "ad_text": ("AUCTION_AD",),
    "adgroup_name": ("AUCTION_AD", "AUCTION_ADGROUP"),
    "adgroup_id": ("AUCTION_AD", "AUCTION_ADGROUP"),
    "placement_type": ("AUCTION_AD", "AUCTION_ADGROUP"),
    "promotion_type": ("AUCTION_AD", "AUCTION_ADGROUP"),
    "campaign_name": ("AUCTION_AD", "AUCTION_ADGROUP", "AUCTION_CAMPAIGN"),
    "campaign_id": ("AUCTION_AD", "AUCTION_ADGROUP", "AUCTION_CAMPAIGN"),
    "objective_type": ("AUCTION_AD", "AUCTION_ADGROUP", "AUCTION_CAMPAIGN"),
}
ALL_METRICS = PERFORMANCE_METRICS + tuple(ATTRIBUTES)
FILTER_FIELDS = {"campaign_ids": "campaign", "adgroup_ids": "adgroup", "ad_ids": "ad"}


# --- Figures ------------------------------------------------------------------------------


def ad_totals(ad_id: str, day: date, *, currency: str = "USD", objective: str = "TRAFFIC") -> dict[str, int]:
    """One ad's additive figures for one day (``spend`` in cents of ``currency``), whatever its
    status: the report shows them only for days the ad delivered."""
    r = rng(NS, "auction", str(ad_id), day.isoformat())
    impressions = r.randint(800, 12_000)
    clicks = impressions * r.randint(5, 30) // 1000
    spend = int(impressions * r.randint(150, 600) * v.ratio(currency) / 1000)
    plays = impressions * r.randint(40, 80) // 100
    watched_2s = plays * r.randint(40, 70) // 100
    p25 = plays * r.randint(30, 60) // 100
    p50 = p25 * r.randint(50, 80) // 100
    p75 = p50 * r.randint(50, 80) // 100
    likes = plays * r.randint(1, 5) // 100
    events = clicks * r.randint(2, 15) // 100
    conversion = events if objective in ("LEAD_GENERATION", "WEB_CONVERSIONS") else 0
    onsite_form = events if objective == "LEAD_GENERATION" else 0
    result = {"TRAFFIC": clicks, "LEAD_GENERATION": onsite_form, "WEB_CONVERSIONS": conversion}.get(objective, impressions)
    return {
        "spend": spend,
        "impressions": impressions,
        "clicks": clicks,
        "reach": impressions * r.randint(55, 90) // 100,
        "conversion": conversion,
        "result": result,
        "onsite_form": onsite_form,
        "video_play_actions": plays,
        "video_watched_2s": watched_2s,
        "video_watched_6s": watched_2s * r.randint(30, 60) // 100,
        "video_views_p25": p25,
        "video_views_p50": p50,
        "video_views_p75": p75,
        "video_views_p100": p75 * r.randint(40, 80) // 100,
        "play_centiseconds": plays * r.randint(150, 900),  # 1.5-9 s a play on average
        "likes": likes,
        "comments": likes * r.randint(2, 10) // 100,
        "shares": likes * r.randint(2, 15) // 100,
        "follows": clicks * r.randint(1, 10) // 100,
        "profile_visits": clicks * r.randint(5, 30) // 100,
    }


def totals_sum(parts: Iterable[dict[str, int]]) -> dict[str, int]:
    total = dict.fromkeys(ADDITIVE, 0)
    for part in parts:
        for name in ADDITIVE:
            total[name] += part[name]
    return total


TWO = Decimal("0.01")


def _ratio(numerator: int, denominator: int, scale: int = 1) -> str:
    if not denominator:
        return "0.00"
    return str((Decimal(numerator) * scale / Decimal(denominator)).quantize(TWO, rounding=ROUND_HALF_UP))


def metrics_of(totals: dict[str, int]) -> dict[str, str]:
    """Every performance metric as the API writes it (strings), from additive totals."""
    spend = totals["spend"]
    values = {name: str(totals[name]) for name in ADDITIVE if name != "play_centiseconds"}
    values.update(
        {
            "spend": str((Decimal(spend) / 100).quantize(TWO)),
            "ctr": _ratio(totals["clicks"], totals["impressions"], 100),
            "cpc": _ratio(spend, totals["clicks"] * 100),
            "cpm": _ratio(spend * 10, totals["impressions"]),
            "frequency": _ratio(totals["impressions"], totals["reach"]),
            "cost_per_1000_reached": _ratio(spend * 10, totals["reach"]),
            "real_time_conversion": str(totals["conversion"]),
            "result_rate": _ratio(totals["result"], totals["impressions"], 100),
            "average_video_play": _ratio(totals["play_centiseconds"], totals["video_play_actions"] * 100),
            "cost_per_conversion": _ratio(spend, totals["conversion"] * 100),
            "conversion_rate": _ratio(totals["conversion"], totals["clicks"], 100),
            "cost_per_result": _ratio(spend, totals["result"] * 100),
            "cost_per_onsite_form": _ratio(spend, totals["onsite_form"] * 100),
        }
    )
    return values


def status_on(obj: BusinessObject, day: date) -> str | None:
    """The object's status at the end of local ``day`` (None before it existed)."""
    status = None
    for logged_day, logged_status in obj.data.get("status_log", []):
        if logged_day <= day.isoformat():
            status = logged_status
    return status


def _advertiser_of(advertiser_id: str) -> Advertiser:
    for key in FIXTURES:
        advertiser = fixture_get(key).advertiser(advertiser_id)
        if advertiser is not None:
            return advertiser
    raise KeyError(f"No advertiser {advertiser_id} in the fixtures")


def _delivers(tree: Tree, ad: BusinessObject, day: date, today: date) -> bool:
    return day <= today and all(status_on(obj, day) == "ENABLE" for obj in (ad, *tree.parents(ad)))


def ad_day(ad_id: str, day: date) -> dict[str, str] | None:
    """The performance metrics of the ad's ``["ad_id","stat_time_day"]`` row for ``day``, as the
    report answers now (sandbox clock), or None when the report has no such row."""
    ad = BusinessObject.objects.get(kind="ad", object_id=str(ad_id))
    advertiser = _advertiser_of(ad.advertiser_id)
    tree = Tree(ad.advertiser_id)
    ad = tree.by_id[("ad", ad.object_id)]
    if not _delivers(tree, ad, day, date.fromisoformat(local_day(advertiser))):
        return None
    campaign = tree.parents(ad)[-1]
    totals = ad_totals(ad.object_id, day, currency=advertiser.currency, objective=campaign.data["objective_type"])
    return metrics_of(totals)


# --- The endpoint -------------------------------------------------------------------------


def _dates(params: dict, lifetime: bool, today: date, first: date) -> tuple[date, date]:
    if lifetime:
        return first, today
    values = []
    for name in ("start_date", "end_date"):
        raw = params.get(name)
        if not raw:
            raise invalid_params(f"{name}: Missing data for required field.")
        try:
            values.append(date.fromisoformat(str(raw)))
        except ValueError:
            raise invalid_params(f"{name}: Must be a date in the format YYYY-MM-DD.") from None
    start, end = values
    if start > end:
        raise invalid_params("end_date: Must not be before start_date.")
    if (end - start).days + 1 > MAX_DAYS:
        raise invalid_params(f"end_date: The range from start_date to end_date is at most {MAX_DAYS} days (both ends included).")
    return start, end


def _filters(request, params: dict) -> dict[str, set[str]]:
    raw = _structured(request, params, "filtering", list) or []
    wanted: dict[str, set[str]] = {}
    for item in raw:
        if not isinstance(item, dict):
            raise invalid_params("filtering: Every item must be an object {field_name, filter_type, filter_value}.")
        field = item.get("field_name")
        if field not in FILTER_FIELDS:
            raise invalid_params(f"filtering.field_name: Must be one of {', '.join(FILTER_FIELDS)}.")
        if item.get("filter_type") != "IN":
            raise invalid_params(f"filtering.filter_type: {field} takes IN.")
        value = item.get("filter_value")
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise invalid_params("filtering.filter_value: Must be a JSON array string.") from None
        if not isinstance(value, list) or not value or not all(isinstance(x, str | int) and not isinstance(x, bool) for x in value):
            raise invalid_params("filtering.filter_value: Must be a JSON array string of IDs.")
        if len(value) > FILTER_IDS_MAX:
            raise invalid_params(f"filtering.filter_value: At most {FILTER_IDS_MAX} IDs.")
        wanted[field] = {str(x) for x in value}
    return wanted


def _dimensions(level: str, dimensions: list[str], lifetime: bool) -> None:
    allowed = [{LEVELS[level]}, {LEVELS[level], "stat_time_day"}]
    if level == "AUCTION_ADVERTISER":
        allowed.append({"stat_time_day"})
    if len(set(dimensions)) != len(dimensions) or set(dimensions) not in allowed:
        choices = " or ".join(json.dumps(sorted(group, key=lambda name: name == "stat_time_day")) for group in allowed)
        raise invalid_params(f"dimensions: {json.dumps(dimensions)} is not supported at {level}; use {choices}.")
    if lifetime and "stat_time_day" in dimensions:
        raise invalid_params("dimensions: stat_time_day can't be used with query_lifetime.")


def _attributes(level: str, ad: BusinessObject, tree: Tree) -> dict[str, str]:
    adgroup, campaign = tree.parents(ad)
    values = {
        "ad_name": ad.name,
        "ad_text": ad.data.get("ad_text") or "-",
        "adgroup_name": adgroup.name,
        "adgroup_id": adgroup.object_id,
        "placement_type": adgroup.data.get("placement_type") or "-",
        "promotion_type": adgroup.data.get("promotion_type") or "-",
        "campaign_name": campaign.name,
        "campaign_id": campaign.object_id,
        "objective_type": campaign.data["objective_type"],
    }
    return {name: values[name] if level in levels else "-" for name, levels in ATTRIBUTES.items()}


@tiktok_business.route(API + "report/integrated/get/")
@platform_call
def report_integrated_get(request, grant: Grant, params: dict):
    context: Context = _context(grant, params)
    if params.get("report_type") != "BASIC":
        raise invalid_params(
            "report_type: The sandbox reports BASIC only." if params.get("report_type") else "report_type: Missing data for required field."
        )
    if (params.get("service_type") or "AUCTION") != "AUCTION":
        raise invalid_params("service_type: The sandbox reports AUCTION only.")
    level = params.get("data_level")
    if level not in LEVELS:
        raise invalid_params(f"data_level: Must be one of {', '.join(LEVELS)}.")
    if params.get("order_field"):
        raise invalid_params("order_field: The sandbox does not sort reports: rows come by id, then day.")
    lifetime = str(params.get("query_lifetime", "")).lower() == "true"
    dimensions = _string_list(request, params, "dimensions")
    if not dimensions:
        raise invalid_params("dimensions: Missing data for required field.")
    _dimensions(level, dimensions, lifetime)
    metrics = _string_list(request, params, "metrics") or ["spend", "impressions"]
    for name in metrics:
        if name not in ALL_METRICS:
            raise invalid_params(f"metrics: one or more value of the param is not acceptable: {name}.")
    page = _integer(params, "page", 1, low=1)
    page_size = _integer(params, "page_size", 10, low=1, high=PAGE_SIZE_MAX)
    wanted = _filters(request, params)
    advertiser = context.advertiser
    today = date.fromisoformat(local_day(advertiser))
    tree = Tree(advertiser.advertiser_id)
    ads = tree.by_kind["ad"]
    first = min((date.fromisoformat(ad.data["status_log"][0][0]) for ad in ads), default=today)
    start, end = _dates(params, lifetime, today, first)
    by_day = "stat_time_day" in dimensions
    groups: dict[tuple[str, str], tuple[list[dict[str, int]], BusinessObject]] = {}
    for ad in ads:
        adgroup, campaign = tree.parents(ad)
        ids = {"ad": ad.object_id, "adgroup": adgroup.object_id, "campaign": campaign.object_id}
        if any(ids[kind] not in wanted[field] for field, kind in FILTER_FIELDS.items() if field in wanted):
            continue
        key_id = {"AUCTION_AD": ad.object_id, "AUCTION_ADGROUP": adgroup.object_id, "AUCTION_CAMPAIGN": campaign.object_id}.get(
            level, advertiser.advertiser_id
        )
        day = start
        while day <= end:
            if _delivers(tree, ad, day, today):
                totals = ad_totals(ad.object_id, day, currency=advertiser.currency, objective=campaign.data["objective_type"])
                parts, _first_ad = groups.setdefault((key_id, day.isoformat() if by_day else ""), ([], ad))
                parts.append(totals)
            day += timedelta(days=1)
    rows = []
    for (key_id, day_text), (parts, sample_ad) in sorted(groups.items()):
        values = {**metrics_of(totals_sum(parts)), **_attributes(level, sample_ad, tree)}
        row_dimensions = {}
        for name in dimensions:
            row_dimensions[name] = day_label(date.fromisoformat(day_text)) if name == "stat_time_day" else key_id
        rows.append({"dimensions": row_dimensions, "metrics": {name: values[name] for name in metrics}})
    offset = (page - 1) * page_size
    return {"list": rows[offset : offset + page_size], "page_info": _page_info(page, page_size, len(rows))}
