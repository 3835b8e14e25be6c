"""``gmv_max/report/get/``: parameter rules and the rows of one request.

Rules enforced (errors are code 40002 with a message naming the parameter): required
``advertiser_id``, ``store_ids``, ``start_date``, ``end_date``, ``dimensions``, ``metrics``; dates
``YYYY-MM-DD`` with start ≤ end and at most 93 days (both ends included); the supported
dimension groupings (``GROUPINGS``, any order); room dimensions only for LIVE_GMV_MAX; the
livestream metrics (``live_name``, ``live_status``, ``live_launched_time``, ``live_duration``)
only with room dimensions and ``filtering.campaign_ids`` holding exactly one id; known metrics
only; ``page`` ≥ 1 and 1 ≤ ``page_size`` ≤ 1000. An advertiser the token doesn't reach is 40001,
and so is a store that isn't the advertiser's.

Rows are sorted by their dimension values (day, campaign id, room id, hour) so paging is stable.
Campaign-day rows are enumerated by key first (cheap arithmetic) and only the requested page is
computed, so a 1000-row page of the large fixture costs 1000 rows' figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sandbox.emulators.tiktok_business.data import (
    ALL_METRICS,
    LIVE,
    LIVE_INFO_METRICS,
    PRODUCT,
    Campaign,
    Context,
    day_label,
    days,
    metrics_of,
    room_day_rows,
    totals_add,
    totals_zero,
)
from sandbox.emulators.tiktok_business.tokens import invalid_params

MAX_DAYS = 93
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 10

CAMPAIGN_GROUPINGS = (
    frozenset({"stat_time_day", "campaign_id"}),
    frozenset({"campaign_id"}),
    frozenset({"stat_time_day"}),
)
ROOM_GROUPINGS = (
    frozenset({"room_id"}),
    frozenset({"room_id", "stat_time_day"}),
    frozenset({"room_id", "stat_time_hour"}),
    frozenset({"campaign_id", "room_id"}),
    frozenset({"campaign_id", "room_id", "stat_time_day"}),
    frozenset({"campaign_id", "room_id", "stat_time_hour"}),
)
GROUPINGS = CAMPAIGN_GROUPINGS + ROOM_GROUPINGS
PROMOTION_ALIASES = {"PRODUCT": PRODUCT, "LIVE": LIVE, PRODUCT: PRODUCT, LIVE: LIVE}


@dataclass
class ReportQuery:
    context: Context
    store_ids: list[str]
    start: date
    end: date
    dimensions: list[str]
    metrics: list[str]
    promotion_type: str
    campaign_ids: list[str] | None
    room_ids: list[str] | None
    page: int
    page_size: int

    @property
    def is_room_query(self) -> bool:
        return "room_id" in self.dimensions


def parse_date(value, name: str) -> date:
    """``YYYY-MM-DD`` exactly (``date.fromisoformat`` alone would also take ``20261118``)."""
    text = str(value)
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise invalid_params(f"{name}: Not a valid date, use YYYY-MM-DD.")


def validate_dates(start_raw, end_raw) -> tuple[date, date]:
    if not start_raw:
        raise invalid_params("start_date: Missing data for required field.")
    if not end_raw:
        raise invalid_params("end_date: Missing data for required field.")
    start, end = parse_date(start_raw, "start_date"), parse_date(end_raw, "end_date")
    if start > end:
        raise invalid_params("start_date: The start date must not be later than the end date.")
    if (end - start).days + 1 > MAX_DAYS:
        raise invalid_params(f"end_date: The time span between start_date and end_date cannot exceed {MAX_DAYS} days.")
    return start, end


def validate_groupings(dimensions: list[str], metrics: list[str], promotion_type: str, campaign_ids: list[str] | None) -> None:
    if not dimensions:
        raise invalid_params("dimensions: Missing data for required field.")
    if len(set(dimensions)) != len(dimensions) or frozenset(dimensions) not in GROUPINGS:
        allowed = ", ".join("[" + ",".join(sorted(grouping)) + "]" for grouping in GROUPINGS)
        raise invalid_params(f"dimensions: The dimension grouping {dimensions} is not supported. Supported groupings: {allowed}.")
    if not metrics:
        raise invalid_params("metrics: Missing data for required field.")
    unknown = [metric for metric in metrics if metric not in ALL_METRICS]
    if unknown:
        raise invalid_params(f"metrics: one or more value of the param is not acceptable, correct is [{', '.join(ALL_METRICS)}]")
    rooms = "room_id" in dimensions
    if rooms and promotion_type != LIVE:
        raise invalid_params("dimensions: room_id is only supported when gmv_max_promotion_type is LIVE_GMV_MAX.")
    live_info = [metric for metric in metrics if metric in LIVE_INFO_METRICS]
    if live_info:
        if not rooms:
            raise invalid_params(f"metrics: {', '.join(live_info)} are only supported with room_id in dimensions.")
        if campaign_ids is None or len(campaign_ids) != 1:
            raise invalid_params(
                f"filtering: {', '.join(live_info)} are only supported when filtering.campaign_ids contains exactly one campaign ID."
            )


def _campaigns(query: ReportQuery) -> list[Campaign]:
    wanted = set(query.campaign_ids) if query.campaign_ids is not None else None
    stores = set(query.store_ids)
    return sorted(
        (
            campaign
            for campaign in query.context.advertiser.campaigns
            if campaign.store_id in stores
            and campaign.promotion_type == query.promotion_type
            and (wanted is None or campaign.campaign_id in wanted)
        ),
        key=lambda campaign: campaign.campaign_id,
    )


def _clip(query: ReportQuery) -> tuple[date, date] | None:
    context = query.context
    start, end = max(query.start, context.first_day), min(query.end, context.today)
    return (start, end) if start <= end else None


def report_page(query: ReportQuery) -> tuple[list[dict], int]:
    """(rows of the requested page, total number of rows)."""
    if query.is_room_query:
        rows = _room_rows(query)
        offset = (query.page - 1) * query.page_size
        return rows[offset : offset + query.page_size], len(rows)
    return _campaign_rows(query)


def _select(values: dict[str, str], metrics: list[str]) -> dict[str, str]:
    return {name: values[name] for name in metrics}


def _campaign_rows(query: ReportQuery) -> tuple[list[dict], int]:
    context = query.context
    campaigns = _campaigns(query)
    window = _clip(query)
    if window is None or not campaigns:
        return [], 0
    grouping = frozenset(query.dimensions)
    live = query.promotion_type == LIVE
    offset = (query.page - 1) * query.page_size

    if grouping == frozenset({"stat_time_day", "campaign_id"}):
        keys = [(day, campaign) for day in days(*window) for campaign in campaigns if context.active(campaign, day)]
        rows = []
        for day, campaign in keys[offset : offset + query.page_size]:
            values = metrics_of(context.campaign_day_totals(campaign, day), live=live)
            dims = {"stat_time_day": day_label(day), "campaign_id": campaign.campaign_id}
            rows.append({"dimensions": {name: dims[name] for name in query.dimensions}, "metrics": _select(values, query.metrics)})
        return rows, len(keys)

    if grouping == frozenset({"campaign_id"}):
        active = [campaign for campaign in campaigns if any(context.active(campaign, day) for day in days(*window))]
        rows = []
        for campaign in active[offset : offset + query.page_size]:
            total = totals_zero()
            for day in days(*window):
                if context.active(campaign, day):
                    totals_add(total, context.campaign_day_totals(campaign, day))
            rows.append(
                {"dimensions": {"campaign_id": campaign.campaign_id}, "metrics": _select(metrics_of(total, live=live), query.metrics)}
            )
        return rows, len(active)

    # ["stat_time_day"]
    active_days = [day for day in days(*window) if any(context.active(campaign, day) for campaign in campaigns)]
    rows = []
    for day in active_days[offset : offset + query.page_size]:
        total = totals_zero()
        for campaign in campaigns:
            if context.active(campaign, day):
                totals_add(total, context.campaign_day_totals(campaign, day))
        rows.append({"dimensions": {"stat_time_day": day_label(day)}, "metrics": _select(metrics_of(total, live=live), query.metrics)})
    return rows, len(active_days)


def _room_rows(query: ReportQuery) -> list[dict]:
    context = query.context
    window = _clip(query)
    if window is None:
        return []
    grouping = set(query.dimensions)
    hourly = "stat_time_hour" in grouping
    bucketed = hourly or "stat_time_day" in grouping
    wanted_rooms = set(query.room_ids) if query.room_ids is not None else None
    grouped: dict[tuple, tuple] = {}
    for campaign in _campaigns(query):
        for room, bucket, totals in room_day_rows(context, campaign, *window, hourly=hourly):
            if wanted_rooms is not None and room.room_id not in wanted_rooms:
                continue
            key = (campaign.campaign_id if "campaign_id" in grouping else "", room.room_id, bucket if bucketed else None)
            if key not in grouped:
                grouped[key] = (room, bucket, totals_zero())
            totals_add(grouped[key][2], totals)
    rows = []
    for key in sorted(grouped, key=lambda key: (key[0], key[1], key[2] or datetime.min)):
        room, bucket, total = grouped[key]
        values = {**metrics_of(total, live=True), **context.room_info(room)}
        dims = {
            "campaign_id": room.campaign_id,
            "room_id": room.room_id,
            "stat_time_day": day_label(bucket.date()),
            "stat_time_hour": bucket.strftime("%Y-%m-%d %H:00:00"),
        }
        rows.append({"dimensions": {name: dims[name] for name in query.dimensions}, "metrics": _select(values, query.metrics)})
    return rows


def promotion_type_of(raw_type, filtering: dict) -> str:
    if raw_type:
        if raw_type not in (PRODUCT, LIVE):
            raise invalid_params(f"gmv_max_promotion_type: Must be one of {PRODUCT}, {LIVE}.")
        return raw_type
    types = filtering.get("gmv_max_promotion_types")
    if isinstance(types, list) and len(types) == 1 and types[0] in PROMOTION_ALIASES:
        return PROMOTION_ALIASES[types[0]]
    raise invalid_params("gmv_max_promotion_type: Missing data for required field (PRODUCT_GMV_MAX or LIVE_GMV_MAX).")
