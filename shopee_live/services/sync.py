"""Keeping sessions current: the 5-minute cycle over ongoing sessions, the hourly pass that
settles ended ones, and a single session on demand.

Every figure the platform sends is cumulative (totals so far) or keyed by minute, so writing it
again replaces rather than adds: a cycle repeated after a killed worker double-counts nothing.
A cycle is a sync run with one part per account (``core`` resumes parts a dead worker left).

Calls per cycle, per account: one ``realtime/sessionList`` (the ongoing sessions with their
totals), then per ongoing session the per-minute ``trends`` since the last stored minute and the
``productList`` (items with what they sold): 2 per session plus 1 per account. Ended sessions
are read hourly (``dashboard/overview`` for final totals and shares, ``productList`` and, with
Open Platform tokens, ``get_item_list`` for list prices and commission rates) until final.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.exceptions import ApplicationError
from core.http import UpstreamError
from core.jobs import enqueue
from core.models import SyncRun, SyncRunPart, Tenant
from core.services.sync_runs import StaleCheckpoint, SyncRunConflict, sync_page_commit, sync_part_claim, sync_part_fail, sync_run_start
from shopee_live.models import LiveSession, SessionItem, SessionMinute, SessionSource, SessionStatus, ShopeeAccount
from shopee_live.services.accounts import open_client, web_client

logger = logging.getLogger(__name__)

KIND_ACTIVE = "shopee_live.active"
KIND_ENDED = "shopee_live.ended"
SESSION_LIST_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 100
HISTORY_DAYS = 31
# Shopee settles orders for a while after a stream ends; after this an ended session is final.
SETTLE_AFTER = timedelta(hours=2)
# Trends are asked from the last stored minute (it may have grown since), at most this far back.
TRENDS_MAX_SPAN = timedelta(hours=12)
CLOCK_SKEW_MARGIN = timedelta(hours=1)

_LIVE = 1
_ENDED = 2


@dataclass
class CycleCounts:
    calls: int = 0
    sessions: int = 0
    minutes: int = 0
    items: int = 0
    ended: int = 0
    errors: list[str] = field(default_factory=list)

    def as_checkpoint(self) -> dict:
        return {"calls": self.calls, "sessions": self.sessions, "minutes": self.minutes, "items": self.items, "ended": self.ended}


# --- Parsing the platform's figures -----------------------------------------------------------


def _int(value) -> int:
    try:
        return max(int(float(value)), 0) if value not in (None, "") else 0
    except (TypeError, ValueError):
        return 0


def _money(value) -> Decimal:
    """The web sends money as numbers in major units (IDR without decimals); JSON null is 0."""
    if value in (None, ""):
        return Decimal(0)
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return Decimal(0)


def _from_ms(value) -> datetime | None:
    """Shopee web times are milliseconds; some endpoints (and the Open Platform's doc samples)
    mix in seconds, so small values are read as seconds."""
    number = _int(value)
    if not number:
        return None
    seconds = number / 1000 if number > 10_000_000_000 else number
    return datetime.fromtimestamp(seconds, tz=UTC)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _totals_from_list_item(row: dict) -> dict:
    """A ``realtime/sessionList`` or ``liveList/v2`` row → LiveSession fields (reference §1.7)."""
    started = _from_ms(row.get("startTime"))
    duration = _int(row.get("duration")) // 1000  # milliseconds, like every web time
    return {
        "session_name": str(row.get("title") or "")[:255],
        "started_at": started,
        "duration_seconds": duration,
        "total_views": _int(row.get("views")),
        "total_viewers": _int(row.get("viewers")),
        "peak_viewers": _int(row.get("peakViewers", row.get("peakViews"))),
        "engaged_viewers": _int(row.get("engagedUv")),
        "total_comments": _int(row.get("comments")),
        "total_likes": _int(row.get("likes")),
        "new_followers": _int(row.get("followersGrowth")),
        "add_to_cart": _int(row.get("atc")),
        "product_clicks": _int(row.get("productClicks")),
        "total_orders": _int(row.get("placedOrders")),
        "total_revenue": _money(row.get("placedSales")),
        "confirmed_orders": _int(row.get("confirmedOrders")),
        "confirmed_revenue": _money(row.get("confirmedSales")),
        "items_sold": _int(row.get("placedItemSold", row.get("itemSold"))),
    }


def _totals_from_overview(data: dict) -> dict:
    """``realtime/dashboard/overview`` → LiveSession fields."""
    engagement = data.get("engagementData") or {}
    return {
        "current_viewers": _int(data.get("ccu")),
        "total_viewers": _int(data.get("viewers")),
        "peak_viewers": _int(data.get("pcu")),
        "total_views": _int(data.get("views")),
        "engaged_viewers": _int(data.get("engagedViewers")),
        "add_to_cart": _int(data.get("atc")),
        "items_sold": _int(data.get("placedItemsSold")),
        "total_orders": _int(data.get("placedOrder")),
        "total_revenue": _money(data.get("placedGmv")),
        "confirmed_orders": _int(data.get("confirmedOrder")),
        "confirmed_revenue": _money(data.get("confirmedGmv")),
        "total_likes": _int(engagement.get("likes")),
        "total_comments": _int(engagement.get("comments")),
        "total_shares": _int(engagement.get("shares")),
        "new_followers": _int(engagement.get("newFollowers")),
    }


TREND_METRICS = ("ccu", "engagedCcu", "entering", "addToCart", "order", "gmv", "confirmedGmv", "confirmedOrder")
_TREND_FIELDS = {
    "ccu": "viewers",
    "engagedCcu": "engaged_viewers",
    "entering": "entering",
    "addToCart": "add_to_cart",
    "order": "orders",
    "gmv": "revenue",
    "confirmedOrder": "confirmed_orders",
    "confirmedGmv": "confirmed_revenue",
}
_MONEY_FIELDS = {"revenue", "confirmed_revenue"}


def _minute_rows(data) -> dict[datetime, dict]:
    """Trends → {minute: SessionMinute fields}: one series per metric,
    ``{"trends": [{"metric": "ccu", "points": [{"time": ms, "value": n}]}]}``."""
    by_ms: dict[int, dict] = {}
    series = data.get("trends") if isinstance(data, dict) else data
    for trend in series or ():
        target = _TREND_FIELDS.get(trend.get("metric"))
        if target is None:
            continue
        parse = _money if target in _MONEY_FIELDS else _int
        for point in trend.get("points") or ():
            moment = _int(point.get("time"))
            if moment:
                by_ms.setdefault(moment - moment % 60_000, {})[target] = parse(point.get("value"))
    return {_from_ms(moment): values for moment, values in by_ms.items()}


def _item_rows(data) -> list[dict]:
    """``realtime/dashboard/productList`` rows → SessionItem fields (what each item sold)."""
    rows = data.get("list") if isinstance(data, dict) else data
    items = []
    for row in rows or ():
        item_id = str(row.get("itemId") or row.get("item_id") or "")
        if not item_id:
            continue
        items.append(
            {
                "item_id": item_id,
                "product_name": str(row.get("title") or row.get("name") or "")[:500],
                "image_url": str(row.get("coverImage") or "")[:500],
                "live_price": _money(row.get("minPrice")),
                "item_clicks": _int(row.get("productClicks")),
                "add_to_cart": _int(row.get("atc")),
                "quantity_sold": _int(row.get("itemSold")),
                "revenue": _money(row.get("revenue")),
            }
        )
    return items


def _affiliate_rows(data) -> dict[str, dict]:
    """Open Platform ``get_item_list`` → {item_id: list price, live price, commission rate}."""
    found = {}
    for row in (data or {}).get("list") or ():
        price = row.get("price_info") or {}
        affiliate = row.get("affiliate_info") or {}
        found[str(row.get("item_id"))] = {
            "shop_id": str(row.get("shop_id") or ""),
            "live_price": _money(price.get("current_price")),
            "original_price": _money(price.get("original_price")),
            "commission_rate": Decimal(str(affiliate.get("commission_rate") or 0)).quantize(Decimal("0.0001")),
        }
    return found


# --- Writes ---------------------------------------------------------------------------------


def _session_upsert(account: ShopeeAccount, session_id: str, values: dict) -> LiveSession:
    """One session written, then read back whole (the bulk upsert returns only what it set)."""
    written = _sessions_upsert(account, [(session_id, values)])[session_id]
    return LiveSession.objects.for_tenant(account.tenant_id).select_related("account").get(pk=written.pk)


def _sessions_upsert(account: ShopeeAccount, rows: list[tuple[str, dict]]) -> dict[str, LiveSession]:
    """Insert or update sessions by their platform id in one statement; {session_id: session}."""
    if not rows:
        return {}
    now = timezone.now()
    common = {"account": account, "synced_at": now, "updated_at": now}
    sessions = [
        LiveSession(
            tenant_id=account.tenant_id, session_id=session_id, studio_id=account.studio_id, currency=account.currency, **common, **values
        )
        for session_id, values in rows
    ]
    fields = sorted({name for _, values in rows for name in values} | {"account", "synced_at", "updated_at"})
    LiveSession.objects.for_tenant(account.tenant_id).bulk_create(
        sessions, update_conflicts=True, unique_fields=["tenant", "session_id"], update_fields=fields
    )
    return {session.session_id: session for session in sessions}


def _minutes_write(minutes_by_session: dict[LiveSession, dict[datetime, dict]]) -> int:
    rows = [
        SessionMinute(tenant_id=session.tenant_id, session_id=session.pk, minute=moment, **values)
        for session, minutes in minutes_by_session.items()
        for moment, values in minutes.items()
    ]
    if not rows:
        return 0
    fields = sorted({name for minutes in minutes_by_session.values() for row in minutes.values() for name in row})
    SessionMinute.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["tenant", "session", "minute"], update_fields=fields, batch_size=2000
    )
    return len(rows)


def _items_write(items_by_session: dict[LiveSession, list[dict]]) -> int:
    """Upsert what each item sold; its commission follows the rate stored for it."""
    sessions = {session.pk: session for session, items in items_by_session.items() if items}
    if not sessions:
        return 0
    tenant_id = next(iter(sessions.values())).tenant_id
    rates = {
        (session_pk, item_id): rate
        for session_pk, item_id, rate in SessionItem.objects.for_tenant(tenant_id)
        .filter(session_id__in=list(sessions))
        .values_list("session_id", "item_id", "commission_rate")
    }
    rows = []
    for session, items in items_by_session.items():
        for values in items:
            rate = rates.get((session.pk, values["item_id"]), Decimal(0))
            commission = (values["revenue"] * rate).quantize(Decimal("0.01"))
            rows.append(SessionItem(tenant_id=tenant_id, session_id=session.pk, total_commission=commission, **values))
    fields = sorted({name for items in items_by_session.values() for row in items for name in row} - {"item_id"} | {"total_commission"})
    SessionItem.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["tenant", "session", "item_id"], update_fields=fields, batch_size=2000
    )
    return len(rows)


def _prices_write(session: LiveSession, affiliate: dict[str, dict]) -> int:
    """List price, discount and commission rate of the stored items (Open Platform item list)."""
    changed = []
    for item in SessionItem.objects.for_tenant(session.tenant_id).filter(session=session, item_id__in=list(affiliate)):
        found = affiliate[item.item_id]
        item.shop_id = found["shop_id"] or item.shop_id
        item.original_price = found["original_price"]
        item.live_price = item.live_price or found["live_price"]
        item.commission_rate = found["commission_rate"]
        if item.original_price > 0 and item.live_price > 0:
            item.discount_percentage = max((item.original_price - item.live_price) * 100 / item.original_price, Decimal(0)).quantize(
                Decimal("0.01")
            )
        item.total_commission = (item.revenue * item.commission_rate).quantize(Decimal("0.01"))
        changed.append(item)
    fields = ["shop_id", "original_price", "live_price", "commission_rate", "discount_percentage", "total_commission"]
    SessionItem.objects.for_tenant(session.tenant_id).bulk_update(changed, fields)
    return len(changed)


def _account_sync_recorded(account: ShopeeAccount, error: str = "") -> None:
    now = timezone.now()
    values = {"last_sync_error": error[:300]} if error else {"last_synced_at": now, "last_sync_error": ""}
    ShopeeAccount.objects.for_tenant(account.tenant_id).filter(pk=account.pk).update(**values)


# --- The 5-minute cycle over ongoing sessions -----------------------------------------------


def account_live_sync(*, account: ShopeeAccount, client=None, counts: CycleCounts | None = None) -> CycleCounts:
    """One account's ongoing sessions: list, then each session's minutes since the last stored
    one and its items; written together, in a few statements for the whole account. Sessions
    we had as ongoing that the platform no longer lists as live are marked ended (the hourly
    pass settles their final figures)."""
    counts = counts or CycleCounts()
    client = client or web_client(account)
    listing = client.realtime_sessions(page=1, page_size=SESSION_LIST_PAGE_SIZE)
    counts.calls += 1
    live_rows = [row for row in listing.get("list") or () if _int(row.get("status")) == _LIVE]
    live_ids = [str(row.get("sessionId")) for row in live_rows]
    last_minutes = dict(
        LiveSession.objects.for_tenant(account.tenant_id)
        .filter(session_id__in=live_ids)
        .annotate(last_minute=Max("minutes__minute"))
        .values_list("session_id", "last_minute")
    )
    now = timezone.now()
    fetched = []
    for row, session_id in zip(live_rows, live_ids, strict=True):
        totals = _totals_from_list_item(row)
        # The platform's own "now" for the session (start + duration): our clock may differ.
        until = totals["started_at"] + timedelta(seconds=totals["duration_seconds"] + 60) if totals["started_at"] else now
        start = max(filter(None, (last_minutes.get(session_id), totals["started_at"], until - TRENDS_MAX_SPAN)))
        trends = client.dashboard_trends(session_id, start_ms=_ms(start), end_ms=_ms(until), metrics=TREND_METRICS)
        products = client.dashboard_products(session_id, page=1, page_size=100)
        counts.calls += 2
        minutes = _minute_rows(trends)
        if minutes:
            totals["current_viewers"] = minutes[max(minutes)].get("viewers", 0)
        fetched.append((session_id, {**totals, "status": SessionStatus.ONGOING, "ended_at": None}, minutes, _item_rows(products)))
    with transaction.atomic():
        sessions = _sessions_upsert(account, [(session_id, totals) for session_id, totals, _, _ in fetched])
        counts.minutes += _minutes_write({sessions[sid]: minutes for sid, _, minutes, _ in fetched})
        counts.items += _items_write({sessions[sid]: items for sid, _, _, items in fetched})
        counts.sessions += len(fetched)
        counts.ended += _sessions_gone(account, live_ids, now)
    _account_sync_recorded(account)
    return counts


def _sessions_gone(account: ShopeeAccount, live_ids: list[str], now: datetime) -> int:
    """Sessions stored as ongoing that the platform no longer lists as live: ended, as of the
    last figures we have (the settle pass reads the exact end)."""
    gone = (
        LiveSession.objects.for_tenant(account.tenant_id)
        .filter(account=account, status=SessionStatus.ONGOING)
        .exclude(session_id__in=live_ids)
    )
    ended = 0
    for session in gone.only("pk", "started_at", "duration_seconds"):
        ended_at = session.started_at + timedelta(seconds=session.duration_seconds) if session.started_at else now
        ended += gone.filter(pk=session.pk).update(status=SessionStatus.ENDED, ended_at=ended_at, current_viewers=0, updated_at=now)
    return ended


def live_cycle_start(*, tenant: Tenant) -> SyncRun | None:
    """Start this tenant's cycle: one part per account with a Seller Center session. None when
    there is nothing to sync or the previous cycle is still running (it covers the same ground)."""
    from shopee_live.selectors import accounts_syncable

    accounts = list(accounts_syncable(tenant))
    if not accounts:
        return None
    try:
        return sync_run_start(
            tenant=tenant,
            kind=KIND_ACTIVE,
            target="live",
            label="Shopee Live sessions",
            parts=[(f"account:{account.pk}", {"account": account.pk}) for account in accounts],
        )
    except SyncRunConflict as conflict:
        logger.info("Shopee Live cycle for tenant %s skipped: run %s is still %s", tenant.pk, conflict.run.pk, conflict.run.state)
        return None


def _part_account(part: SyncRunPart) -> ShopeeAccount | None:
    return (
        ShopeeAccount.objects.for_tenant(part.tenant_id)
        .select_related("tenant")
        .filter(pk=part.params.get("account"), status="active")
        .first()
    )


def _account_part_run(part_id: int, work, *, client, items) -> SyncRunPart | None:
    """Work one account's part with ``work(account=, client=)``. Its writes are idempotent, so
    the part is committed once at the end; an upstream failure is recorded on the account (its
    pages show the stored figures marked stale) and fails the part without raising."""
    part = SyncRunPart.objects.select_related("run").filter(pk=part_id).first()
    if part is None or (part := sync_part_claim(part=part)) is None:
        return None
    account = _part_account(part)
    try:
        if account is None:
            return sync_page_commit(part=part, write_rows=lambda: None, checkpoint={"skipped": "inactive"}, items=0, done=True)
        if client is None:
            with web_client(account) as own:  # one connection pool per part, closed after it
                counts = work(account=account, client=own)
        else:
            counts = work(account=account, client=client)
        return sync_page_commit(part=part, write_rows=lambda: None, checkpoint=counts.as_checkpoint(), items=items(counts), done=True)
    except StaleCheckpoint:
        return None
    except (UpstreamError, ApplicationError) as exc:
        message = str(exc) or type(exc).__name__
        _account_sync_recorded(account, message)
        sync_part_fail(part=part, error=message)
    except Exception as exc:
        sync_part_fail(part=part, error=str(exc) or type(exc).__name__)
        raise
    return part


def live_cycle_part_run(*, part_id: int, client=None) -> SyncRunPart | None:
    """Work one account of a 5-minute cycle."""
    return _account_part_run(part_id, account_live_sync, client=client, items=lambda counts: counts.sessions)


# --- Ended sessions, hourly until final -----------------------------------------------------


def session_settle(*, session: LiveSession, client=None) -> LiveSession:
    """Read a session's figures from the dashboard: totals with shares and followers, and what
    its items sold. An ended session is final once it ended ``SETTLE_AFTER`` ago."""
    account = session.account
    client = client or web_client(account)
    overview = client.dashboard_overview(session.session_id)
    products = client.dashboard_products(session.session_id, page=1, page_size=100)
    totals = _totals_from_overview(overview)
    now = timezone.now()
    if _int(overview.get("status")) == _LIVE:
        totals["status"] = SessionStatus.ONGOING
    else:
        ended_at = session.ended_at or now
        totals.update(status=SessionStatus.ENDED, current_viewers=0, ended_at=ended_at, is_final=now - ended_at >= SETTLE_AFTER)
    with transaction.atomic():
        session = _session_upsert(account, session.session_id, totals)
        _items_write({session: _item_rows(products)})
    return session


def session_prices_fill(*, session: LiveSession, platform=None) -> int:
    """List prices, discounts and commission rates of a live session's items, from the Open
    Platform's item list (it answers only while the session is live). Returns items updated."""
    platform = platform or open_client(session.account)
    return _prices_write(session, _affiliate_rows(platform.item_list_page(session.session_id, offset=0, page_size=100)))


def account_history_discover(*, account: ShopeeAccount, client=None) -> int:
    """Sessions that started and ended between two cycles appear only in the history: record
    them as ended (the settle pass fills their figures). Returns how many were new."""
    client = client or web_client(account)
    history = client.live_history(page=1, page_size=100, time_dim="1d")
    new = 0
    for row in history.get("list") or ():
        session_id = str(row.get("sessionId") or "")
        if not session_id:
            continue
        totals = _totals_from_list_item(row)
        exists = LiveSession.objects.for_tenant(account.tenant_id).filter(session_id=session_id).exists()
        ended_at = totals["started_at"] + timedelta(seconds=totals["duration_seconds"]) if totals["started_at"] else timezone.now()
        if not exists:
            _session_upsert(account, session_id, {**totals, "status": SessionStatus.ENDED, "ended_at": ended_at})
            new += 1
    return new


def account_history_backfill(*, account: ShopeeAccount, client=None, time_dim: str = "30d") -> int:
    """The account's ended sessions of the last 30 days (``liveList/v2``, paged), stored with the
    history's own totals: what a newly connected account shows at once. Sessions already
    stored keep their figures. Returns how many sessions were added."""
    client = client or web_client(account)
    known = set(LiveSession.objects.for_tenant(account.tenant_id).filter(account=account).values_list("session_id", flat=True))
    added, page, now = 0, 1, timezone.now()
    while True:
        history = client.live_history(page=page, page_size=HISTORY_PAGE_SIZE, time_dim=time_dim)
        rows = history.get("list") or []
        batch = []
        for row in rows:
            session_id = str(row.get("sessionId") or "")
            if not session_id or session_id in known or _int(row.get("status")) == _LIVE:
                continue
            totals = _totals_from_list_item(row)
            ended_at = totals["started_at"] + timedelta(seconds=totals["duration_seconds"]) if totals["started_at"] else now
            batch.append(
                (session_id, {**totals, "status": SessionStatus.ENDED, "ended_at": ended_at, "is_final": now - ended_at >= SETTLE_AFTER})
            )
            known.add(session_id)
        _sessions_upsert(account, batch)
        added += len(batch)
        if not rows or page * HISTORY_PAGE_SIZE >= _int(history.get("total")):
            return added
        page += 1


def account_first_sync(*, account: ShopeeAccount) -> CycleCounts:
    """Right after an account is connected: its last 30 days, what is live now, and the daily
    analytics of those days, so its pages have figures before the first scheduled cycle."""
    from shopee_live.services.analytics import daily_analytics_compute

    with web_client(account) as client:
        added = account_history_backfill(account=account, client=client)
        counts = account_live_sync(account=account, client=client)
    counts.sessions += added
    today = timezone.now().date()  # UTC: the markets' own days run up to a day either side
    daily_analytics_compute(account.tenant, day_from=today - timedelta(days=HISTORY_DAYS + 1), day_to=today + timedelta(days=1))
    return counts


def account_connected(*, account: ShopeeAccount) -> None:
    """Queue the first sync of an account just connected (after the transaction commits)."""
    enqueue("shopee_live.tasks.account_first_sync_task", tenant_id=account.tenant_id, account_pk=account.pk)


def ended_sessions_settle(*, account: ShopeeAccount, client=None, platform=None) -> CycleCounts:
    """The hourly pass for one account: discover missed sessions, settle every ended session
    that isn't final yet, and (with Open Platform tokens) fill the prices and commission rates
    of live sessions' items that have none yet."""
    counts = CycleCounts()
    client = client or web_client(account)
    counts.sessions += account_history_discover(account=account, client=client)
    sessions = (
        LiveSession.objects.for_tenant(account.tenant_id).filter(account=account, source=SessionSource.SYNC).select_related("account")
    )
    for session in sessions.filter(status=SessionStatus.ENDED, is_final=False):
        session_settle(session=session, client=client)
        counts.ended += 1
    if account.access_token_expires_at is None:
        return counts
    unpriced = sessions.filter(status=SessionStatus.ONGOING, items__original_price=0).distinct()
    for session in unpriced:
        try:
            counts.items += session_prices_fill(session=session, platform=platform)
        except UpstreamError as exc:  # the next pass tries again
            counts.errors.append(str(exc))
    return counts


def ended_cycle_start(*, tenant: Tenant) -> SyncRun | None:
    from shopee_live.selectors import accounts_syncable

    accounts = list(accounts_syncable(tenant))
    if not accounts:
        return None
    try:
        return sync_run_start(
            tenant=tenant,
            kind=KIND_ENDED,
            target="ended",
            label="Shopee Live ended sessions",
            parts=[(f"account:{account.pk}", {"account": account.pk}) for account in accounts],
        )
    except SyncRunConflict:
        return None


def ended_cycle_part_run(*, part_id: int, client=None) -> SyncRunPart | None:
    """Work one account of the hourly pass."""
    return _account_part_run(part_id, ended_sessions_settle, client=client, items=lambda counts: counts.ended)


# --- One session on demand (the seed's POST /sessions/sync) ---------------------------------


def session_sync(*, account: ShopeeAccount, session_id: str, client=None) -> LiveSession:
    """Bring one session up to date now: its dashboard totals and items, and while it is live
    its minutes too. The session is created when Shopee knows it and we don't yet."""
    client = client or web_client(account)
    session = LiveSession.objects.for_tenant(account.tenant_id).filter(session_id=session_id).first()
    if session is None:
        session = LiveSession(
            tenant=account.tenant, account=account, studio_id=account.studio_id, session_id=session_id, currency=account.currency
        )
    session.account = account
    session = session_settle(session=session, client=client)
    if session.status == SessionStatus.ONGOING:
        now = timezone.now()
        start = max(filter(None, (session.started_at, now - TRENDS_MAX_SPAN)))
        # Up to the platform's latest minute, whatever our clock says: it sends completed minutes only.
        end = now + CLOCK_SKEW_MARGIN
        trends = client.dashboard_trends(session_id, start_ms=_ms(start), end_ms=_ms(end), metrics=TREND_METRICS)
        _minutes_write({session: _minute_rows(trends)})
    return session
