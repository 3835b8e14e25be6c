"""Ads management on the ``tiktok-business`` emulator: campaigns, ad groups and ads (stored as
``sandbox.models.BusinessObject`` rows, ``kind`` campaign|adgroup|ad), identities and instant
pages (seeded per advertiser, nothing stored), at the platform's paths under ``open_api/v1.3/``:

- ``campaign/create|get|update|status/update/``, ``adgroup/create|get|update|budget/update|
  status/update/``, ``ad/create|get|update|status/update/``, ``identity/get/``, ``page/get/``.

Writes are POSTs with a JSON body; reads are GETs with JSON-encoded ``filtering``/``fields``,
``page``/``page_size`` (≤ 1000) and ``page_info``. The token must reach the advertiser (40001).
Creates take ``request_id``: the same advertiser and key return the object(s) the first call made.
Statuses: ``ENABLE``/``DISABLE``/``DELETE``; a deleted object never changes again (40002), its
children are deleted with it, and reads hide deleted objects unless ``filtering.primary_status``
is ``STATUS_ALL`` or ``STATUS_DELETE``. Every status change is logged per local day
(``status_log``), which the auction report reads (``auction_report.py``).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from sandbox.emulators.tiktok_business import validation as v
from sandbox.emulators.tiktok_business.data import NS, Advertiser, Context, local_now, sandbox_now
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
from sandbox.emulators.tiktok_business.tokens import Grant, PlatformError, invalid_params
from sandbox.models import BusinessObject
from sandbox.seed import rng

LIST_PAGE_SIZE_MAX = 1000
PAGE_PAGE_SIZE_MAX = 100
PRIMARY_STATUSES = ("STATUS_ALL", "STATUS_NOT_DELETE", "STATUS_NOT_DELIVERY", "STATUS_DELIVERY_OK", "STATUS_DISABLE", "STATUS_DELETE")
LABELS = {"campaign": "campaign", "adgroup": "ad group", "ad": "ad"}


# --- Storage ------------------------------------------------------------------------------


def new_id() -> str:
    return f"18{secrets.randbelow(10**17):017d}"


def utc_text(moment: datetime | None = None) -> str:
    moment = moment or datetime.fromtimestamp(sandbox_now(), tz=UTC)
    return moment.astimezone(UTC).strftime(v.TIME_FORMAT)


def local_day(advertiser: Advertiser) -> str:
    return local_now(advertiser).date().isoformat()


def _objects(advertiser_id: str, kind: str) -> QuerySet[BusinessObject]:
    return BusinessObject.objects.filter(kind=kind, advertiser_id=advertiser_id)


def _get(context: Context, kind: str, object_id: Any, name: str) -> BusinessObject:
    object_id = v.id_text(object_id, name)
    found = _objects(context.advertiser.advertiser_id, kind).filter(object_id=object_id).first()
    if found is None:
        raise v.not_found(kind, object_id)
    return found


def _alive(obj: BusinessObject, name: str) -> BusinessObject:
    if obj.status == "DELETE":
        raise invalid_params(f"{name}: The {LABELS[obj.kind]} {obj.object_id} is deleted.")
    return obj


def _created(kind: str, context: Context, *, parent_id: str = "", name: str, status: str, request_id: str, data: dict) -> BusinessObject:
    now = datetime.fromtimestamp(sandbox_now(), tz=UTC)
    data = {**data, "create_time": utc_text(now), "modify_time": utc_text(now), "status_log": [[local_day(context.advertiser), status]]}
    return BusinessObject.objects.create(
        kind=kind,
        advertiser_id=context.advertiser.advertiser_id,
        object_id=new_id(),
        parent_id=parent_id,
        name=name,
        status=status,
        request_id=request_id,
        data=data,
        created_at=now,
        modified_at=now,
    )


def _touch(obj: BusinessObject, context: Context) -> None:
    now = datetime.fromtimestamp(sandbox_now(), tz=UTC)
    obj.modified_at = now
    obj.data["modify_time"] = utc_text(now)


def _status_set(obj: BusinessObject, status: str, context: Context) -> None:
    if obj.status == status:
        return
    obj.status = status
    obj.data.setdefault("status_log", []).append([local_day(context.advertiser), status])
    _touch(obj, context)
    obj.save()


def _request_id(params: dict) -> str:
    value = params.get("request_id")
    if value in (None, ""):
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int) or len(str(value)) > 100:
        raise invalid_params("request_id: Must be a string of at most 100 characters.")
    return str(value)


def _replayed(context: Context, kind: str, request_id: str) -> list[BusinessObject]:
    if not request_id:
        return []
    return list(_objects(context.advertiser.advertiser_id, kind).filter(request_id=request_id).order_by("created_at", "id"))


# --- Rows as the platform answers them ----------------------------------------------------


def _secondary(obj: BusinessObject, parents: list[BusinessObject]) -> str:
    prefix = {"campaign": "CAMPAIGN", "adgroup": "ADGROUP", "ad": "AD"}[obj.kind]
    if obj.status == "DELETE":
        return f"{prefix}_STATUS_DELETE"
    if obj.status == "DISABLE":
        return f"{prefix}_STATUS_DISABLE"
    for parent in parents:
        if parent.status != "ENABLE":
            return f"{prefix}_STATUS_{'CAMPAIGN' if parent.kind == 'campaign' else 'ADGROUP'}_{'DELETE' if parent.status == 'DELETE' else 'DISABLE'}"
    return "CAMPAIGN_STATUS_ENABLE" if obj.kind == "campaign" else f"{prefix}_STATUS_DELIVERY_OK"


def campaign_row(campaign: BusinessObject) -> dict:
    data = campaign.data
    return {
        "advertiser_id": campaign.advertiser_id,
        "campaign_id": campaign.object_id,
        "campaign_name": campaign.name,
        "objective_type": data["objective_type"],
        "campaign_type": data.get("campaign_type", "REGULAR_CAMPAIGN"),
        "budget_mode": data["budget_mode"],
        "budget": data["budget"],
        "budget_optimize_on": False,
        "special_industries": data.get("special_industries", []),
        "operation_status": campaign.status,
        "secondary_status": _secondary(campaign, []),
        "is_new_structure": True,
        "is_smart_performance_campaign": False,
        "create_time": data["create_time"],
        "modify_time": data["modify_time"],
    }


ADGROUP_STORED = (
    "placement_type",
    "placements",
    "promotion_type",
    "promotion_target_type",
    "pixel_id",
    "optimization_event",
    "location_ids",
    "age_groups",
    "gender",
    "languages",
    "audience_ids",
    "excluded_audience_ids",
    "interest_category_ids",
    "budget_mode",
    "budget",
    "schedule_type",
    "schedule_start_time",
    "schedule_end_time",
    "dayparting",
    "optimization_goal",
    "pacing",
    "billing_event",
    "bid_type",
    "bid_price",
    "conversion_bid_price",
    "frequency",
    "frequency_schedule",
)


def adgroup_row(adgroup: BusinessObject, campaign: BusinessObject) -> dict:
    data = adgroup.data
    return {
        "advertiser_id": adgroup.advertiser_id,
        "campaign_id": campaign.object_id,
        "campaign_name": campaign.name,
        "adgroup_id": adgroup.object_id,
        "adgroup_name": adgroup.name,
        **{name: data.get(name) for name in ADGROUP_STORED},
        "operation_status": adgroup.status,
        "secondary_status": _secondary(adgroup, [campaign]),
        "is_new_structure": True,
        "create_time": data["create_time"],
        "modify_time": data["modify_time"],
    }


AD_STORED = (
    "identity_id",
    "identity_type",
    "ad_format",
    "ad_text",
    "video_id",
    "image_ids",
    "call_to_action",
    "landing_page_url",
    "page_id",
    "display_name",
    "tracking_pixel_id",
)


def ad_row(ad: BusinessObject, adgroup: BusinessObject, campaign: BusinessObject) -> dict:
    data = ad.data
    return {
        "advertiser_id": ad.advertiser_id,
        "campaign_id": campaign.object_id,
        "campaign_name": campaign.name,
        "adgroup_id": adgroup.object_id,
        "adgroup_name": adgroup.name,
        "ad_id": ad.object_id,
        "ad_name": ad.name,
        **{name: data.get(name) for name in AD_STORED},
        "operation_status": ad.status,
        "secondary_status": _secondary(ad, [adgroup, campaign]),
        "is_aco": False,
        "is_new_structure": True,
        "create_time": data["create_time"],
        "modify_time": data["modify_time"],
    }


class Tree:
    """Every campaign, ad group and ad of one advertiser, read once."""

    def __init__(self, advertiser_id: str):
        objects = BusinessObject.objects.filter(advertiser_id=advertiser_id, kind__in=("campaign", "adgroup", "ad")).order_by(
            "-created_at", "-id"
        )
        self.by_kind: dict[str, list[BusinessObject]] = {"campaign": [], "adgroup": [], "ad": []}
        self.by_id: dict[tuple[str, str], BusinessObject] = {}
        for obj in objects:
            self.by_kind[obj.kind].append(obj)
            self.by_id[(obj.kind, obj.object_id)] = obj

    def parents(self, obj: BusinessObject) -> list[BusinessObject]:
        """[ad group, campaign] of an ad, [campaign] of an ad group."""
        chain = []
        while obj.kind != "campaign":
            obj = self.by_id[("campaign" if obj.kind == "adgroup" else "adgroup", obj.parent_id)]
            chain.append(obj)
        return chain

    def row(self, obj: BusinessObject) -> dict:
        if obj.kind == "campaign":
            return campaign_row(obj)
        if obj.kind == "adgroup":
            return adgroup_row(obj, *self.parents(obj))
        return ad_row(obj, *self.parents(obj))


def _row(obj: BusinessObject) -> dict:
    return Tree(obj.advertiser_id).row(obj)


# --- Reading lists ------------------------------------------------------------------------

# filtering key → (row field, how it matches)
LIST_FILTERS = {
    "campaign": {
        "campaign_ids": "campaign_id",
        "campaign_name": "campaign_name",
        "objective_type": "objective_type",
        "secondary_status": "secondary_status",
    },
    "adgroup": {
        "campaign_ids": "campaign_id",
        "adgroup_ids": "adgroup_id",
        "adgroup_name": "adgroup_name",
        "optimization_goal": "optimization_goal",
        "promotion_type": "promotion_type",
        "billing_events": "billing_event",
        "secondary_status": "secondary_status",
        "objective_type": "objective_type",
    },
    "ad": {
        "campaign_ids": "campaign_id",
        "adgroup_ids": "adgroup_id",
        "ad_ids": "ad_id",
        "ad_name": "ad_name",
        "secondary_status": "secondary_status",
        "objective_type": "objective_type",
        "optimization_goal": "optimization_goal",
    },
}


def _primary_match(status: str, primary: str) -> bool:
    return {
        "STATUS_ALL": True,
        "STATUS_NOT_DELETE": status != "DELETE",
        "STATUS_NOT_DELIVERY": status == "DISABLE",
        "STATUS_DELIVERY_OK": status == "ENABLE",
        "STATUS_DISABLE": status == "DISABLE",
        "STATUS_DELETE": status == "DELETE",
    }[primary]


def _listing(request, params: dict, context: Context, kind: str) -> dict:
    filtering = _structured(request, params, "filtering", dict) or {}
    fields = _string_list(request, params, "fields")
    page = _integer(params, "page", 1, low=1)
    page_size = _integer(params, "page_size", 10, low=1, high=LIST_PAGE_SIZE_MAX)
    primary = filtering.get("primary_status", "STATUS_NOT_DELETE")
    if primary not in PRIMARY_STATUSES:
        raise invalid_params(f"filtering.primary_status: Must be one of {', '.join(PRIMARY_STATUSES)}.")
    known = LIST_FILTERS[kind]
    for key in filtering:
        if key != "primary_status" and key not in known:
            raise invalid_params(f"filtering.{key}: Unknown filter field.")
    tree = Tree(context.advertiser.advertiser_id)
    rows = []
    for obj in tree.by_kind[kind]:
        if not _primary_match(obj.status, primary):
            continue
        row = tree.row(obj)
        if kind != "campaign":
            campaign = tree.parents(obj)[-1]
            row_filter = {**row, "objective_type": campaign.data["objective_type"]}
            if kind == "ad":
                row_filter["optimization_goal"] = tree.parents(obj)[0].data.get("optimization_goal")
        else:
            row_filter = row
        if all(_filter_match(key, value, row_filter[known[key]]) for key, value in filtering.items() if key != "primary_status"):
            rows.append(row)
    if fields:
        names = set(rows[0]) if rows else set(_empty_row_fields(kind))
        for name in fields:
            if name not in names:
                raise invalid_params(f"fields: {name} is not a valid field.")
        rows = [{name: row[name] for name in fields} for row in rows]
    offset = (page - 1) * page_size
    return {"list": rows[offset : offset + page_size], "page_info": _page_info(page, page_size, len(rows))}


def _empty_row_fields(kind: str) -> tuple[str, ...]:
    common = ("advertiser_id", "campaign_id", "campaign_name", "operation_status", "secondary_status", "create_time", "modify_time")
    if kind == "campaign":
        return (
            *common,
            "objective_type",
            "campaign_type",
            "budget_mode",
            "budget",
            "budget_optimize_on",
            "special_industries",
            "is_new_structure",
            "is_smart_performance_campaign",
        )
    if kind == "adgroup":
        return (*common, "adgroup_id", "adgroup_name", *ADGROUP_STORED, "is_new_structure")
    return (*common, "adgroup_id", "adgroup_name", "ad_id", "ad_name", *AD_STORED, "is_aco", "is_new_structure")


def _filter_match(key: str, wanted: Any, value: Any) -> bool:
    if key.endswith("_ids") or key == "billing_events":
        if not isinstance(wanted, list):
            raise invalid_params(f"filtering.{key}: Must be a list.")
        return str(value) in {str(item) for item in wanted}
    if key.endswith("_name"):
        return str(wanted).lower() in str(value).lower()
    return value == wanted


# --- Campaigns ----------------------------------------------------------------------------


def _campaign_budget(params: dict, context: Context, mode: str) -> Decimal:
    if mode in ("BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"):
        return v.budget_check(v.required(params, "budget"), context.advertiser.currency, level="campaign")
    return Decimal(0)


@tiktok_business.route(API + "campaign/create/", methods=("POST",))
@platform_call
def campaign_create(request, grant: Grant, params: dict):
    context = _context(grant, params)
    request_id = _request_id(params)
    replay = _replayed(context, "campaign", request_id)
    if replay:
        return campaign_row(replay[0])
    name = v.name_check(v.text(params, "campaign_name", required_=True), "campaign_name")
    objective = v.objective_check(params.get("objective_type"))
    mode = v.choice(params, "budget_mode", v.CAMPAIGN_BUDGET_MODES, default="BUDGET_MODE_INFINITE")
    budget = _campaign_budget(params, context, mode)
    campaign_type = v.choice(params, "campaign_type", ("REGULAR_CAMPAIGN", "IOS14_CAMPAIGN"), default="REGULAR_CAMPAIGN")
    industries = v.string_list(params, "special_industries", allowed=("HOUSING", "EMPLOYMENT", "CREDIT")) or []
    # operation_status is allowlist-only at campaign level: without the allowlist it is ignored.
    campaign = _created(
        "campaign",
        context,
        name=name,
        status="ENABLE",
        request_id=request_id,
        data={
            "objective_type": objective,
            "budget_mode": mode,
            "budget": v.as_number(budget),
            "campaign_type": campaign_type,
            "special_industries": industries,
        },
    )
    return campaign_row(campaign)


@tiktok_business.route(API + "campaign/get/")
@platform_call
def campaign_get(request, grant: Grant, params: dict):
    return _listing(request, params, _context(grant, params), "campaign")


@tiktok_business.route(API + "campaign/update/", methods=("POST",))
@platform_call
def campaign_update(request, grant: Grant, params: dict):
    context = _context(grant, params)
    campaign = _alive(_get(context, "campaign", v.required(params, "campaign_id"), "campaign_id"), "campaign_id")
    data = campaign.data
    if "budget_mode" in params and params["budget_mode"] != data["budget_mode"]:
        raise invalid_params("budget_mode: Can't be changed after the campaign is created.")
    if "campaign_name" in params:
        campaign.name = v.name_check(v.text(params, "campaign_name", required_=True), "campaign_name")
    if "budget" in params:
        if data["budget_mode"] == "BUDGET_MODE_INFINITE":
            raise invalid_params("budget: A campaign with BUDGET_MODE_INFINITE has no budget.")
        data["budget"] = v.as_number(v.budget_check(params["budget"], context.advertiser.currency, level="campaign"))
    if "special_industries" in params:
        data["special_industries"] = v.string_list(params, "special_industries", allowed=("HOUSING", "EMPLOYMENT", "CREDIT")) or []
    _touch(campaign, context)
    campaign.save()
    return campaign_row(campaign)


def _status_update(params: dict, context: Context, kind: str) -> tuple[list[BusinessObject], list[dict], str]:
    """Validate every id (all or nothing, unless ``allow_partial_success``), then apply."""
    ids_name = f"{kind}_ids"
    ids = v.id_list(params, ids_name)
    operation = v.choice(params, "operation_status", v.STATUS_OPERATIONS)
    partial = params.get("allow_partial_success") is True and kind == "adgroup"
    found = {obj.object_id: obj for obj in _objects(context.advertiser.advertiser_id, kind).filter(object_id__in=ids)}
    tree = Tree(context.advertiser.advertiser_id)
    changed, errors = [], []
    for object_id in ids:
        try:
            obj = found.get(object_id)
            if obj is None:
                raise v.not_found(kind, object_id)
            if obj.status == "DELETE":
                raise invalid_params(f"{ids_name}: The {LABELS[kind]} {object_id} is deleted; its status can't change.")
            if operation == "ENABLE":
                for parent in tree.parents(obj):
                    if parent.status == "DELETE":
                        raise invalid_params(
                            f"{ids_name}: The {LABELS[parent.kind]} {parent.object_id} of {LABELS[kind]} {object_id} is deleted."
                        )
            changed.append(obj)
        except PlatformError as error:
            if not partial:
                raise
            errors.append({f"{kind}_id": object_id, "error_message": error.message})
    with transaction.atomic():
        for obj in changed:
            _status_set(obj, operation, context)
            if operation == "DELETE":
                _cascade_delete(obj, context)
    return changed, errors, operation


def _cascade_delete(obj: BusinessObject, context: Context) -> None:
    child_kind = {"campaign": "adgroup", "adgroup": "ad"}.get(obj.kind)
    if child_kind is None:
        return
    for child in _objects(obj.advertiser_id, child_kind).filter(parent_id=obj.object_id).exclude(status="DELETE"):
        _status_set(child, "DELETE", context)
        _cascade_delete(child, context)


@tiktok_business.route(API + "campaign/status/update/", methods=("POST",))
@platform_call
def campaign_status_update(request, grant: Grant, params: dict):
    changed, _errors, operation = _status_update(params, _context(grant, params), "campaign")
    ids = [obj.object_id for obj in changed]
    return {
        "campaign_ids": ids,
        "status": operation,
        "campaign_list": [{"campaign_id": i, "status": operation, "postback_window_mode": None} for i in ids],
    }


# --- Ad groups ----------------------------------------------------------------------------


def _schedule(params: dict, *, budget_mode: str) -> tuple[str, str, str, int]:
    """(type, start, end, days) of the ad group's schedule."""
    schedule_type = v.choice(params, "schedule_type", v.SCHEDULE_TYPES)
    start = v.time_check(v.required(params, "schedule_start_time"), "schedule_start_time")
    now = datetime.fromtimestamp(sandbox_now(), tz=UTC).replace(tzinfo=None)
    if start < now - timedelta(seconds=v.START_TIME_PAST_SECONDS):
        raise invalid_params("schedule_start_time: Must be at most 12 hours in the past.")
    if schedule_type == "SCHEDULE_FROM_NOW":
        end = start.replace(year=start.year + 10)
        if budget_mode == "BUDGET_MODE_TOTAL":
            raise invalid_params("schedule_type: A BUDGET_MODE_TOTAL budget needs SCHEDULE_START_END.")
    else:
        end = v.time_check(v.required(params, "schedule_end_time"), "schedule_end_time")
        if end <= start:
            raise invalid_params("schedule_end_time: Must be after schedule_start_time.")
    days = max(1, -(-int((end - start).total_seconds()) // 86_400))
    return schedule_type, start.strftime(v.TIME_FORMAT), end.strftime(v.TIME_FORMAT), days


def _bids(params: dict, billing_event: str, budget: Decimal) -> dict:
    bid_type = v.choice(params, "bid_type", v.BID_TYPES, default="BID_TYPE_NO_BID")
    bids = {"bid_type": bid_type, "bid_price": None, "conversion_bid_price": None}
    if bid_type == "BID_TYPE_CUSTOM":
        name = "conversion_bid_price" if billing_event == "OCPM" else "bid_price"
        price = v.number(v.required(params, name), name)
        if price <= 0 or price >= budget:
            raise invalid_params(f"{name}: Must be above 0 and below the budget.")
        bids[name] = v.as_number(price)
    return bids


@tiktok_business.route(API + "adgroup/create/", methods=("POST",))
@platform_call
def adgroup_create(request, grant: Grant, params: dict):
    context = _context(grant, params)
    request_id = _request_id(params)
    replay = _replayed(context, "adgroup", request_id)
    if replay:
        return _row(replay[0])
    campaign = _alive(_get(context, "campaign", v.required(params, "campaign_id"), "campaign_id"), "campaign_id")
    name = v.name_check(v.text(params, "adgroup_name", required_=True), "adgroup_name")
    objective = campaign.data["objective_type"]
    promotion_type = v.text(params, "promotion_type")
    optimization_goal = v.text(params, "optimization_goal", required_=True)
    billing_event = v.choice(params, "billing_event", v.BILLING_EVENTS)
    v.combination_check(objective, promotion_type, optimization_goal, billing_event)
    location_ids = v.string_list(params, "location_ids", required_=True)
    budget_mode = v.choice(params, "budget_mode", v.ADGROUP_BUDGET_MODES)
    schedule_type, start, end, days = _schedule(params, budget_mode=budget_mode)
    budget = v.budget_check(
        v.required(params, "budget"), context.advertiser.currency, level="adgroup", days=days if budget_mode == "BUDGET_MODE_TOTAL" else 1
    )
    placement_type = v.choice(params, "placement_type", v.PLACEMENT_TYPES, default="PLACEMENT_TYPE_AUTOMATIC")
    placements = v.string_list(params, "placements", allowed=v.PLACEMENTS)
    if placement_type == "PLACEMENT_TYPE_NORMAL" and not placements:
        raise invalid_params("placements: Missing data for required field (PLACEMENT_TYPE_NORMAL).")
    if placement_type == "PLACEMENT_TYPE_AUTOMATIC":
        placements = ["PLACEMENT_TIKTOK", "PLACEMENT_PANGLE"]
    target_type = ""
    if promotion_type == "LEAD_GENERATION":
        target_type = v.choice(params, "promotion_target_type", v.PROMOTION_TARGET_TYPES, default="INSTANT_PAGE")
    pixel_id = v.text(params, "pixel_id")
    if objective == "WEB_CONVERSIONS" and not pixel_id:
        raise invalid_params("pixel_id: Missing data for required field (WEB_CONVERSIONS).")
    dayparting = v.text(params, "dayparting")
    if dayparting and (len(dayparting) != 336 or set(dayparting) - {"0", "1"}):
        raise invalid_params("dayparting: Must be 336 characters of 0 and 1.")
    status = v.choice(params, "operation_status", v.OPERATION_STATUSES, default="ENABLE")
    data = {
        "placement_type": placement_type,
        "placements": placements,
        "promotion_type": promotion_type or None,
        "promotion_target_type": target_type or None,
        "pixel_id": pixel_id or None,
        "optimization_event": v.text(params, "optimization_event") or None,
        "location_ids": location_ids,
        "age_groups": v.string_list(params, "age_groups", allowed=v.AGE_GROUPS) or [],
        "gender": v.choice(params, "gender", v.GENDERS, default="GENDER_UNLIMITED"),
        "languages": v.string_list(params, "languages") or [],
        "audience_ids": v.string_list(params, "audience_ids") or [],
        "excluded_audience_ids": v.string_list(params, "excluded_audience_ids") or [],
        "interest_category_ids": v.string_list(params, "interest_category_ids") or [],
        "budget_mode": budget_mode,
        "budget": v.as_number(budget),
        "schedule_type": schedule_type,
        "schedule_start_time": start,
        "schedule_end_time": end,
        "dayparting": dayparting or None,
        "optimization_goal": optimization_goal,
        "pacing": v.choice(params, "pacing", v.PACINGS, default="PACING_MODE_SMOOTH"),
        "billing_event": billing_event,
        **_bids(params, billing_event, budget),
        "frequency": params.get("frequency"),
        "frequency_schedule": params.get("frequency_schedule"),
    }
    adgroup = _created("adgroup", context, parent_id=campaign.object_id, name=name, status=status, request_id=request_id, data=data)
    return adgroup_row(adgroup, campaign)


@tiktok_business.route(API + "adgroup/get/")
@platform_call
def adgroup_get(request, grant: Grant, params: dict):
    return _listing(request, params, _context(grant, params), "adgroup")


IMMUTABLE_ADGROUP = ("campaign_id", "placement_type", "placements", "promotion_type", "optimization_goal", "billing_event", "budget_mode")


@tiktok_business.route(API + "adgroup/update/", methods=("POST",))
@platform_call
def adgroup_update(request, grant: Grant, params: dict):
    context = _context(grant, params)
    adgroup = _alive(_get(context, "adgroup", v.required(params, "adgroup_id"), "adgroup_id"), "adgroup_id")
    data = adgroup.data
    current = {**data, "campaign_id": adgroup.parent_id}
    for name in IMMUTABLE_ADGROUP:
        if name in params and params[name] != current.get(name) and str(params[name]) != str(current.get(name)):
            raise invalid_params(f"{name}: Can't be changed after the ad group is created.")
    if "adgroup_name" in params:
        adgroup.name = v.name_check(v.text(params, "adgroup_name", required_=True), "adgroup_name")
    if "budget" in params:
        data["budget"] = v.as_number(v.budget_check(params["budget"], context.advertiser.currency, level="adgroup"))
    if "schedule_end_time" in params:
        end = v.time_check(params["schedule_end_time"], "schedule_end_time")
        if end.strftime(v.TIME_FORMAT) <= data["schedule_start_time"]:
            raise invalid_params("schedule_end_time: Must be after schedule_start_time.")
        data["schedule_end_time"] = end.strftime(v.TIME_FORMAT)
    if "location_ids" in params:
        data["location_ids"] = v.string_list(params, "location_ids", required_=True)
    for name, allowed in (
        ("age_groups", v.AGE_GROUPS),
        ("languages", None),
        ("audience_ids", None),
        ("excluded_audience_ids", None),
        ("interest_category_ids", None),
    ):
        if name in params:
            data[name] = v.string_list(params, name, allowed=allowed) or []
    if "gender" in params:
        data["gender"] = v.choice(params, "gender", v.GENDERS)
    if "pacing" in params:
        data["pacing"] = v.choice(params, "pacing", v.PACINGS)
    if "bid_type" in params or "bid_price" in params or "conversion_bid_price" in params:
        data.update(_bids({"bid_type": data["bid_type"], **params}, data["billing_event"], Decimal(str(data["budget"]))))
    for name in ("pixel_id", "optimization_event", "dayparting"):
        if name in params:
            data[name] = v.text(params, name) or None
    _touch(adgroup, context)
    adgroup.save()
    return _row(adgroup)


@tiktok_business.route(API + "adgroup/budget/update/", methods=("POST",))
@platform_call
def adgroup_budget_update(request, grant: Grant, params: dict):
    context = _context(grant, params)
    budgets = params.get("budget") or []
    schedules = params.get("schedule_budget") or []
    if not isinstance(budgets, list) or not isinstance(schedules, list) or not (budgets or schedules):
        raise invalid_params("budget: Missing data for required field (a list of {adgroup_id, budget}).")
    if len(budgets) > v.STATUS_IDS_MAX or len(schedules) > v.STATUS_IDS_MAX:
        raise invalid_params(f"budget: At most {v.STATUS_IDS_MAX} ad groups per call.")
    updates = []
    for field, items in (("budget", budgets), ("schedule_budget", schedules)):
        for item in items:
            if not isinstance(item, dict):
                raise invalid_params(f"{field}: Every item must be an object {{adgroup_id, {field}}}.")
            adgroup = _alive(_get(context, "adgroup", v.required(item, "adgroup_id"), f"{field}.adgroup_id"), f"{field}.adgroup_id")
            if adgroup.data["budget_mode"] == "BUDGET_MODE_TOTAL" and field == "schedule_budget":
                raise invalid_params("schedule_budget: Only daily budgets can be scheduled.")
            amount = v.budget_check(v.required(item, field), context.advertiser.currency, level="adgroup", name=field)
            updates.append((adgroup, field, amount))
    with transaction.atomic():
        for adgroup, field, amount in updates:
            adgroup.data["budget" if field == "budget" else "scheduled_budget"] = v.as_number(amount)
            _touch(adgroup, context)
            adgroup.save()
    return {"adgroup_ids": list(dict.fromkeys(adgroup.object_id for adgroup, _field, _amount in updates))}


@tiktok_business.route(API + "adgroup/status/update/", methods=("POST",))
@platform_call
def adgroup_status_update(request, grant: Grant, params: dict):
    changed, errors, operation = _status_update(params, _context(grant, params), "adgroup")
    data: dict[str, Any] = {"adgroup_ids": [obj.object_id for obj in changed], "status": operation}
    if params.get("allow_partial_success") is True:
        data["error_list"] = errors
    return data


# --- Identities and instant pages (seeded, deterministic) --------------------------------


def identities(advertiser: Advertiser) -> list[dict]:
    """One CUSTOMIZED_USER and one TT_USER identity per advertiser."""
    rows = []
    for kind, label in (("CUSTOMIZED_USER", advertiser.name), ("TT_USER", f"@{advertiser.name.lower().replace(' ', '')}")):
        r = rng(NS, advertiser.advertiser_id, "identity", kind)
        rows.append(
            {
                "identity_id": "7" + r.digits(18),
                "identity_type": kind,
                "display_name": label if kind == "CUSTOMIZED_USER" else advertiser.name,
                "user_name": label.lstrip("@") if kind == "TT_USER" else "",
                "profile_image": f"https://p16-sign-va.tiktokcdn.com/sandbox/{r.hex(16)}.jpeg",
                "identity_authorized_bc_id": None,
                "available_status": "AVAILABLE",
                "can_push_video": kind == "TT_USER",
                "can_pull_video": kind == "TT_USER",
                "can_use_live_ads": False,
            }
        )
    return rows


PAGE_TITLES = (("Free trial lesson", "EDITED"), ("Call me back", "PUBLISHED"), ("Price list request", "PUBLISHED"))


def instant_pages(advertiser: Advertiser) -> list[dict]:
    """Three lead forms per advertiser (``business_type`` LEAD_GEN): one EDITED, two PUBLISHED.
    ``page_id`` is a 19-digit integer, as in ``ad/get``."""
    rows = []
    base = datetime.fromtimestamp(advertiser.describe()["create_time"], tz=UTC)
    for index, (title, status) in enumerate(PAGE_TITLES):
        r = rng(NS, advertiser.advertiser_id, "page", index)
        page_id = int("76" + r.digits(17))
        created = base + timedelta(days=3 + index, hours=r.randint(0, 23))
        updated = created + timedelta(days=1)
        rows.append(
            {
                "page_id": page_id,
                "status": status,
                "title": title,
                "business_type": "LEAD_GEN",
                "create_time": utc_text(created),
                "update_time": utc_text(updated),
                "publish_time": utc_text(updated) if status == "PUBLISHED" else None,
                "preview_url": f"https://www.tiktok.com/instant-page/preview/{page_id}" if status == "PUBLISHED" else None,
                "thumbnail": f"https://p16-sign-va.tiktokcdn.com/sandbox/page-{page_id}.jpeg",
                "template_id": "7000000000000000001",
                "template_name": "Lead form",
                "supported_objectives": ["LEAD_GENERATION"],
                "destination_urls": [],
            }
        )
    return rows


@tiktok_business.route(API + "identity/get/")
@platform_call
def identity_get(request, grant: Grant, params: dict):
    context = _context(grant, params)
    identity_type = params.get("identity_type") or None
    if identity_type is not None and identity_type not in v.IDENTITY_TYPES:
        raise invalid_params(f"identity_type: Must be one of {', '.join(v.IDENTITY_TYPES)}.")
    if identity_type == "BC_AUTH_TT" and not params.get("identity_authorized_bc_id"):
        raise invalid_params("identity_authorized_bc_id: Missing data for required field (BC_AUTH_TT).")
    page = _integer(params, "page", 1, low=1)
    page_size = _integer(params, "page_size", 10, low=1, high=PAGE_PAGE_SIZE_MAX)
    rows = [row for row in identities(context.advertiser) if identity_type is None or row["identity_type"] == identity_type]
    offset = (page - 1) * page_size
    return {"identity_list": rows[offset : offset + page_size], "page_info": _page_info(page, page_size, len(rows))}


BUSINESS_TYPES = ("LEAD_GEN", "STORE_FRONT", "APP_PROFILE_PAGE", "TIKTOK_INSTANT_PAGE", "SHOP_ADS_PLP", "SHOP_ADS_PDP", "POP_UP_FORM")


@tiktok_business.route(API + "page/get/")
@platform_call
def page_get(request, grant: Grant, params: dict):
    context = _context(grant, params)
    page = _integer(params, "page", 1, low=1)
    page_size = _integer(params, "page_size", 10, low=1, high=PAGE_PAGE_SIZE_MAX)
    status = params.get("page_status") or None
    if status is not None and status not in ("EDITED", "PUBLISHED"):
        raise invalid_params("page_status: Must be one of EDITED, PUBLISHED.")
    types = _string_list(request, params, "business_types") or [params.get("business_type") or "LEAD_GEN"]
    for value in types:
        if value not in BUSINESS_TYPES:
            raise invalid_params(f"business_type: Must be one of {', '.join(BUSINESS_TYPES)}.")
    title = str(params.get("title") or "").lower()
    rows = [
        row
        for row in instant_pages(context.advertiser)
        if row["business_type"] in types and (status is None or row["status"] == status) and title in row["title"].lower()
    ]
    offset = (page - 1) * page_size
    return {"list": rows[offset : offset + page_size], "page_info": _page_info(page, page_size, len(rows))}


# --- Ads ----------------------------------------------------------------------------------

AD_FIELDS = (
    "ad_name",
    "ad_text",
    "call_to_action",
    "landing_page_url",
    "page_id",
    "video_id",
    "image_ids",
    "identity_id",
    "identity_type",
    "display_name",
    "tracking_pixel_id",
)


def _creative(
    item: Any, index: int, context: Context, adgroup: BusinessObject, campaign: BusinessObject, *, current: dict | None = None
) -> dict:
    """A validated creative (``current``: the ad being updated; absent fields keep its values)."""
    prefix = f"creatives[{index}]."
    if not isinstance(item, dict):
        raise invalid_params(f"creatives[{index}]: Must be an object.")
    merged = {**(current or {}), **{key: value for key, value in item.items() if key in AD_FIELDS or key == "ad_format"}}
    ad_format = merged.get("ad_format")
    if ad_format not in v.AD_FORMATS:
        raise invalid_params(f"{prefix}ad_format: Must be one of {', '.join(v.AD_FORMATS)}.")
    objective = campaign.data["objective_type"]
    if ad_format != "SINGLE_VIDEO" and objective in v.VIDEO_ONLY_OBJECTIVES:
        raise invalid_params(
            f"{prefix}ad_format: {objective} ad groups placed on TikTok take SINGLE_VIDEO only; {ad_format} is a non-video creative."
        )
    video_id = str(merged.get("video_id") or "")
    if ad_format == "SINGLE_VIDEO":
        if not video_id:
            raise invalid_params(f"{prefix}video_id: Missing data for required field (SINGLE_VIDEO).")
        exists = BusinessObject.objects.filter(kind="video", object_id=video_id, advertiser_id=context.advertiser.advertiser_id).exists()
        if not exists:
            raise PlatformError(
                40053, f"{prefix}video_id: The video {video_id} does not exist for advertiser {context.advertiser.advertiser_id}."
            )
    ad_text = merged.get("ad_text")
    if not isinstance(ad_text, str) or not 1 <= len(ad_text.strip()) <= v.AD_TEXT_MAX:
        raise invalid_params(f"{prefix}ad_text: Length must be between 1 and {v.AD_TEXT_MAX} characters.")
    v.name_check(ad_text, f"{prefix}ad_text", limit=v.AD_TEXT_MAX * 2)
    ad_name = merged.get("ad_name")
    if ad_name in (None, ""):
        ad_name = f"{video_id or 'creative'}_{datetime.fromtimestamp(sandbox_now(), tz=UTC).strftime('%Y-%m-%d %H:%M:%S')}"
    v.name_check(str(ad_name), f"{prefix}ad_name")
    identity_type, identity_id = merged.get("identity_type"), merged.get("identity_id")
    if identity_type or identity_id:
        known = {(row["identity_type"], row["identity_id"]) for row in identities(context.advertiser)}
        if (identity_type, str(identity_id)) not in known:
            raise invalid_params(f"{prefix}identity_id: {identity_id} is not a {identity_type or '(no type)'} identity of this advertiser.")
    page_id = merged.get("page_id")
    landing = merged.get("landing_page_url") or None
    instant_form = adgroup.data.get("promotion_type") == "LEAD_GENERATION" and adgroup.data.get("promotion_target_type") == "INSTANT_PAGE"
    if instant_form:
        if page_id in (None, ""):
            raise invalid_params(f"{prefix}page_id: Missing data for required field (a lead-generation ad names its instant form).")
        try:
            page_id = int(str(page_id))
        except ValueError:
            raise invalid_params(f"{prefix}page_id: Not a valid ID.") from None
        pages = {row["page_id"]: row for row in instant_pages(context.advertiser)}
        if page_id not in pages:
            raise invalid_params(f"{prefix}page_id: {page_id} is not an instant page of this advertiser.")
        if pages[page_id]["status"] != "PUBLISHED":
            raise invalid_params(f"{prefix}page_id: The instant page {page_id} is not published.")
    else:
        page_id = None
        if not landing:
            raise invalid_params(f"{prefix}landing_page_url: Missing data for required field.")
    if landing is not None and (not isinstance(landing, str) or not landing.startswith(("http://", "https://"))):
        raise invalid_params(f"{prefix}landing_page_url: Must be an http(s) URL.")
    image_ids = merged.get("image_ids") or []
    if not isinstance(image_ids, list) or len(image_ids) > 1:
        raise invalid_params(f"{prefix}image_ids: A SINGLE_VIDEO ad takes at most one cover image.")
    return {
        "ad_name": str(ad_name),
        "ad_format": ad_format,
        "ad_text": ad_text.strip(),
        "video_id": video_id or None,
        "image_ids": [str(value) for value in image_ids],
        "identity_type": identity_type or None,
        "identity_id": str(identity_id) if identity_id else None,
        "call_to_action": merged.get("call_to_action") or None,
        "landing_page_url": landing,
        "page_id": page_id,
        "display_name": merged.get("display_name") or None,
        "tracking_pixel_id": merged.get("tracking_pixel_id") or None,
    }


def _ad_parents(context: Context, params: dict) -> tuple[BusinessObject, BusinessObject]:
    adgroup = _alive(_get(context, "adgroup", v.required(params, "adgroup_id"), "adgroup_id"), "adgroup_id")
    campaign = _get(context, "campaign", adgroup.parent_id, "campaign_id")
    if campaign.status == "DELETE":
        raise invalid_params(f"adgroup_id: The campaign {campaign.object_id} of ad group {adgroup.object_id} is deleted.")
    return adgroup, campaign


def _ads_answer(ads: list[BusinessObject], adgroup: BusinessObject, campaign: BusinessObject) -> dict:
    return {"ad_ids": [ad.object_id for ad in ads], "creatives": [ad_row(ad, adgroup, campaign) for ad in ads]}


@tiktok_business.route(API + "ad/create/", methods=("POST",))
@platform_call
def ad_create(request, grant: Grant, params: dict):
    context = _context(grant, params)
    request_id = _request_id(params)
    replay = _replayed(context, "ad", request_id)
    if replay:
        adgroup = BusinessObject.objects.get(kind="adgroup", object_id=replay[0].parent_id)
        return _ads_answer(replay, adgroup, BusinessObject.objects.get(kind="campaign", object_id=adgroup.parent_id))
    adgroup, campaign = _ad_parents(context, params)
    creatives = params.get("creatives")
    if not isinstance(creatives, list) or not creatives:
        raise invalid_params("creatives: Missing data for required field.")
    if len(creatives) > v.CREATIVES_MAX:
        raise invalid_params(f"creatives: At most {v.CREATIVES_MAX} creatives per call.")
    valid = [_creative(item, index, context, adgroup, campaign) for index, item in enumerate(creatives)]
    statuses = [v.choice(item, "operation_status", v.OPERATION_STATUSES, default="ENABLE") for item in creatives]
    with transaction.atomic():
        # Lock the ad group so two creates can't both pass the limit.
        BusinessObject.objects.select_for_update().get(pk=adgroup.pk)
        existing = _objects(context.advertiser.advertiser_id, "ad").filter(parent_id=adgroup.object_id).exclude(status="DELETE").count()
        if existing + len(valid) > v.ADS_PER_ADGROUP:
            raise PlatformError(
                40502, f"ad limit reached: ad group {adgroup.object_id} has {existing} ads; an ad group holds at most {v.ADS_PER_ADGROUP}."
            )
        ads = [
            _created(
                "ad",
                context,
                parent_id=adgroup.object_id,
                name=creative.pop("ad_name"),
                status=status,
                request_id=request_id,
                data=creative,
            )
            for creative, status in zip(valid, statuses, strict=True)
        ]
    return _ads_answer(ads, adgroup, campaign)


@tiktok_business.route(API + "ad/get/")
@platform_call
def ad_get(request, grant: Grant, params: dict):
    return _listing(request, params, _context(grant, params), "ad")


@tiktok_business.route(API + "ad/update/", methods=("POST",))
@platform_call
def ad_update(request, grant: Grant, params: dict):
    context = _context(grant, params)
    adgroup, campaign = _ad_parents(context, params)
    creatives = params.get("creatives")
    if not isinstance(creatives, list) or not creatives:
        raise invalid_params("creatives: Missing data for required field.")
    if len(creatives) > v.CREATIVES_MAX:
        raise invalid_params(f"creatives: At most {v.CREATIVES_MAX} creatives per call.")
    changes = []
    for index, item in enumerate(creatives):
        if not isinstance(item, dict):
            raise invalid_params(f"creatives[{index}]: Must be an object.")
        ad = _alive(_get(context, "ad", v.required(item, "ad_id"), f"creatives[{index}].ad_id"), f"creatives[{index}].ad_id")
        if ad.parent_id != adgroup.object_id:
            raise invalid_params(f"creatives[{index}].ad_id: The ad {ad.object_id} is not in ad group {adgroup.object_id}.")
        current = {**ad.data, "ad_name": ad.name}
        changes.append((ad, _creative(item, index, context, adgroup, campaign, current=current)))
    with transaction.atomic():
        for ad, creative in changes:
            ad.name = creative.pop("ad_name")
            ad.data.update(creative)
            _touch(ad, context)
            ad.save()
    return _ads_answer([ad for ad, _creative_ in changes], adgroup, campaign)


@tiktok_business.route(API + "ad/status/update/", methods=("POST",))
@platform_call
def ad_status_update(request, grant: Grant, params: dict):
    if params.get("aco_ad_ids") and not params.get("ad_ids"):
        raise invalid_params("aco_ad_ids: The sandbox has no ACO ads.")
    changed, _errors, operation = _status_update(params, _context(grant, params), "ad")
    return {"ad_ids": [obj.object_id for obj in changed], "status": operation}
