"""Helpers the order, rollup and product writes share: the shop's write lock and zone, platform numbers.

Amounts are read with ``core.money.money_text``."""

from __future__ import annotations

from core.timezones import zone_or_utc
from shop_sync.models import ShopConnection

# Two-key advisory locks: (this constant, the shop's id).
_SHOP_WRITE_LOCK = 0x5359_4E43 & 0x7FFF_FFFF


def _zone_name(shop: ShopConnection) -> str:
    """The shop's zone as PostgreSQL and zoneinfo both read it; UTC when empty or unknown."""
    return zone_or_utc(shop.time_zone).key


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
