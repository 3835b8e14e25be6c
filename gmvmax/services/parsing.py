"""The platform's report strings and ranges: money, counts, days, launched times, the ≤ 93-day
split, and an account's "today" (reports are in the ad account's time zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from core.money import ZERO, money_parse
from core.timezones import zone_or_utc

MAX_REPORT_DAYS = 93  # the Business API's longest range per report request


def _money(value) -> Decimal:
    """A platform amount ("-" when it has no figure) in cents; unreadable counts as zero."""
    try:
        return money_parse(value)
    except ValueError:
        return ZERO


def _count(value) -> int:
    if value in (None, "", "-"):
        return 0
    try:
        return int(Decimal(str(value)))
    except InvalidOperation:
        return 0


def _text(value) -> str:
    return "" if value in (None, "-") else str(value).strip()


def _day(value: str) -> date:
    return date.fromisoformat(str(value)[:10])


def _stat_values(metrics: dict) -> dict:
    """The STAT_FIELDS of one report row, as campaign and room day rows both store them."""
    return {
        "cost": _money(metrics.get("cost")),
        "net_cost": _money(metrics.get("net_cost")),
        "gross_revenue": _money(metrics.get("gross_revenue")),
        "orders": _count(metrics.get("orders")),
        "live_views": _count(metrics.get("live_views")),
        "ten_second_live_views": _count(metrics.get("10_second_live_views")),
        "live_follows": _count(metrics.get("live_follows")),
    }


def launched_time_parse(value, zone: str) -> datetime | None:
    """``live_launched_time`` is "YYYY-MM-DD HH:MM:SS" in the ad account's zone; "-"/"" → None."""
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone_or_utc(zone))
    except ValueError:
        return None


def create_time_parse(value) -> datetime | None:
    """A campaign's ``create_time``: "YYYY-MM-DD HH:MM:SS" in UTC, as the platform states it."""
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def report_ranges(start: date, end: date, max_days: int = MAX_REPORT_DAYS) -> list[tuple[date, date]]:
    """[start, end] split into consecutive ranges of at most ``max_days`` days."""
    ranges = []
    cursor = start
    while cursor <= end:
        last = min(end, cursor + timedelta(days=max_days - 1))
        ranges.append((cursor, last))
        cursor = last + timedelta(days=1)
    return ranges


def zone_today(zone: str) -> date:
    return timezone.now().astimezone(zone_or_utc(zone)).date()


def advertiser_today(advertiser) -> date:
    return zone_today(advertiser.time_zone)
