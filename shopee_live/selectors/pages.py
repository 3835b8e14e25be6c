"""What the Shopee Live pages read: live cards, one session with its minutes and items, the
history with its totals, the analytics of stored days, and the promotions stored per account.

Money never adds up across currencies: every total is per currency (an IDR account and a THB
account of one studio show two figures, never one). Ratios follow the seed: average order value =
revenue ÷ orders, conversion rate = orders ÷ viewers, ROI = revenue ÷ campaign spend ("1.5x").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.timezones import zone_or_utc
from shopee_live.models import DailyAnalytics, Host, LiveSession, SessionMinute, ShopeeAccount
from shopee_live.regions import MARKETS
from shopee_live.selectors.analytics import live_days_start
from shopee_live.selectors.sessions import region_day_bounds, session_local_day, sessions_ongoing
from shopee_live.selectors.studios import ACCOUNT_SECRETS, accounts_for_tenant

ZERO = Decimal("0.00")
# An account whose last sync is older than this (or failed) shows its figures as stale.
STALE_AFTER = timedelta(minutes=10)
# The live cards' sparkline: the last hour, minute by minute.
SPARKLINE_MINUTES = 60
SPARKLINE_WIDTH, SPARKLINE_HEIGHT = 120, 28


# --- Hosts (the history's filter) ------------------------------------------------------------


def hosts_for_tenant(tenant, *, studio_id: int | None = None) -> QuerySet[Host]:
    hosts = Host.objects.for_tenant(tenant).order_by("name", "id")
    return hosts.filter(studio_id=studio_id) if studio_id else hosts


# --- Ratios --------------------------------------------------------------------------------


def ratio(numerator, denominator) -> Decimal | None:
    """``numerator ÷ denominator`` or None when there is nothing to divide by."""
    if not denominator:
        return None
    return Decimal(numerator or 0) / Decimal(denominator)


def roi_text(revenue, spent) -> str:
    """The seed's ROI: revenue ÷ campaign spend as ``"1.5x"``; "–" without spend."""
    value = ratio(revenue, spent)
    return "–" if value is None else f"{value.quantize(Decimal('0.1'))}x"


def percent_of(numerator, denominator) -> Decimal | None:
    value = ratio(numerator, denominator)
    return None if value is None else value * 100


# --- Live now ------------------------------------------------------------------------------


@dataclass
class AccountFreshness:
    account: ShopeeAccount
    last_synced_at: datetime | None
    error: str
    stale: bool


def account_freshness(account: ShopeeAccount, *, now: datetime | None = None) -> AccountFreshness:
    """When the account was last synced and whether its figures are stale: the last sync failed,
    or it is older than ``STALE_AFTER`` (or never happened)."""
    now = now or timezone.now()
    synced = account.last_synced_at
    stale = bool(account.last_sync_error) or synced is None or now - synced > STALE_AFTER
    return AccountFreshness(account, synced, account.last_sync_error, stale)


@dataclass
class LiveCard:
    session: LiveSession
    freshness: AccountFreshness
    sparkline_points: str  # an SVG polyline's points, "" without minutes
    sparkline_peak: int
    minutes: int

    @property
    def account(self) -> ShopeeAccount:
        return self.session.account


def sparkline_points(values: list[int], *, width: int = SPARKLINE_WIDTH, height: int = SPARKLINE_HEIGHT) -> str:
    """SVG polyline points for ``values`` scaled into ``width`` × ``height`` (a flat line at the
    bottom when every value is zero; "" with fewer than two values)."""
    if len(values) < 2:
        return ""
    top = max(values) or 1
    step = width / (len(values) - 1)
    return " ".join(f"{index * step:.1f},{height - (value / top) * (height - 2) - 1:.1f}" for index, value in enumerate(values))


def live_cards(tenant, *, studio_id: int | None = None, account_id: int | None = None, now: datetime | None = None) -> list[LiveCard]:
    """One card per ongoing session, with the last hour of viewers per minute (two queries)."""
    now = now or timezone.now()
    sessions = list(sessions_ongoing(tenant, studio_id=studio_id, account_id=account_id))
    viewers: dict[int, list[int]] = {session.pk: [] for session in sessions}
    if sessions:
        minutes = (
            SessionMinute.objects.for_tenant(tenant)
            .filter(session_id__in=list(viewers), minute__gte=now - timedelta(minutes=SPARKLINE_MINUTES))
            .order_by("session_id", "minute")
            .values_list("session_id", "viewers")
        )
        for session_id, value in minutes:
            viewers[session_id].append(value)
    return [
        LiveCard(
            session=session,
            freshness=account_freshness(session.account, now=now),
            sparkline_points=sparkline_points(viewers[session.pk]),
            sparkline_peak=max(viewers[session.pk], default=0),
            minutes=len(viewers[session.pk]),
        )
        for session in sessions
    ]


def accounts_freshness(
    tenant, *, studio_id: int | None = None, account_id: int | None = None, now: datetime | None = None
) -> list[AccountFreshness]:
    accounts = accounts_for_tenant(tenant, studio_id=studio_id)
    if account_id:
        accounts = accounts.filter(pk=account_id)
    return [account_freshness(account, now=now) for account in accounts]


# --- One session ---------------------------------------------------------------------------


def session_for_page(tenant, pk: int) -> LiveSession:
    """The tenant's session ``pk`` with its account, studio and host (DoesNotExist otherwise)."""
    sessions = LiveSession.objects.for_tenant(tenant).select_related("account", "studio", "host")
    return sessions.defer(*(f"account__{name}" for name in ACCOUNT_SECRETS)).get(pk=pk)


@dataclass
class SessionKpis:
    average_order_value: Decimal | None
    conversion_rate: Decimal | None  # percent: orders ÷ unique viewers
    roi: str


def session_kpis(session: LiveSession) -> SessionKpis:
    return SessionKpis(
        average_order_value=ratio(session.total_revenue, session.total_orders),
        conversion_rate=percent_of(session.total_orders, session.total_viewers),
        roi=roi_text(session.total_revenue, session.campaign_spent),
    )


# --- History -------------------------------------------------------------------------------


_MONEY = DecimalField(max_digits=20, decimal_places=2)


def sessions_totals(sessions: QuerySet[LiveSession]) -> list[dict]:
    """Totals of ``sessions`` per currency (one SQL aggregate), the currency with most sessions
    first: sessions, viewers, orders, revenue, campaign spend, AOV and ROI."""
    rows = (
        sessions.order_by()
        .values("currency")
        .annotate(
            sessions=Count("id"),
            viewers=Coalesce(Sum("total_viewers"), 0),
            peak_viewers=Coalesce(Sum("peak_viewers"), 0),
            orders=Coalesce(Sum("total_orders"), 0),
            revenue=Coalesce(Sum("total_revenue"), Value(ZERO), output_field=_MONEY),
            campaign_spent=Coalesce(Sum("campaign_spent"), Value(ZERO), output_field=_MONEY),
        )
        .order_by("-sessions", "currency")
    )
    return [_with_ratios(dict(row)) for row in rows]


def _with_ratios(row: dict) -> dict:
    row["average_order_value"] = ratio(row["revenue"], row["orders"])
    row["conversion_rate"] = percent_of(row["orders"], row["viewers"])
    row["roi"] = roi_text(row["revenue"], row["campaign_spent"])
    return row


# Exported columns, raw values (ISO times with offsets, codes not labels).
SESSION_EXPORT_COLUMNS = (
    "session_id", "session_name", "status", "source", "studio", "account", "region", "currency", "host",
    "started_at", "ended_at", "duration_seconds", "total_viewers", "peak_viewers", "total_views", "total_orders",
    "total_revenue", "confirmed_revenue", "items_sold", "total_likes", "total_comments", "total_shares",
    "campaign_spent", "coins_distributed", "coins_claimed", "coin_total_value",
)  # fmt: skip


def sessions_export_rows(sessions: QuerySet[LiveSession]):
    for session in sessions.iterator(chunk_size=2000):
        yield (
            session.session_id,
            session.session_name,
            session.status,
            session.source,
            session.studio.name,
            session.account.name,
            session.account.region,
            session.currency,
            session.host.name if session.host else "",
            session.started_at,
            session.ended_at,
            session.duration_seconds,
            session.total_viewers,
            session.peak_viewers,
            session.total_views,
            session.total_orders,
            session.total_revenue,
            session.confirmed_revenue,
            session.items_sold,
            session.total_likes,
            session.total_comments,
            session.total_shares,
            session.campaign_spent,
            session.coins_distributed,
            session.coins_claimed,
            session.coin_total_value,
        )


# --- Analytics (stored days) -----------------------------------------------------------------


_DAILY_SUMS = {
    "sessions": Coalesce(Sum("sessions"), 0),
    "revenue": Coalesce(Sum("revenue"), Value(ZERO), output_field=_MONEY),
    "viewers": Coalesce(Sum("viewers"), 0),
    "orders": Coalesce(Sum("orders"), 0),
    "items_sold": Coalesce(Sum("items_sold"), 0),
    "campaign_spent": Coalesce(Sum("campaign_spent"), Value(ZERO), output_field=_MONEY),
}
# The same sums over sessions (the live days).
_SESSION_SUMS = {
    "sessions": Count("id"),
    "revenue": Coalesce(Sum("total_revenue"), Value(ZERO), output_field=_MONEY),
    "viewers": Coalesce(Sum("total_viewers"), 0),
    "orders": Coalesce(Sum("total_orders"), 0),
    "items_sold": Coalesce(Sum("items_sold"), 0),
    "campaign_spent": Coalesce(Sum("campaign_spent"), Value(ZERO), output_field=_MONEY),
}


def _aggregate(tenant, keys: tuple[str, ...], *, studio_id: int | None, account_id: int | None, start: date, end: date) -> list[dict]:
    """Sums per ``keys`` (of "day", "currency", "account_id") over ``start``..``end``, by the
    analytics' rule (``selectors.analytics``): days that closed are read from ``DailyAnalytics``,
    the last ``LIVE_DAYS`` of each region from the sessions themselves, so today shows at once.
    Two SQL aggregates; rows of the same key are added up."""
    live_from = live_days_start()
    stored_windows, live_windows = {}, {}
    for code in MARKETS:
        stored_last = min(end, live_from[code] - timedelta(days=1))
        if start <= stored_last:
            stored_windows[code] = (start, stored_last)
        if max(start, live_from[code]) <= end:
            live_windows[code] = (max(start, live_from[code]), end)
    if len(set(stored_windows.values())) == 1 and len(stored_windows) == len(MARKETS):
        stored = Q(day__range=next(iter(stored_windows.values())))  # every region alike: no join
    else:
        stored = Q()
        for code, window in stored_windows.items():
            stored |= Q(account__region=code, day__range=window)
    scope = {key: value for key, value in (("studio_id", studio_id), ("account_id", account_id)) if value}
    merged: dict[tuple, dict] = {}

    def add(rows) -> None:
        for row in rows:
            key = tuple(row[name] for name in keys)
            total = merged.setdefault(key, {**{name: row[name] for name in keys}, **dict.fromkeys(_DAILY_SUMS, 0)})
            for name in _DAILY_SUMS:
                total[name] += row[name]

    if stored:
        add(DailyAnalytics.objects.for_tenant(tenant).filter(stored, **scope).order_by().values(*keys).annotate(**_DAILY_SUMS))
    if live_windows:
        first = min(window[0] for window in live_windows.values())
        sessions = LiveSession.objects.for_tenant(tenant).filter(
            started_at__gte=datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=1), **scope
        )
        add(
            sessions.filter(region_day_bounds(live_windows, moment="started_at"))
            .annotate(day=session_local_day())
            .order_by()
            .values(*keys)
            .annotate(**_SESSION_SUMS)
        )
    return list(merged.values())


@dataclass
class DailySeries:
    """Day-by-day figures over a range (every day present, zero when nothing was stored): counts
    for all accounts together, revenue per currency."""

    days: list[date]
    sessions: list[int]
    viewers: list[int]
    orders: list[int]
    revenue_by_currency: dict[str, list[Decimal]] = field(default_factory=dict)


def analytics_daily_series(tenant, *, studio_id: int | None = None, account_id: int | None = None, start: date, end: date) -> DailySeries:
    """Per day and currency (``_aggregate``): counts for all accounts, revenue per currency."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    index = {day: n for n, day in enumerate(days)}
    series = DailySeries(days, [0] * len(days), [0] * len(days), [0] * len(days))
    for row in _aggregate(tenant, ("day", "currency"), studio_id=studio_id, account_id=account_id, start=start, end=end):
        n = index[row["day"]]
        series.sessions[n] += row["sessions"]
        series.viewers[n] += row["viewers"]
        series.orders[n] += row["orders"]
        series.revenue_by_currency.setdefault(row["currency"], [ZERO] * len(days))[n] += row["revenue"]
    series.revenue_by_currency = dict(sorted(series.revenue_by_currency.items(), key=lambda item: (-sum(item[1]), item[0])))
    return series


def analytics_totals(tenant, *, studio_id: int | None = None, account_id: int | None = None, start: date, end: date) -> list[dict]:
    """Per currency over ``start``..``end``: sessions, revenue, viewers, orders, AOV, conversion
    rate and ROI (the largest revenue first)."""
    rows = _aggregate(tenant, ("currency",), studio_id=studio_id, account_id=account_id, start=start, end=end)
    return [_with_ratios(row) for row in sorted(rows, key=lambda row: (-row["revenue"], row["currency"]))]


def analytics_by_account(
    tenant, accounts: list[ShopeeAccount], *, studio_id: int | None = None, account_id: int | None = None, start: date, end: date
) -> list[dict]:
    """One row per account with sessions in the range, grouped by account in SQL (names and
    regions come from ``accounts``, the tenant's accounts the page holds)."""
    by_pk = {account.pk: account for account in accounts}
    rows = _aggregate(tenant, ("account_id", "currency"), studio_id=studio_id, account_id=account_id, start=start, end=end)
    found = []
    for row in rows:
        account = by_pk.get(row["account_id"])
        if account is not None:
            found.append(_with_ratios({**row, "account": account.name, "region": account.region, "studio": account.studio.name}))
    return found


def totals_per_currency(rows: list[dict]) -> list[dict]:
    """``analytics_by_account`` rows added up per currency (the largest revenue first)."""
    totals: dict[str, dict] = {}
    for row in rows:
        total = totals.setdefault(row["currency"], {"currency": row["currency"], **{key: 0 for key in _DAILY_SUMS}})
        for key in _DAILY_SUMS:
            total[key] += row[key]
    return [_with_ratios(total) for total in sorted(totals.values(), key=lambda total: (-total["revenue"], total["currency"]))]


def summary_span(tenant, days: int, *, now: datetime | None = None) -> tuple[date, date]:
    """The rolling summary's days: the last ``days`` days up to today (the tenant's zone)."""
    today = (now or timezone.now()).astimezone(zone_or_utc(tenant.time_zone)).date()
    return today - timedelta(days=days - 1), today
