"""What every read shares: the cancelled status, money rounding and changes, zones, periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from core.models import Tenant
from shop_sync.models import ShopConnection

CANCELLED = "CANCELLED"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The named zone; UTC for an empty or unknown name, so one bad row never breaks a page."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _money(value) -> Decimal:
    return (value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(numerator: Decimal, denominator: int) -> Decimal:
    return _money(numerator / denominator) if denominator else ZERO


def _change(current, previous) -> dict:
    """Delta and percentage of ``current`` against ``previous``; no percentage from zero."""
    delta = current - previous
    percent = None
    if previous:
        percent = float((Decimal(delta) / Decimal(previous) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return {"current": current, "previous": previous, "delta": delta, "percent": percent}


@dataclass(frozen=True)
class Period:
    """Days ``start``..``end`` (both included) and the equal period just before them."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


def period_ending(end: date, days: int) -> Period:
    return Period(end - timedelta(days=days - 1), end)


def today_for(tenant: Tenant, shop: ShopConnection | None = None) -> date:
    """Today in the shop's time zone, or the tenant's when no shop is chosen."""
    name = shop.time_zone if shop else tenant.time_zone
    return timezone.now().astimezone(zone(name)).date()
