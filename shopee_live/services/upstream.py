"""On-demand reads and writes through an account's Seller Center session, for the API and the
pages: promotions (today's, edits), item promotions, campaign spend and ads, coins, live status,
the creator profile and session list. Each returns a plain dict in the seed's field names, so
the API serializes it as is; money is ``Decimal`` in the account's currency.

Platform refusals keep the platform's words: a session that is not live, not the account's or
not there is ``session_state`` (409 / 400); other refusals are a 400 with the message; an
unreachable platform is the 502/503 of ``core.upstream``. Today's promotions never fail a page:
when Shopee can't be read, the stored rows come back marked stale with their age.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import CoreError
from core.exceptions import ApplicationError
from core.http import BadRequest, UpstreamError
from core.upstream import as_application_error
from integrations.shopee import from_platform_time
from shopee_live.errors import LiveError
from shopee_live.models import LiveSession, Promotion, SessionStatus, ShopeeAccount
from shopee_live.regions import product_url
from shopee_live.services.accounts import web_client

logger = logging.getLogger(__name__)

COIN_MODES = ("random", "equal")
PROMOTION_NAME_MAX = 100
# Platform messages that say the session is in the wrong state for the call (409); "not found",
# "not exist" and "not belong" name a session the account can't act on (400).
_STATE_CONFLICTS = ("not live", "not ongoing", "is ended", "is ongoing", "already started", "start coins")
_SESSION_UNKNOWN = ("session not found", "is not exist", "not belong to you")
_SESSION_STATUS = {0: SessionStatus.INITIAL, 1: SessionStatus.ONGOING, 2: SessionStatus.ENDED}


def money(value: Any) -> Decimal:
    """A platform amount (a JSON number, or a string) as a Decimal; 0 for missing."""
    if value in (None, ""):
        return Decimal(0)
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return Decimal(0)


def roi_label(gmv: Decimal, spend: Decimal) -> str:
    """Return on ad spend as the seed writes it: GMV ÷ spend, one decimal, "1.5x"."""
    if not spend:
        return "0.0x"
    return f"{(gmv / spend).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}x"


def _field_error(field: str, message: str, *, code: str = CoreError.INVALID) -> ApplicationError:
    return ApplicationError(message, code=code, status=400, extra={"fields": {field: [message]}})


def _refusal(error: UpstreamError) -> ApplicationError:
    """A platform error as the caller sees it: state and refusals with Shopee's own words."""
    if not isinstance(error, BadRequest):
        return as_application_error(error)
    message = error.message or "Shopee refused the request."
    lowered = message.lower()
    if any(part in lowered for part in _STATE_CONFLICTS):
        return ApplicationError(message, code=LiveError.SESSION_STATE, status=409)
    if any(part in lowered for part in _SESSION_UNKNOWN):
        return ApplicationError(message, code=LiveError.SESSION_STATE, status=400)
    return ApplicationError(f"Shopee refused: {message}", code=CoreError.INVALID, status=400)


def _call(account: ShopeeAccount, method: str, *args, **kwargs) -> Any:
    """One web call; upstream errors become the caller's ``ApplicationError``."""
    try:
        with web_client(account) as client:
            return getattr(client, method)(*args, **kwargs)
    except UpstreamError as exc:
        raise _refusal(exc) from exc


# --- promotions ------------------------------------------------------------------------------


def _promotion_dict(promotion: Promotion) -> dict:
    return {
        "promotion_id": promotion.promotion_id,
        "name": promotion.name,
        "budget": promotion.budget,
        "spent": promotion.spent,
        "status": promotion.status,
        "currency": promotion.account.currency,
        "synced_at": promotion.synced_at,
    }


def _promotion_store(account: ShopeeAccount, entry: dict, now: datetime) -> Promotion:
    promotion, _ = Promotion.objects.for_tenant(account.tenant_id).update_or_create(
        tenant_id=account.tenant_id,
        account=account,
        promotion_id=str(entry["promotion_id"]),
        defaults={
            "name": str(entry.get("name") or entry["promotion_id"])[:200],
            "budget": money(entry.get("budget")),
            "spent": money(entry.get("spent")),
            "status": str(entry.get("status") or "")[:32],
            "synced_at": now,
        },
    )
    return promotion


class PromotionsToday(dict):
    """Today's promotions of one account. As a dict, the API's answer in the seed's field names
    (``promotions`` as dicts, ``currency``, ``stale``, ``synced_at``, ``age_seconds``,
    ``stale_reason``); as attributes, what a page shows: ``promotions`` (the stored
    ``Promotion`` rows), ``stale``, ``error`` (why it is stale) and ``as_of``."""

    def __init__(self, *, account: ShopeeAccount, rows: list[Promotion], stale: bool, synced_at, reason: str = ""):
        now = timezone.now()
        age = int((now - synced_at).total_seconds()) if synced_at else None
        super().__init__(
            promotions=[_promotion_dict(row) for row in rows],
            currency=account.currency,
            stale=stale,
            synced_at=synced_at,
            age_seconds=age,
            stale_reason=reason,
        )
        self.promotions = rows
        self.stale = stale
        self.error = reason
        self.as_of = synced_at
        self.age_seconds = age


def promotions_today(account: ShopeeAccount) -> PromotionsToday:
    """Today's live-stream promotions, read from Shopee and stored. When Shopee can't be read
    (down, throttling, the session expired) the stored rows come back with ``stale: true``,
    ``age_seconds`` since their last read and the reason, never an error."""
    try:
        data = _call(account, "promotions_today")
    except ApplicationError as exc:
        stored = list(Promotion.objects.for_tenant(account.tenant_id).filter(account=account).select_related("account"))
        synced = max((row.synced_at for row in stored), default=None)
        return PromotionsToday(account=account, rows=stored, stale=True, synced_at=synced, reason=exc.message)
    now = timezone.now()
    with transaction.atomic():
        rows = [_promotion_store(account, entry, now) for entry in data.get("promotions") or [] if entry.get("promotion_id")]
    return PromotionsToday(account=account, rows=rows, stale=False, synced_at=now)


def _budget(account: ShopeeAccount, budget: Any) -> Decimal:
    try:
        value = Decimal(str(budget).strip())
    except (InvalidOperation, ValueError):
        raise _field_error("budget", "The budget must be a number.", code=LiveError.INVALID_BUDGET)
    if not value.is_finite():
        raise _field_error("budget", "The budget must be a number.", code=LiveError.INVALID_BUDGET)
    if value < 0:
        raise _field_error("budget", "The budget can't be below zero.", code=LiveError.INVALID_BUDGET)
    limit = account.promotion_budget_limit
    if limit is not None and value > limit:
        raise _field_error(
            "budget", f"The budget can't be above this account's limit of {limit} {account.currency}.", code=LiveError.INVALID_BUDGET
        )
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _wire_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def promotion_edit(account: ShopeeAccount, promotion_id: str, *, name: str | None = None, budget: Any = None) -> dict:
    """Rename a promotion and/or set its budget. Checked here first (a budget below zero or
    above the account's limit, an empty or long name: a 400 naming the field, nothing sent);
    Shopee's own refusal (below what was spent today, above its daily limit) comes back with its
    message, also naming the field."""
    promotion_id = str(promotion_id or "").strip()
    if not promotion_id:
        raise _field_error("promotion_id", "Name the promotion to edit.")
    if name is None and budget in (None, ""):
        raise _field_error("budget", "Send a new name or budget.")
    if name is not None:
        name = name.strip()
        if not name or len(name) > PROMOTION_NAME_MAX:
            raise _field_error("name", f"The name must be 1 to {PROMOTION_NAME_MAX} characters.")
    value = _budget(account, budget) if budget not in (None, "") else None
    try:
        with web_client(account) as client:
            entry = client.promotion_edit(promotion_id, name=name, budget=_wire_number(value) if value is not None else None)
    except BadRequest as exc:
        message = exc.message or "Shopee refused the edit."
        if "not found" in message.lower():
            raise ApplicationError(f"Shopee has no promotion {promotion_id} today.", code=CoreError.NOT_FOUND, status=404)
        field = "budget" if "budget" in message.lower() else "name" if "name" in message.lower() else "promotion_id"
        raise _field_error(field, f"Shopee refused: {message}", code=LiveError.INVALID_BUDGET if field == "budget" else CoreError.INVALID)
    except UpstreamError as exc:
        raise as_application_error(exc) from exc
    entry = {"promotion_id": promotion_id, **(entry or {})}
    promotion = _promotion_store(account, entry, timezone.now())
    return _promotion_dict(promotion)


def streaming_promotions(account: ShopeeAccount) -> dict:
    """The streamers the account can promote live (the seed's ``streamers``)."""
    data = _call(account, "streaming_promotions")
    streamers = [
        {"streamer_id": str(row.get("streamer_id") or ""), "name": str(row.get("name") or ""), "followers": int(row.get("followers") or 0)}
        for row in data.get("streamers") or []
    ]
    return {"streamers": streamers, "total": int(data.get("total") or len(streamers))}


# --- items -----------------------------------------------------------------------------------


def _item_dict(account: ShopeeAccount, row: dict) -> dict:
    shop_id = str(row.get("shop_id") or account.shop_id)
    return {
        "item_id": str(row.get("item_id") or ""),
        "shop_id": shop_id,
        "name": str(row.get("name") or ""),
        "image_url": str(row.get("image") or row.get("image_url") or ""),
        "price": money(row.get("price")),
        "original_price": money(row.get("original_price")),
        "discount": row.get("discount"),
        "stock": int(row.get("stock") or 0),
        "sold": int(row.get("sold") or 0),
        "commission_rate": row.get("commission_rate"),
        "currency": str(row.get("currency") or account.currency),
        "product_url": product_url(region=account.region, shop_id=shop_id, item_id=row.get("item_id") or ""),
    }


def _offset_page(account: ShopeeAccount, data: dict) -> dict:
    return {
        "items": [_item_dict(account, row) for row in data.get("items") or []],
        "offset": int(data.get("offset") or 0),
        "limit": int(data.get("limit") or 0),
        "total": int(data.get("total") or 0),
        "has_more": bool(data.get("has_more")),
    }


def _paging(offset: Any, limit: Any) -> tuple[int, int]:
    try:
        offset, limit = int(offset), int(limit)
    except (TypeError, ValueError):
        raise _field_error("offset", "offset and limit must be whole numbers.")
    if offset < 0:
        raise _field_error("offset", "offset can't be below zero.")
    if not 1 <= limit <= 100:
        raise _field_error("limit", "limit must be between 1 and 100.")
    return offset, limit


def item_promotions(account: ShopeeAccount, offset: int = 0, limit: int = 50) -> dict:
    """A page of the account's items with their live-promotion prices (the seed's ``items``)."""
    offset, limit = _paging(offset, limit)
    return _offset_page(account, _call(account, "item_promotions", offset=offset, limit=limit))


def item_promotion_detail(account: ShopeeAccount, promo_id: str, offset: int = 0, limit: int = 50) -> dict:
    """One item promotion (set) and its items."""
    offset, limit = _paging(offset, limit)
    data = _call(account, "item_promotion_detail", str(promo_id), offset=offset, limit=limit)
    return {"promotion_id": str(data.get("promotion_id") or promo_id), "name": str(data.get("name") or ""), **_offset_page(account, data)}


# --- campaigns and ads -----------------------------------------------------------------------


def campaign_expense_today(account: ShopeeAccount) -> dict:
    data = _call(account, "campaign_expense_today")
    campaigns = [
        {
            "campaign_id": str(row.get("campaign_id") or ""),
            "name": str(row.get("name") or ""),
            "spend": money(row.get("spend")),
            "budget": money(row.get("budget")),
        }
        for row in data.get("campaigns") or []
    ]
    return {
        "total_spend": money(data.get("total_spend")),
        "campaign_count": int(data.get("campaign_count") or len(campaigns)),
        "campaigns": campaigns,
        "currency": str(data.get("currency") or account.currency),
    }


def ads_data(account: ShopeeAccount) -> dict:
    """Today's ads totals, with ``roi`` = GMV ÷ spend as "1.5x"."""
    data = _call(account, "ads_data")
    spend, gmv = money(data.get("total_spend")), money(data.get("total_gmv"))
    return {
        "total_impressions": int(data.get("total_impressions") or 0),
        "total_clicks": int(data.get("total_clicks") or 0),
        "total_spend": spend,
        "total_gmv": gmv,
        "roi": roi_label(gmv, spend),
        "currency": str(data.get("currency") or account.currency),
    }


# --- coins -----------------------------------------------------------------------------------


def _positive(field: str, value: Any) -> int:
    if isinstance(value, bool):
        raise _field_error(field, f"{field} must be a whole number above zero.")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise _field_error(field, f"{field} must be a whole number above zero.")
    if number <= 0:
        raise _field_error(field, f"{field} must be a whole number above zero.")
    return number


def _session_id(session_id: Any) -> str:
    text = str(session_id or "").strip()
    if not text.isdigit():
        raise _field_error("session_id", "session_id must be a Shopee session id (digits).")
    return text


def coin_start(account: ShopeeAccount, session_id, total_coins, distribution_mode: str = "random") -> dict:
    """Open a coin pool of ``total_coins`` on a live session."""
    session_id = _session_id(session_id)
    total = _positive("total_coins", total_coins)
    mode = (distribution_mode or "random").strip().lower()
    if mode not in COIN_MODES:
        raise _field_error("distribution_mode", f"distribution_mode must be one of {', '.join(COIN_MODES)}.")
    data = _call(account, "coin_start", session_id, total_coins=total, distribution_mode=mode)
    return {
        "status": "success",
        "session_id": str(data.get("session_id") or session_id),
        "total_coins": int(data.get("total_coins") or total),
        "distribution_mode": str(data.get("distribution_mode") or mode),
        "coins_distributed": int(data.get("coins_distributed") or 0),
        "balance": data.get("balance"),
    }


def coin_giveout(account: ShopeeAccount, session_id, amount, recipient_count) -> dict:
    """Give ``amount`` coins to each of ``recipient_count`` viewers from the session's pool."""
    session_id = _session_id(session_id)
    amount, recipients = _positive("amount", amount), _positive("recipient_count", recipient_count)
    data = _call(account, "coin_giveout", session_id, amount=amount, recipient_count=recipients)
    return {
        "status": "success",
        "session_id": str(data.get("session_id") or session_id),
        "amount": amount,
        "recipient_count": recipients,
        "coins_distributed": int(data.get("coins_distributed") or 0),
        "coins_left": data.get("coins_left"),
    }


def _stored_session(account: ShopeeAccount, session_id: str) -> LiveSession | None:
    return LiveSession.objects.for_tenant(account.tenant_id).filter(account=account, session_id=session_id).first()


def coin_reward_info(account: ShopeeAccount, session_id) -> dict:
    """The session's coins (distributed, claimed, their value), stored on the session. When
    Shopee can't be read, the stored figures come back marked stale (if the session is stored)."""
    session_id = _session_id(session_id)
    stored = _stored_session(account, session_id)
    try:
        data = _call(account, "coin_reward_info", session_id)
    except ApplicationError as exc:
        if stored is None or exc.code == LiveError.SESSION_STATE or exc.status == 400:
            raise
        return {
            "session_id": session_id,
            "total_distributed": stored.coins_distributed,
            "total_claimed": stored.coins_claimed,
            "total_value": stored.coin_total_value,
            "currency": stored.currency,
            "stale": True,
            "synced_at": stored.synced_at,
            "age_seconds": int((timezone.now() - stored.synced_at).total_seconds()) if stored.synced_at else None,
            "stale_reason": exc.message,
        }
    result = {
        "session_id": session_id,
        "total_coins": int(data.get("total_coins") or 0),
        "distribution_mode": str(data.get("distribution_mode") or ""),
        "total_distributed": int(data.get("total_distributed") or 0),
        "total_claimed": int(data.get("total_claimed") or 0),
        "total_value": money(data.get("total_value")),
        "currency": str(data.get("currency") or account.currency),
        "stale": False,
    }
    if stored is not None:
        LiveSession.objects.for_tenant(account.tenant_id).filter(pk=stored.pk).update(
            coins_distributed=result["total_distributed"],
            coins_claimed=result["total_claimed"],
            coin_total_value=result["total_value"],
            updated_at=timezone.now(),
        )
    return result


# --- live status, the creator ----------------------------------------------------------------


def shop_live_status(account: ShopeeAccount, uid) -> dict:
    """Whether the Shopee user ``uid`` is live now (the seed's ``is_live``)."""
    uid = str(uid or "").strip()
    if not uid.isdigit():
        raise _field_error("uid", "uid must be a Shopee user id (digits).")
    live = _call(account, "shop_live_status", uid).get("ongoing_live")
    if not live:
        return {"is_live": False, "current_session_id": None, "viewers_count": 0}
    return {
        "is_live": True,
        "current_session_id": str(live.get("session_id") or ""),
        "viewers_count": int(live.get("ccu") or 0),
        "total_viewers": int(live.get("viewer_count") or 0),
        "title": str(live.get("title") or ""),
        "started_at": from_platform_time(live.get("start_time")),
        "share_url": str(live.get("share_url") or ""),
    }


def _first(data: dict, *names: str) -> Any:
    return next((data[name] for name in names if data.get(name) not in (None, "")), None)


def creator_user_info(account: ShopeeAccount) -> dict:
    """The creator profile (the seed's ``user_id``, ``username``, ``shop_id``,
    ``follower_count``); the account's name and followers follow it."""
    data = _call(account, "creator_user_info")
    # Snake case as the seed's service reads it; camelCase as some captures show it.
    info = {
        "user_id": str(_first(data, "user_id", "userId") or account.user_id),
        "username": str(_first(data, "username", "userName") or ""),
        "shop_id": str(_first(data, "shop_id", "shopId") or account.shop_id),
        "shop_name": str(_first(data, "shop_name", "shopName") or ""),
        "follower_count": int(_first(data, "follower_count", "followerCount") or 0),
        "region": str(data.get("region") or account.region),
    }
    updates = {"follower_count": info["follower_count"]}
    if info["username"]:
        updates["name"] = info["username"][:200]
    ShopeeAccount.objects.for_tenant(account.tenant_id).filter(pk=account.pk).update(**updates, updated_at=timezone.now())
    return info


def _session_row(account: ShopeeAccount, row: dict) -> dict:
    status = _SESSION_STATUS.get(int(row.get("status") or 0), SessionStatus.INITIAL)
    return {
        "session_id": str(row.get("sessionId") or ""),
        "session_name": str(row.get("title") or ""),
        "status": status.value,
        "cover_image_url": str(row.get("coverImage") or ""),
        "started_at": from_platform_time(row.get("startTime")),
        "duration_seconds": int(row.get("duration") or 0) // 1000,
        "total_views": int(row.get("views") or 0),
        "total_viewers": int(row.get("viewers") or 0),
        "peak_viewers": int(row.get("peakViewers") or row.get("peakViews") or 0),
        "total_comments": int(row.get("comments") or 0),
        "total_likes": int(row.get("likes") or 0),
        "new_followers": int(row.get("followersGrowth") or 0),
        "add_to_cart": int(row.get("atc") or 0),
        "product_clicks": int(row.get("productClicks") or 0),
        "total_orders": int(row.get("placedOrders") or 0),
        "total_revenue": money(row.get("placedSales")),
        "confirmed_orders": int(row.get("confirmedOrders") or 0),
        "confirmed_revenue": money(row.get("confirmedSales")),
        "currency": account.currency,
    }


def creator_session_list(account: ShopeeAccount, page: int = 1, page_size: int = 10) -> dict:
    """The account's ongoing and recent sessions as Shopee lists them (the seed's
    ``sessions`` and ``total``)."""
    try:
        page, page_size = int(page), int(page_size)
    except (TypeError, ValueError):
        raise _field_error("page", "page and page_size must be whole numbers.")
    if page < 1:
        raise _field_error("page", "page starts at 1.")
    if not 1 <= page_size <= 100:
        raise _field_error("page_size", "page_size must be between 1 and 100.")
    data = _call(account, "realtime_sessions", page=page, page_size=page_size)
    return {
        "sessions": [_session_row(account, row) for row in data.get("list") or []],
        "total": int(data.get("total") or 0),
        "page": page,
        "page_size": page_size,
    }
