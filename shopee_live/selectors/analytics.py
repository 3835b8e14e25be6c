"""Live analytics: daily figures and the rolling summary, aggregated in SQL.

A session counts on the day it started in its account's region's time zone (one CASE per region
in the query, so studios streaming in several markets aggregate in one statement); a session
that never started doesn't count. The database returns one row per day and currency; nothing
loops over sessions.

Days that closed more than ``LIVE_DAYS`` ago are read from ``DailyAnalytics`` (one row per
account and day, written by ``services.daily_analytics_recent`` nightly and by the CSV import for the days it touches), so
a year of a large agency is a few thousand rows, not every session; the last ``LIVE_DAYS`` days
(each region's own) are aggregated from the sessions themselves, so today's live figures show
at once.

Currency: a studio (or account, or tenant) whose accounts all sell in one currency is reported in
it. When they sell in several, amounts are converted into the tenant's reporting currency at each
day's rate (``core.selectors.FxConverter``, Settings → FX rates); a currency without any rate is
left out and named in ``missing_rates``, so a total never silently mixes currencies.

Ratios come from the sums: conversion rate = orders ÷ viewers, average order value = revenue ÷
orders, ROI = revenue ÷ campaign spend (None when the denominator is zero).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from core.models import Tenant
from core.money import money_quantize
from core.selectors import FxConverter
from core.timezones import zone_or_utc
from shopee_live.models import DailyAnalytics, LiveSession
from shopee_live.regions import MARKETS
from shopee_live.selectors.sessions import region_day_bounds, session_local_day
from shopee_live.selectors.studios import account_for_tenant, accounts_for_tenant, studio_get

ANALYTICS_MAX_DAYS = 366
# Today and the two days before it are read from the sessions (late orders settle for a while).
LIVE_DAYS = 3
ZERO = Decimal(0)


@dataclass
class LiveFigures:
    """Sums over sessions, in ``currency``, and the ratios derived from them."""

    currency: str
    sessions: int = 0
    revenue: Decimal = ZERO
    viewers: int = 0
    orders: int = 0
    campaign_spent: Decimal = ZERO
    missing_rates: set[str] = field(default_factory=set)

    @property
    def average_order_value(self) -> Decimal:
        return money_quantize(self.revenue / self.orders, self.currency) if self.orders else ZERO

    @property
    def conversion_rate(self) -> Decimal | None:
        """Orders per viewer."""
        return Decimal(self.orders) / Decimal(self.viewers) if self.viewers else None

    @property
    def roi(self) -> Decimal | None:
        """Revenue per unit of campaign spend."""
        return self.revenue / self.campaign_spent if self.campaign_spent else None

    def add(self, row: dict, converter: FxConverter | None) -> None:
        """Adds one aggregated (day, currency) row, converted into ``currency`` when it differs."""
        revenue, spent = row["revenue"] or ZERO, row["spent"] or ZERO
        if row["currency"] != self.currency:
            rate = converter.rate(row["currency"], row["day"]) if converter else None
            if rate is None:
                self.missing_rates.add(row["currency"])
                return
            revenue, spent = revenue * rate, spent * rate
        self.sessions += row["sessions"]
        self.viewers += row["viewers"] or 0
        self.orders += row["orders"] or 0
        self.revenue = money_quantize(self.revenue + revenue, self.currency)
        self.campaign_spent = money_quantize(self.campaign_spent + spent, self.currency)


@dataclass
class AnalyticsDay(LiveFigures):
    day: date | None = None


@dataclass
class AnalyticsSummary(LiveFigures):
    period_days: int = 30
    start: dict[str, date] = field(default_factory=dict)  # per region: the window's first day
    end: dict[str, date] = field(default_factory=dict)  # per region: its today


def _scope(tenant: Tenant, *, studio_id: int | None, account_id: int | None) -> tuple[QuerySet, QuerySet, str, FxConverter | None]:
    """The sessions and daily rows in scope, the currency to report in, and the converter when
    it is needed."""
    sessions = LiveSession.objects.for_tenant(tenant)
    daily = DailyAnalytics.objects.for_tenant(tenant)
    accounts = accounts_for_tenant(tenant)
    if studio_id is not None:
        studio = studio_get(tenant, studio_id=studio_id)
        sessions, daily, accounts = sessions.filter(studio=studio), daily.filter(studio=studio), accounts.filter(studio=studio)
    if account_id is not None:
        account = account_for_tenant(tenant, account_id=account_id)
        sessions, daily, accounts = sessions.filter(account=account), daily.filter(account=account), accounts.filter(pk=account.pk)
    currencies = set(accounts.order_by().values_list("currency", flat=True).distinct())
    if len(currencies) == 1:
        return sessions, daily, currencies.pop(), None
    converter = FxConverter(tenant)
    return sessions, daily, converter.currency, converter


def region_today(region: str, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(zone_or_utc(MARKETS[region].time_zone)).date()


def live_days_start(now: datetime | None = None) -> dict[str, date]:
    """Per region, the first day still aggregated from the sessions themselves."""
    return {code: region_today(code, now) - timedelta(days=LIVE_DAYS - 1) for code in MARKETS}


def _utc_floor(day: date) -> datetime:
    """A moment before ``day`` starts in any region (UTC+8 is the earliest): a plain range on
    ``started_at`` the (tenant, studio|account, started_at) indexes serve, before the exact
    per-region bounds."""
    return datetime.combine(day - timedelta(days=1), time.min, tzinfo=UTC)


def _per_day_and_currency(
    sessions: QuerySet[LiveSession], daily: QuerySet[DailyAnalytics], start: dict[str, date], end: dict[str, date], now: datetime | None
) -> list[dict]:
    """Sums per (day, currency) for each region's days ``start``..``end``: closed days from the
    daily rows, the last ``LIVE_DAYS`` from the sessions."""
    live_from = live_days_start(now)
    stored_condition, live_windows = Q(), {}
    for code in MARKETS:
        stored_last = min(end[code], live_from[code] - timedelta(days=1))
        if start[code] <= stored_last:
            stored_condition |= Q(account__region=code, day__range=(start[code], stored_last))
        live_first = max(start[code], live_from[code])
        if live_first <= end[code]:
            live_windows[code] = (live_first, end[code])
    rows = []
    if stored_condition:
        rows += (
            daily.filter(stored_condition)
            .values("day", "currency")
            .annotate(
                sessions=Sum("sessions"), revenue=Sum("revenue"), viewers=Sum("viewers"), orders=Sum("orders"), spent=Sum("campaign_spent")
            )
            .order_by()
        )
    if live_windows:
        rows += (
            sessions.filter(started_at__gte=_utc_floor(min(first for first, _ in live_windows.values())))
            .filter(region_day_bounds(live_windows, moment="started_at"))
            .annotate(day=session_local_day())
            .values("day", "currency")
            .annotate(
                sessions=Count("id"),
                revenue=Sum("total_revenue"),
                viewers=Sum("total_viewers"),
                orders=Sum("total_orders"),
                spent=Sum("campaign_spent"),
            )
            .order_by()
        )
    return rows


def analytics_daily(
    tenant: Tenant, *, studio_id: int | None = None, account_id: int | None = None, start: date, end: date, now: datetime | None = None
) -> list[AnalyticsDay]:
    """One row per day from ``start`` to ``end`` (days without sessions are zeros)."""
    sessions, daily, currency, converter = _scope(tenant, studio_id=studio_id, account_id=account_id)
    days = {
        start + timedelta(days=n): AnalyticsDay(currency=currency, day=start + timedelta(days=n)) for n in range((end - start).days + 1)
    }
    same = dict.fromkeys(MARKETS)
    for row in _per_day_and_currency(sessions, daily, {c: start for c in same}, {c: end for c in same}, now):
        if row["day"] in days:
            days[row["day"]].add(row, converter)
    return list(days.values())


def analytics_summary(
    tenant: Tenant, *, studio_id: int | None = None, account_id: int | None = None, days: int = 30, now: datetime | None = None
) -> AnalyticsSummary:
    """Totals of the last ``days`` days, each region's window ending on its own today."""
    sessions, daily, currency, converter = _scope(tenant, studio_id=studio_id, account_id=account_id)
    end = {code: region_today(code, now) for code in MARKETS}
    start = {code: today - timedelta(days=days - 1) for code, today in end.items()}
    summary = AnalyticsSummary(currency=currency, period_days=days, start=start, end=end)
    for row in _per_day_and_currency(sessions, daily, start, end, now):
        summary.add(row, converter)
    return summary
