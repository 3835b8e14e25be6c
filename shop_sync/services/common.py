"""Helpers the order, rollup and product writes share: the shop's write lock and zone, platform numbers and amounts."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shop_sync.models import ShopConnection

# Two-key advisory locks: (this constant, the shop's id).
_SHOP_WRITE_LOCK = 0x5359_4E43 & 0x7FFF_FFFF


def _zone_name(shop: ShopConnection) -> str:
    """The shop's zone as PostgreSQL and zoneinfo both read it; UTC when empty or unknown."""
    try:
        return ZoneInfo(shop.time_zone or "UTC").key
    except (ValueError, KeyError, ZoneInfoNotFoundError):
        return "UTC"


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


_MONEY_TEXT = re.compile(r"-?\d{1,12}(?:\.\d{1,2})?")


def _money(value) -> str:
    """A platform amount as the decimal string a numeric(14, 2) column takes; "0" when missing
    or unreadable. The platform's own strings pass straight through (no Decimal per field)."""
    if value.__class__ is str and _MONEY_TEXT.fullmatch(value):
        return value
    if value in (None, ""):
        return "0"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return "0"
    return str(amount) if amount.is_finite() else "0"
