"""What every read shares: the cancelled status, money rounding and changes, zones, periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from core.models import Tenant
from core.money import money_quantize
from core.timezones import zone_or_utc
from shop_sync.models import ShopConnection

CANCELLED = "CANCELLED"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def zone(name: str) -> ZoneInfo:
    """The named zone; UTC for an empty or unknown name, so one bad row never breaks a page."""
    return zone_or_utc(name)


def _ratio(numerator: Decimal, denominator: int) -> Decimal:
    return money_quantize(numerator / denominator) if denominator else ZERO


def _change(current, previous) -> dict:
    """Delta and percentage of ``current`` against ``previous``; no percentage from zero."""
    delta = current - previous
    percent = None
    if previous:
        percent = float((Decimal(delta) / Decimal(previous) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return {"current": current, "previous": previous, "delta": delta, "percent": percent}


@dataclass(frozen=True)
class Period:
    """Days ``start``..``end`` (both included) and the period they are compared with: the equal
    period just before them unless ``compare_start``/``compare_end`` name another (a year back)."""

    start: date
    end: date
    compare_start: date | None = None
    compare_end: date | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        if self.compare_start is not None and self.compare_end is not None:
            return Period(self.compare_start, self.compare_end)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


def period_ending(end: date, days: int) -> Period:
    return Period(end - timedelta(days=days - 1), end)


def today_for(tenant: Tenant, shop: ShopConnection | None = None) -> date:
    """Today in the shop's time zone, or the tenant's when no shop is chosen."""
    name = shop.time_zone if shop else tenant.time_zone
    return timezone.now().astimezone(zone(name)).date()
